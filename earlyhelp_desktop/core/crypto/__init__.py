"""Key slots (Argon2id + X25519 + AES-256-GCM), calibration and the wrong-password back-off."""
