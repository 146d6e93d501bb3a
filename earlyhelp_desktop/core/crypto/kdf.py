"""Argon2id parameters: stored in every slot, calibrated on this laptop when a slot is created."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

MIN_MEMORY_KIB = 64 * 1024
TARGET_SECONDS = 0.5
LOW_SECONDS, HIGH_SECONDS = 0.3, 0.7


@dataclass(frozen=True, slots=True)
class KdfParams:
    """Argon2id settings. Production slots use at least 64 MiB; only tests pass cheaper ones."""

    salt: bytes
    memory_kib: int
    iterations: int
    lanes: int = 4

    def derive(self, secret: bytes) -> bytes:
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(secret)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["salt"] = self.salt.hex()
        data["alg"] = "argon2id"
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParams:
        if data.get("alg") != "argon2id":
            raise ValueError("unsupported key derivation")
        return cls(
            bytes.fromhex(data["salt"]), int(data["memory_kib"]), int(data["iterations"]), int(data["lanes"])
        )

    def with_new_salt(self) -> KdfParams:
        return KdfParams(os.urandom(16), self.memory_kib, self.iterations, self.lanes)


def _time_derive(params: KdfParams) -> float:
    start = time.perf_counter()
    params.derive(b"calibration")
    return time.perf_counter() - start


def calibrate(memory_kib: int = MIN_MEMORY_KIB, target: float = TARGET_SECONDS) -> KdfParams:
    """Finds the iterations that take about ``target`` seconds here (0.3-0.7 s), at >= 64 MiB."""
    memory_kib = max(memory_kib, MIN_MEMORY_KIB)
    probe = KdfParams(os.urandom(16), memory_kib, 2)
    per_iteration = max(_time_derive(probe) / 2, 1e-4)
    iterations = max(1, round(target / per_iteration))
    for _ in range(3):
        params = KdfParams(os.urandom(16), memory_kib, iterations)
        took = _time_derive(params)
        if LOW_SECONDS <= took <= HIGH_SECONDS or (took > HIGH_SECONDS and iterations == 1):
            return params
        iterations = max(1, round(iterations * target / took))
    return KdfParams(os.urandom(16), memory_kib, iterations)
