"""Request signing and signed server messages, shared by the client and the server.

Every request after enrolment is signed by the device's Ed25519 key over its method, path, a counter
that strictly increases per device, the user token and the SHA-256 of the (uncompressed) body. The
server keeps each device's last counter, so a replayed request is refused whatever the laptop's clock
says. The server signs the messages that may destroy key slots (retire, revoke) with its own key, whose
public half the laptop pinned at enrolment.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol import SignedMessage


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def signing_input(method: str, path: str, counter: int, token: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(["earlyhelp-sync-1", method.upper(), path, str(counter), token, digest]).encode()


def new_private_key() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_key(private: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def sign(private: bytes, data: bytes) -> str:
    return b64(Ed25519PrivateKey.from_private_bytes(private).sign(data))


def verify(public: bytes, data: bytes, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(unb64(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class DeviceMessage:
    action: str  # retire | revoke
    device_id: str
    issued_at_ms: int


def sign_message(private: bytes, action: str, device_id: str, issued_at_ms: int) -> SignedMessage:
    payload = json.dumps(
        {"action": action, "device_id": device_id, "issued_at_ms": issued_at_ms}, sort_keys=True
    )
    signature = sign(private, b"earlyhelp-message-1\n" + payload.encode())
    return SignedMessage(payload=payload, signature=signature)


def open_message(server_public: bytes, message: Any, device_id: str) -> DeviceMessage | None:
    """The verified message for this device, or None for anything forged, garbled or meant for another."""
    try:
        signed = SignedMessage.model_validate(message)
        if not verify(server_public, b"earlyhelp-message-1\n" + signed.payload.encode(), signed.signature):
            return None
        data = json.loads(signed.payload)
        found = DeviceMessage(str(data["action"]), str(data["device_id"]), int(data["issued_at_ms"]))
    except (ValueError, KeyError, TypeError):
        return None
    if found.device_id != device_id or found.action not in ("retire", "revoke"):
        return None
    return found
