"""This laptop's enrolment: its Ed25519 key, the server it belongs to, its request counter.

Kept in ``sync-device.json`` beside the store (private permissions), outside the encrypted database on
purpose: the escrow path must be able to prove which laptop is asking before anyone can unlock it. It
holds no personal data. The counter is written to disk before each request that uses it, so a request
is never signed twice with one counter. ``stamp_floor`` survives a restore of the database from a backup,
so the clock (and the op ids made from it) moves past what was already sent.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from earlyhelp_desktop.core.fileio import atomic_write
from sync import auth

DEVICE_FILE = "sync-device.json"


@dataclass
class DeviceFile:
    path: Path
    device_id: str
    server_url: str
    hub_id: str
    hub_name: str
    server_public_key: str
    private_key: str
    epoch: str
    counter: int = 0
    stamp_floor: int = 0  # the highest stamp this laptop has sent: its clock never goes below it

    @classmethod
    def path_in(cls, directory: Path) -> Path:
        return Path(directory) / DEVICE_FILE

    @classmethod
    def load(cls, directory: Path) -> DeviceFile | None:
        path = cls.path_in(directory)
        try:
            data: dict[str, Any] = json.loads(path.read_bytes())
            return cls(path=path, **{k: data[k] for k in data if k != "format"})
        except FileNotFoundError:
            return None
        except (ValueError, TypeError, KeyError):
            return None

    def save(self) -> None:
        data = asdict(self)
        data.pop("path")
        data["format"] = 1
        atomic_write(self.path, json.dumps(data, indent=1).encode())

    # -- the client's Signer ---------------------------------------------------------------------------

    def next_counter(self) -> int:
        self.counter += 1
        self.save()
        return self.counter

    def skip_counter_past(self, value: int) -> None:
        if value >= self.counter:
            self.counter = value
            self.save()

    def sign(self, data: bytes) -> str:
        return auth.sign(auth.unb64(self.private_key), data)

    @property
    def server_key(self) -> bytes:
        return auth.unb64(self.server_public_key)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
