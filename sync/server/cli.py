"""``earlyhelp-sync-server``: run the server and administer it.

::

    earlyhelp-sync-server serve [--database-url URL] [--host H] [--port P]
    earlyhelp-sync-server admin add-hub --database-url URL --name NAME [--locality NAME]
    earlyhelp-sync-server admin add-user --database-url URL --user NAME --full-name TEXT --role ROLE
        --hub NAME
    earlyhelp-sync-server admin enrol-code --database-url URL --hub NAME
    earlyhelp-sync-server admin devices --database-url URL --json
    earlyhelp-sync-server admin retire-device|revoke-device --database-url URL --device ID
    earlyhelp-sync-server admin held --database-url URL --json
    earlyhelp-sync-server admin release --database-url URL --hold ID

New passwords come from EARLYHELP_NEW_PASSWORD or the first line of standard input. Exit codes: 0 done,
1 unexpected error, 2 usage or invalid input, 4 not found or already so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from sync.server.admin import ROLES, Admin
from sync.server.config import Settings, default_database_url
from sync.server.store import ApiError, ServerStore


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="earlyhelp-sync-server", description="The Early Help sync server.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--database-url", metavar="URL", help="default: a SQLite file in the data directory")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    admin = commands.add_parser("admin", help="administer hubs, staff, laptops and held deletions")
    actions = admin.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(name, help=text)
        p.add_argument("--database-url", metavar="URL", required=True)
        return p

    p = action("add-hub", "add a hub (and its locality)")
    p.add_argument("--name", required=True)
    p.add_argument("--locality")
    p = action("add-user", "add a staff account")
    p.add_argument("--user", required=True)
    p.add_argument("--full-name", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--hub", required=True)
    p = action("enrol-code", "print a one-time code that enrols one laptop into a hub")
    p.add_argument("--hub", required=True)
    p = action("devices", "every laptop, its hub, last sync and what waits on it")
    p.add_argument("--json", action="store_true")
    for name, text in (
        ("retire-device", "retire a laptop: it pushes, then wipes"),
        ("revoke-device", "revoke a lost laptop: it wipes at next contact"),
    ):
        p = action(name, text)
        p.add_argument("--device", required=True)
    p = action("held", "deletions held by the mass-delete safety limit")
    p.add_argument("--json", action="store_true")
    p = action("release", "apply held deletions a supervisor confirmed")
    p.add_argument("--hold", required=True)
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env(args.database_url or default_database_url())
    except ValueError as exc:
        sys.stderr.write(f"earlyhelp-sync-server: {exc}\n")
        return 2
    if args.command == "serve":
        return serve(settings, args.host, args.port)
    store = ServerStore(settings)
    try:
        store.start()
        return run_admin(Admin(store), args, stdin or sys.stdin, out)
    except ApiError as exc:
        sys.stderr.write(f"earlyhelp-sync-server: {exc.message}\n")
        return 2 if exc.status in (400, 422) else 4
    finally:
        store.engine.dispose()


def run_admin(admin: Admin, args: argparse.Namespace, stdin: TextIO, out: TextIO) -> int:
    if args.action == "add-hub":
        admin.add_hub(args.name, args.locality)
        sys.stderr.write(f"Added the hub {args.name}.\n")
    elif args.action == "add-user":
        password = os.environ.get("EARLYHELP_NEW_PASSWORD") or stdin.readline().rstrip("\r\n")
        admin.add_user(args.user, args.full_name, args.role, args.hub, password)
        sys.stderr.write(f"Added {args.full_name} ({args.user}) to {args.hub}.\n")
    elif args.action == "enrol-code":
        out.write(admin.enrol_code(args.hub) + "\n")
    elif args.action == "devices":
        devices = admin.devices()
        if args.json:
            out.write(json.dumps(devices, indent=1) + "\n")
        else:
            for d in devices:
                out.write(
                    f"{d['device']}  {d['hub']:20} {d['status']:8} last sync {d['last_sync']}  "
                    f"{d['pending']} waiting\n"
                )
    elif args.action in ("retire-device", "revoke-device"):
        admin.end_device(args.device, args.action.split("-")[0])
        sys.stderr.write(f"Laptop {args.device} will be {args.action.split('-')[0]}d at its next contact.\n")
    elif args.action == "held":
        holds = admin.holds()
        if args.json:
            out.write(json.dumps(holds, indent=1) + "\n")
        else:
            for h in holds:
                out.write(f"{h['hold']}  {h['hub']:20} {h['families']} families  {h['status']}\n")
    elif args.action == "release":
        count = admin.release(args.hold)
        sys.stderr.write(f"Released {count} held changes.\n")
    return 0


def serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn

    from sync.server.app import create_app

    app = create_app(settings)
    # Pull pages and pushes make many short-lived dicts: with the default thresholds the cyclic collector
    # keeps rescanning the long-lived modules and caches. Freeze what start-up made and collect less often.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 50)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
