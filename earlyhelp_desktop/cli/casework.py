"""Case-work reports: caseload (with the counts), reviews due, and the audit trail for supervisors."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from earlyhelp_desktop.cli.common import Context, add_json, add_store
from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.ids import staff_id
from earlyhelp_desktop.core.services.audit import AuditFilter


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("caseload", help="the open families a worker leads, with what is due")
    add_store(p)
    p.add_argument("--worker", metavar="NAME", help="whose caseload (default: yours)")
    add_json(p)
    p.set_defaults(handler=caseload)

    p = commands.add_parser("reviews-due", help="families whose next review is due or overdue")
    add_store(p)
    p.add_argument("--days", type=int, default=14, metavar="N", help="due within N days (default 14)")
    p.add_argument("--worker", metavar="NAME", help="only this worker's families")
    add_json(p)
    p.set_defaults(handler=reviews_due)

    p = commands.add_parser("audit", help="the audit trail (supervisors)")
    add_store(p)
    p.add_argument("--family", metavar="REF_OR_ID")
    p.add_argument("--user", metavar="NAME", help="events by this person")
    p.add_argument("--action", metavar="ACTION", help="view, create, update, delete, print, sign_off...")
    p.add_argument("--since", metavar="DATE", help='first day, e.g. "1 3 2026"')
    p.add_argument("--until", metavar="DATE", help="last day")
    p.add_argument("--limit", type=int, default=100, metavar="N")
    add_json(p)
    p.set_defaults(handler=audit)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def caseload(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        worker = staff_id(ctx.args.worker) if ctx.args.worker else None
        rows = ws.services.caseload.mine(worker)
        counts = ws.services.caseload.counts(worker)
    finally:
        ws.lock()
    if ctx.args.json:
        ctx.json(
            {
                "counts": {
                    "caseload": counts.caseload,
                    "reviews_due": counts.reviews_due,
                    "reviews_overdue": counts.reviews_overdue,
                    "unanswered_referrals": counts.unanswered_referrals,
                    "follow_ups_due": counts.follow_ups_due,
                    "sign_off": counts.sign_off,
                    "conflicts": counts.conflicts,
                },
                "families": [
                    {
                        "id": r.family_id,
                        "reference": r.reference,
                        "display_name": r.display_name,
                        "level_of_need": r.level_of_need,
                        "next_review": _day(r.next_review),
                        "review_overdue": r.review_overdue,
                        "assessment_status": r.assessment_status,
                        "has_plan": r.has_plan,
                        "flags": list(r.flags),
                    }
                    for r in rows
                ],
            }
        )
    else:
        for r in rows:
            due = f"review {r.next_review:%d %b %Y}" if r.next_review else "no review date"
            late = " (overdue)" if r.review_overdue else ""
            ctx.say(f"{r.reference:16} {r.display_name:28} {due}{late}")
        ctx.say(
            f"{counts.caseload} families; {counts.reviews_due} reviews due in 14 days "
            f"({counts.reviews_overdue} overdue)"
        )
    return 0


def reviews_due(ctx: Context) -> int:
    if not 0 <= ctx.args.days <= 366:
        raise InvalidInput({"days": "--days must be from 0 to 366"})
    ws = ctx.unlock()
    try:
        worker = staff_id(ctx.args.worker) if ctx.args.worker else None
        found = ws.services.reviews.due(ctx.args.days, worker_id=worker)
    finally:
        ws.lock()
    if ctx.args.json:
        ctx.json(
            [
                {
                    "family_id": d.family_id,
                    "reference": d.reference,
                    "display_name": d.display_name,
                    "lead_worker": d.lead_worker,
                    "due_on": d.due_on.isoformat(),
                    "days_overdue": d.days_overdue,
                }
                for d in found
            ]
        )
    else:
        for d in found:
            late = f" ({d.days_overdue} days overdue)" if d.overdue else ""
            ctx.say(f"{d.due_on:%d %b %Y} {d.reference:16} {d.display_name:28} {d.lead_worker or ''}{late}")
    return 0


def audit(ctx: Context) -> int:
    args = ctx.args
    ws = ctx.unlock()
    try:
        family = ws.services.families.resolve(args.family) if args.family else None
        flt = AuditFilter(
            family_id=family,
            user_id=staff_id(args.user) if args.user else None,
            action=args.action,
            since=args.since,
            until=args.until,
        )
        page = ws.services.audit.query(flt, limit=args.limit)
    finally:
        ws.lock()
    rows: list[dict[str, Any]] = [
        {
            "at": r.at.isoformat(),
            "user": r.user_name or r.user_id,
            "device": r.device_id,
            "action": r.action,
            "table": r.table,
            "row_id": r.row_id,
            "family": r.family_reference,
            "detail": r.detail,
        }
        for r in page.rows
    ]
    if args.json:
        ctx.json({"total": page.total, "events": rows})
    else:
        for row in rows:
            where = f"{row['table'] or ''} {row['family'] or ''}".strip()
            ctx.say(f"{row['at'][:19]} {row['user']:24} {row['action']:10} {where}")
        ctx.say(f"{len(rows)} of {page.total} events")
    return 0
