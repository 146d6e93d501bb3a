"""Typed errors raised by the core. Each says what happened and what to do, in plain words.

::

    EarlyHelpError
    ├── StoreError                    exit code 4
    │   ├── NoStore                   no store in that folder
    │   ├── StoreExists               a store is already there
    │   ├── CorruptStore              the files cannot be read or fail their integrity check
    │   ├── NewerSchema               written by a newer version of the app
    │   └── StoreLocked               the store is locked (no data key in memory)
    ├── AuthError                     exit code 3
    │   ├── WrongPassword             (carries the back-off now in force)
    │   ├── BackoffActive             too many wrong passwords: wait
    │   ├── UnknownUser               no such person on this laptop
    │   └── InvalidResetCode
    ├── NotPermitted                  exit code 9: this role may not do that
    ├── InvalidInput                  exit code 2: per-field messages for forms
    │   └── WrongState                the record's state does not allow this now (submitted, closed...)
    ├── NotFound                      exit code 2
    └── CaptureError                  a programming error: a syncable write without its op
"""

from __future__ import annotations

from collections.abc import Mapping


class EarlyHelpError(Exception):
    """Base of every expected error. ``str(error)`` is a message fit to show a person."""


class StoreError(EarlyHelpError):
    pass


class NoStore(StoreError):
    pass


class StoreExists(StoreError):
    pass


class CorruptStore(StoreError):
    pass


class NewerSchema(StoreError):
    pass


class StoreLocked(StoreError):
    pass


class AuthError(EarlyHelpError):
    pass


class WrongPassword(AuthError):
    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class BackoffActive(AuthError):
    def __init__(self, message: str, wait_seconds: int) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class UnknownUser(AuthError):
    pass


class InvalidResetCode(AuthError):
    pass


class NotPermitted(EarlyHelpError):
    pass


class NotFound(EarlyHelpError):
    pass


class InvalidInput(EarlyHelpError):
    """Input that cannot be saved. ``errors`` maps each field to a message that says what to do."""

    def __init__(self, errors: Mapping[str, str] | str) -> None:
        self.errors: dict[str, str] = {"": errors} if isinstance(errors, str) else dict(errors)
        super().__init__("; ".join(self.errors.values()))


class WrongState(InvalidInput):
    """The record is not in a state that allows this (an assessment already submitted, an episode closed).

    A form shows it as a message at the top rather than next to a field."""


class CaptureError(EarlyHelpError):
    """A syncable row changed without going through change capture (a bug, never user error)."""


def wait_phrase(seconds: int) -> str:
    """'45 seconds', '2 minutes', for back-off messages."""
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
