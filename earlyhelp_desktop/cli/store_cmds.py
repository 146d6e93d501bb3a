"""Store and staff commands: init, demo, check, rekey, user add/passwd/reset-code/list."""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from earlyhelp_desktop.cli.common import Context, UsageError, add_json, add_store
from earlyhelp_desktop.core.errors import InvalidInput, StoreExists
from earlyhelp_desktop.core.services.users import ROLES, check_password, check_username
from earlyhelp_desktop.core.store.store import Store


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("init", help="create a new store; you become its first supervisor")
    add_store(p, acting=False)
    p.add_argument("--user", required=True, metavar="NAME", help="your user name, e.g. s.patel")
    p.add_argument("--full-name", required=True, metavar="TEXT")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--hub", metavar="NAME", default="Local hub", help="the hub this laptop belongs to")
    p.set_defaults(handler=init)

    p = commands.add_parser("demo", help="build a store of synthetic families for demos and benchmarks")
    add_store(p, acting=False)
    p.add_argument("--families", type=int, default=200, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.set_defaults(handler=demo)

    p = commands.add_parser("check", help="check the store's integrity and key slots")
    add_store(p)
    p.add_argument("--full", action="store_true", help="check every page (slow on a big store)")
    add_json(p)
    p.set_defaults(handler=check)

    p = commands.add_parser("rekey", help="rotate the store's data key (supervisors)")
    add_store(p)
    p.set_defaults(handler=rekey)

    user = commands.add_parser("user", help="staff who can unlock this laptop").add_subparsers(
        dest="user_command", metavar="ACTION", required=True
    )
    p = user.add_parser("add", help="let a colleague unlock this laptop with their own password")
    add_store(p)
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--full-name", required=True, metavar="TEXT")
    p.add_argument("--role", required=True, choices=ROLES)
    p.set_defaults(handler=user_add)

    p = user.add_parser("passwd", help="change your password, or set a new one with a reset code")
    p.add_argument("--store", metavar="DIR")
    p.add_argument("--as", dest="as_user", metavar="NAME", help="change your own password")
    p.add_argument("--user", metavar="NAME", help="with --reset-code: whose password to set")
    p.add_argument("--reset-code", metavar="CODE")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(handler=user_passwd)

    p = user.add_parser("reset-code", help="issue a one-time reset code for a colleague (supervisors)")
    add_store(p)
    p.add_argument("--user", required=True, metavar="NAME")
    p.set_defaults(handler=user_reset_code)

    p = user.add_parser("list", help="staff on this laptop")
    add_store(p)
    add_json(p)
    p.set_defaults(handler=user_list)


def init(ctx: Context) -> int:
    args = ctx.args
    username = check_username(args.user)
    store = ctx.store()
    if store.vault.exists():
        raise StoreExists(f"{ctx.store_dir} already holds a store; choose an empty folder.")
    password = ctx.new_password(username)
    check_password(password)
    ws = Store.create(
        ctx.store_dir,
        username=username,
        full_name=args.full_name,
        role=args.role,
        password=password,
        hub_name=args.hub,
        fixed_kdf=ctx.fixed_kdf,
    )
    ws.lock()
    ctx.stderr.write(f"Created a store in {ctx.store_dir}. {args.full_name} can unlock it.\n")
    return 0


def demo(ctx: Context) -> int:
    from earlyhelp_desktop.core.demo import build_demo

    args = ctx.args
    if args.families < 0 or args.families > 200_000:
        raise InvalidInput({"families": "Choose between 0 and 200,000 families"})
    store = ctx.store()
    started = time.perf_counter()
    password: str | None = None  # set when the store is new: colleagues 'worker' and 'connector' get it too
    if store.exists():
        ws = store.unlock("demo", ctx.password("demo"))
        if not ws.demo:
            ws.lock()
            raise UsageError("That store holds real records, not demo data: demo families were not added")
    else:
        explicit = getattr(args, "password_stdin", False) or os.environ.get("EARLYHELP_NEW_PASSWORD")
        password = ctx.new_password("demo") if explicit else "demo"
        ws = Store.create(
            ctx.store_dir,
            username="demo",
            full_name="Dee Demo",
            role="supervisor",
            password=password,
            hub_name="Torbay North",
            demo=True,
            fixed_kdf=ctx.fixed_kdf,
        )
    try:
        summary = build_demo(ws, families=args.families, seed=args.seed, password=password)
    finally:
        ws.lock()
    ctx.stderr.write(
        f"Demo store ready in {ctx.store_dir}: {summary} in {time.perf_counter() - started:.1f} s. "
        "Log in as 'demo' (supervisor), 'worker' or 'connector'.\n"
    )
    return 0


def check(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        quick = ws.db.quick_check(ws.store_id)
        report = ws.db.full_check() if ctx.args.full else quick
        slots = ws.store.vault.load()
        result: dict[str, Any] = {
            "ok": quick.ok and report.ok,
            "kind": report.kind,
            "problems": list(quick.problems) + list(report.problems if report is not quick else ()),
            "key_slots": len([s for s in slots.slots if s.kind == "password"]),
            "reset_slots": len([s for s in slots.slots if s.kind == "reset"]),
            "escrow": any(s.kind == "escrow" for s in slots.slots),
            "rekey_pending": bool(slots.pending),
        }
    finally:
        ws.lock()
    if ctx.args.json:
        ctx.json(result)
    else:
        problems: list[str] = list(quick.problems) + list(report.problems if report is not quick else ())
        ctx.say("Store is healthy." if result["ok"] else "Problems: " + "; ".join(problems))
        ctx.say(f"{result['key_slots']} people can unlock this laptop.")
    return 0 if result["ok"] else 4


def rekey(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        ws.rekey()
    finally:
        ws.lock()
    ctx.stderr.write("The store's data key was replaced and every key slot re-wrapped.\n")
    return 0


def user_add(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        ws.services.users.add(
            ctx.args.user, ctx.args.full_name, ctx.args.role, ctx.new_password(ctx.args.user)
        )
    finally:
        ws.lock()
    ctx.stderr.write(f"{ctx.args.full_name} can now unlock this laptop as {ctx.args.user}.\n")
    return 0


def user_passwd(ctx: Context) -> int:
    args = ctx.args
    if args.reset_code:
        if not args.user:
            raise UsageError("--reset-code needs --user NAME")
        new = ctx.new_password(args.user)
        check_password(new)
        ws = ctx.store().require().unlock_with_reset_code(args.user, args.reset_code, new)
        ws.lock()
        ctx.stderr.write(f"New password set for {args.user}; the reset code has been used up.\n")
        return 0
    if not args.as_user:
        raise UsageError("give --as NAME to change your password, or --user NAME --reset-code CODE")
    ws = ctx.unlock()
    try:
        ws.services.users.change_password(ctx.new_password(args.as_user))
    finally:
        ws.lock()
    ctx.stderr.write("Password changed.\n")
    return 0


def user_reset_code(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        code = ws.services.users.issue_reset_code(ctx.args.user)
    finally:
        ws.lock()
    ctx.say(code)
    ctx.stderr.write(f"Give this one-time code to {ctx.args.user} in person. It works for 72 hours.\n")
    return 0


def user_list(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        users = ws.services.users.list()
    finally:
        ws.lock()
    if ctx.args.json:
        ctx.json(
            [
                {
                    "id": u.user_id,
                    "user": u.username,
                    "full_name": u.full_name,
                    "role": u.role,
                    "can_unlock": u.can_unlock,
                }
                for u in users
            ]
        )
    else:
        for u in users:
            ctx.say(f"{u.username:20} {u.full_name:30} {u.role}{'' if u.can_unlock else ' (no key slot)'}")
    return 0
