"""Shared by every command: passwords, opening the store, output, exit codes."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.errors import AuthError, InvalidInput, NotFound, NotPermitted, StoreError
from earlyhelp_desktop.core.paths import default_store_dir
from earlyhelp_desktop.core.store.store import Store, Workspace

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_AUTH, EXIT_STORE, EXIT_NOT_PERMITTED = 0, 1, 2, 3, 4, 9


class UsageError(Exception):
    """A command given arguments that cannot work (exit 2)."""


@dataclass
class Context:
    """What a command runs with: arguments, streams, and (for tests) cheap key-derivation settings."""

    args: argparse.Namespace
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    fixed_kdf: KdfParams | None = None
    _stdin_lines: list[str] | None = None

    @property
    def store_dir(self) -> Path:
        store = getattr(self.args, "store", None)
        return Path(store) if store else default_store_dir()

    def store(self) -> Store:
        return Store(self.store_dir, fixed_kdf=self.fixed_kdf)

    def _stdin_password(self) -> str:
        """With --password-stdin: line 1 is the acting person's password, line 2 a new password."""
        if self._stdin_lines is None:
            self._stdin_lines = [line.rstrip("\r\n") for line in self.stdin.readlines()]
        if not self._stdin_lines:
            raise UsageError("--password-stdin was given but no password was read from standard input")
        return self._stdin_lines.pop(0)

    def password(self, who: str) -> str:
        if getattr(self.args, "password_stdin", False):
            return self._stdin_password()
        if os.environ.get("EARLYHELP_PASSWORD"):
            return os.environ["EARLYHELP_PASSWORD"]
        return self._prompt(f"Password for {who}: ")

    def new_password(self, who: str) -> str:
        if getattr(self.args, "password_stdin", False):
            return self._stdin_password()
        if os.environ.get("EARLYHELP_NEW_PASSWORD"):
            return os.environ["EARLYHELP_NEW_PASSWORD"]
        first = self._prompt(f"New password for {who}: ")
        if self._prompt("Type it again: ") != first:
            raise UsageError("The two passwords were not the same; nothing was changed")
        return first

    def _prompt(self, prompt: str) -> str:
        if not self.stdin.isatty():
            raise UsageError(
                "No password given: use --password-stdin, or set EARLYHELP_PASSWORD "
                "(EARLYHELP_NEW_PASSWORD for a new one), or run in a terminal"
            )
        return getpass.getpass(prompt, stream=self.stderr)

    def unlock(self) -> Workspace:
        name = self.args.as_user
        return self.store().require().unlock(name, self.password(name))

    def json(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n")


def add_store(parser: argparse.ArgumentParser, *, acting: bool = True) -> None:
    parser.add_argument("--store", metavar="DIR", help="store folder (default: the machine-wide data folder)")
    if acting:
        parser.add_argument("--as", dest="as_user", metavar="NAME", required=True, help="your user name")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password(s) from standard input, one per line"
    )


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document on standard output")


def exit_code(exc: BaseException) -> int:
    if isinstance(exc, (InvalidInput, NotFound, UsageError)):
        return EXIT_USAGE
    if isinstance(exc, AuthError):
        return EXIT_AUTH
    if isinstance(exc, StoreError):
        return EXIT_STORE
    if isinstance(exc, NotPermitted):
        return EXIT_NOT_PERMITTED
    return EXIT_ERROR


Handler = Callable[[Context], int | None]
