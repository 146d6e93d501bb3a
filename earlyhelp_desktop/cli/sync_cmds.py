"""Sync commands: enrol, sync, conflicts, conflicts resolve.

Exit codes of ``sync``: 0 every op acknowledged and the pull reached the head; 3 authentication failed;
5 server unreachable (nothing lost, changes kept); 6 the laptop was retired or revoked; 7 partial (ops
held or kept aside: the JSON says which and why); 8 protocol too old (update the app); 9 not permitted.
"""

from __future__ import annotations

import argparse

from earlyhelp_desktop.cli.common import Context, UsageError, add_json, add_store
from earlyhelp_desktop.core.replication import Replicator, enrol
from sync import errors

EXIT_OFFLINE, EXIT_ENDED, EXIT_PARTIAL, EXIT_PROTOCOL = 5, 6, 7, 8
EXPECTED = errors.SyncError  # reported in one line by main, with its exit code
CODES = {"auth": 3, "unreachable": 5, "ended": 6, "protocol": 8, "not_permitted": 9}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser(
        "enrol", help="enrol this laptop with the sync server (creates or binds the store)"
    )
    add_store(p)
    p.add_argument("--server", required=True, metavar="URL")
    p.add_argument("--code", required=True, metavar="CODE", help="the one-time code from the administrator")
    add_json(p)
    p.set_defaults(handler=enrol_cmd)

    p = commands.add_parser("sync", help="send this laptop's changes and receive the hub's")
    add_store(p)
    add_json(p)
    p.set_defaults(handler=sync_cmd)

    p = commands.add_parser("conflicts", help="sync conflicts waiting for a supervisor")
    add_store(p, acting=False)
    p.add_argument("--as", dest="as_user", metavar="NAME", help="your user name")
    add_json(p)
    p.set_defaults(handler=conflicts_cmd)
    actions = p.add_subparsers(dest="conflicts_action", metavar="ACTION")
    r = actions.add_parser("resolve", help="keep one value of a conflict (supervisors)")
    r.add_argument("--store", metavar="DIR", default=argparse.SUPPRESS)
    r.add_argument("--as", dest="as_user", metavar="NAME", default=argparse.SUPPRESS)
    r.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS)
    r.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    r.add_argument("conflict_id", metavar="CONFLICT_ID")
    r.add_argument("--keep", required=True, metavar="VALUE_ID", help="the version id of the value to keep")
    r.set_defaults(handler=resolve_cmd)


def enrol_cmd(ctx: Context) -> int:
    args = ctx.args
    password = ctx.password(args.as_user)
    try:
        ws = enrol(ctx.store_dir, args.server, args.code, args.as_user, password, fixed_kdf=ctx.fixed_kdf)
    except errors.SyncError as exc:
        ctx.stderr.write(f"earlyhelp: {exc}\n")
        return sync_error_code(exc)
    try:
        from earlyhelp_desktop.core.replication import sync_status

        status = sync_status(ws)
    finally:
        ws.lock()
    report = status.last_report
    if args.json:
        ctx.json(
            {"enrolled": True, "server": args.server, "first_sync": report.to_json() if report else None}
        )
    else:
        ctx.stderr.write(f"This laptop is enrolled with {args.server}. {report.message if report else ''}\n")
    return 0


def sync_error_code(exc: errors.SyncError) -> int:
    if isinstance(exc, errors.Unreachable):
        return EXIT_OFFLINE
    if isinstance(exc, errors.AuthFailed):
        return 3
    if isinstance(exc, errors.ProtocolTooOld):
        return EXIT_PROTOCOL
    if isinstance(exc, errors.NotAllowed):
        return 9
    if isinstance(exc, errors.DeviceEnded):
        return EXIT_ENDED
    return 1


def sync_cmd(ctx: Context) -> int:
    password = ctx.password(ctx.args.as_user)
    ws = ctx.store().require().unlock(ctx.args.as_user, password)
    try:
        report = Replicator(ws, password=password).run()
    finally:
        if not ws.locked:
            ws.lock()
    if ctx.args.json:
        data = report.to_json()
        ctx.json(
            {
                key: data[key]
                for key in (
                    "status",
                    "pushed",
                    "pulled",
                    "conflicts",
                    "held",
                    "requests",
                    "bytes_sent",
                    "bytes_received",
                    "message",
                    "code",
                    "pending",
                    "problems",
                )
            }
        )
    else:
        ctx.stderr.write(report.message + "\n")
    if report.status == "synced":
        return 0
    if report.status == "partial":
        return EXIT_PARTIAL
    if report.status == "offline":
        return EXIT_OFFLINE
    return CODES.get(report.code, 1)


def _need_user(ctx: Context) -> None:
    if not getattr(ctx.args, "as_user", None):
        raise UsageError("the following argument is required: --as NAME")


def conflicts_cmd(ctx: Context) -> int:
    _need_user(ctx)
    ws = ctx.unlock()
    try:
        found = ws.services.conflicts.list()
    finally:
        ws.lock()
    if ctx.args.json:
        ctx.json(
            [
                {
                    "id": c.id,
                    "table": c.table,
                    "row_id": c.row_id,
                    "family_id": c.family_id,
                    "field": c.field,
                    "kind": c.kind,
                    "description": c.description,
                    "values": [
                        {
                            "value_id": o.value_id,
                            "value": o.value,
                            "label": o.label,
                            "written_by": o.written_by,
                        }
                        for o in c.options
                    ],
                }
                for c in found
            ]
        )
    else:
        if not found:
            ctx.say("No conflicts are waiting.")
        for c in found:
            ctx.say(f"{c.id}  {c.description}")
            for o in c.options:
                ctx.say(f"    --keep {o.value_id}   {o.label}")
    return 0


def resolve_cmd(ctx: Context) -> int:
    _need_user(ctx)
    ws = ctx.unlock()
    try:
        ws.services.conflicts.resolve(ctx.args.conflict_id, ctx.args.keep)
    finally:
        ws.lock()
    ctx.stderr.write("Conflict resolved. It closes on the other laptops when they sync.\n")
    return 0
