"""Entry point of ``earlyhelp``. Exit codes: 0 ok, 1 unexpected error, 2 usage or invalid input,
3 authentication failed, 4 no store / corrupt store / newer schema, 9 not permitted for this role
(sync adds 5 offline, 6 retired/revoked, 7 partial, 8 protocol too old)."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TextIO

from earlyhelp_desktop.cli import casework, families, print_cmds, store_cmds, sync_cmds
from earlyhelp_desktop.cli.common import EXIT_ERROR, Context, UsageError, exit_code
from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.errors import EarlyHelpError

COMMAND_MODULES = [store_cmds, families, casework, print_cmds, sync_cmds]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="earlyhelp",
        description="Early Help Desktop from the command line. Every command works offline.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    fixed_kdf: KdfParams | None = None,
) -> int:
    """Runs one command. Tests pass streams and cheap key-derivation settings explicitly."""
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    context = Context(args, stdin or sys.stdin, stdout or sys.stdout, err, fixed_kdf)
    try:
        result = args.handler(context)
    except KeyboardInterrupt:
        err.write("Stopped. Nothing half-done was saved.\n")
        return EXIT_ERROR
    except (EarlyHelpError, UsageError, sync_cmds.EXPECTED) as exc:
        err.write(f"earlyhelp: {exc}\n")
        return sync_cmds.sync_error_code(exc) if isinstance(exc, sync_cmds.EXPECTED) else exit_code(exc)
    except Exception as exc:  # noqa: BLE001 - one clear line, never a traceback with personal data
        err.write(f"earlyhelp: unexpected error ({type(exc).__name__}). Nothing half-done was saved.\n")
        if os.environ.get("EARLYHELP_DEBUG"):
            traceback.print_exc(file=err)
        return EXIT_ERROR
    return int(result or 0)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
