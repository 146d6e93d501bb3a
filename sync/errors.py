"""Errors of the sync client. Each says what happened in plain words; none of them destroys anything.

::

    SyncError
    ├── Unreachable            the server could not be reached, timed out or kept failing (changes kept)
    │   └── BadReply           something answered, but not our server (a captive portal, a proxy page)
    ├── ProtocolTooOld         this app is older than the server accepts: update the app
    ├── AuthFailed             wrong password, unknown account, bad or expired token (401)
    │   └── TokenExpired       the online session ended: log in online again
    ├── NotAllowed             the account or device may not do this (403)
    ├── Replayed               the server saw this request counter already (409): the client moves on
    ├── Refused                any other 4xx, with the server's reason
    └── DeviceEnded            the server's signed retire or revoke message (410 or in a pull)
"""

from __future__ import annotations

from typing import Any


class SyncError(Exception):
    def __init__(self, message: str, code: str = "", detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.detail = detail or {}


class Unreachable(SyncError):
    pass


class BadReply(Unreachable):
    pass


class ProtocolTooOld(SyncError):
    pass


class AuthFailed(SyncError):
    pass


class TokenExpired(AuthFailed):
    pass


class NotAllowed(SyncError):
    pass


class Replayed(SyncError):
    pass


class Refused(SyncError):
    pass


class DeviceEnded(SyncError):
    """Carries the signed message; only a verified one may destroy key slots."""

    def __init__(self, message: str, signed: Any) -> None:
        super().__init__(message, "device_ended")
        self.signed = signed
