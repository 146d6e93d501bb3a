"""Family commands: families (search), family add / show / update."""

from __future__ import annotations

import argparse
from typing import Any

from earlyhelp_desktop.cli.common import Context, UsageError, add_json, add_store
from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services.families import UPDATABLE, FamilyFilter, FamilySummary
from earlyhelp_desktop.core.services.record import FamilyRecord

CLI_FIELDS = (
    "postcode",
    "address",
    "level_of_need",
    "display_name",
    "town",
    "confidential_address",
    "lead_worker",
    "status",
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("families", help="list or search families")
    add_store(p)
    p.add_argument("--search", metavar="TEXT", default="", help="names, reference, postcode or address")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    add_json(p)
    p.set_defaults(handler=families)

    family = commands.add_parser("family", help="one family").add_subparsers(
        dest="family_command", metavar="ACTION", required=True
    )
    p = family.add_parser("add", help="create a family (warns of likely duplicates)")
    add_store(p)
    p.add_argument("--name", required=True, metavar="TEXT", help='the family\'s name, e.g. "Ó Briain"')
    p.add_argument("--postcode", metavar="PC")
    p.add_argument("--address", metavar="TEXT", help="first line of the address")
    add_json(p)
    p.set_defaults(handler=family_add)

    p = family.add_parser("show", help="everything recorded for a family (recorded as a view)")
    add_store(p)
    p.add_argument("family", metavar="REF_OR_ID")
    add_json(p)
    p.set_defaults(handler=family_show)

    p = family.add_parser("update", help="change fields of a family")
    add_store(p)
    p.add_argument("family", metavar="REF_OR_ID")
    p.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help=f"one of: {', '.join(CLI_FIELDS)} (repeat for several)",
    )
    p.set_defaults(handler=family_update)


def summary_json(f: FamilySummary) -> dict[str, Any]:
    return {
        "id": f.id,
        "reference": f.reference,
        "display_name": f.display_name,
        "postcode": f.postcode,
        "level_of_need": f.level_of_need,
        "status": f.status,
        "members": [
            {
                "id": m.person_id,
                "full_name": m.full_name,
                "date_of_birth": m.date_of_birth.isoformat() if m.date_of_birth else None,
            }
            for m in f.members
        ],
    }


def families(ctx: Context) -> int:
    if ctx.args.limit < 1 or ctx.args.limit > 100_000:
        raise InvalidInput({"limit": "--limit must be from 1 to 100000"})
    ws = ctx.unlock()
    try:
        found = ws.services.families.search(FamilyFilter(text=ctx.args.search), limit=ctx.args.limit)
    finally:
        ws.lock()
    if ctx.args.json:
        ctx.json([summary_json(f) for f in found])
    else:
        for f in found:
            ctx.say(f"{f.reference:16} {f.display_name:28} {f.postcode or '':9} {len(f.members)} people")
    return 0


def family_add(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        result = ws.services.families.add(
            ctx.args.name, postcode=ctx.args.postcode, address_line1=ctx.args.address
        )
        with ws.read() as session:
            from earlyhelp_desktop.core.store.models import Family

            reference = session.get(Family, result.id).reference  # type: ignore[union-attr]
    finally:
        ws.lock()
    for warning in result.warnings:
        ctx.stderr.write(f"Warning: {warning}\n")
    if ctx.args.json:
        ctx.json({"id": result.id, "reference": reference})
    else:
        ctx.say(reference)
    return 0


def _address(record: FamilyRecord) -> str | None:
    f = record.family
    lines = [x for x in (f.address_line1, f.address_line2, f.town) if x]
    return ", ".join(lines) or None


def record_json(record: FamilyRecord) -> dict[str, Any]:
    f = record.family
    current = record.current
    data: dict[str, Any] = {
        "id": f.id,
        "reference": f.reference,
        "display_name": f.display_name,
        "postcode": f.postcode,
        "address": _address(record),
        "confidential_address": f.confidential_address,
        "level_of_need": f.level_of_need,
        "status": f.status,
        "lead_worker": record.lead_worker.full_name if record.lead_worker else None,
        "flags": [fl.label for fl in record.flags],
        "tags": [t.tag for t in record.tags],
        "members": [
            {
                "id": m.person.id,
                "full_name": f"{m.person.given_name} {m.person.family_name}",
                "preferred_name": m.person.preferred_name,
                "date_of_birth": m.person.date_of_birth.isoformat() if m.person.date_of_birth else None,
                "due_date": m.person.due_date.isoformat() if m.person.due_date else None,
                "relationship": m.membership.relationship,
                "lives_in_household": m.membership.lives_in_household,
                "parental_responsibility": m.membership.parental_responsibility,
            }
            for m in record.members
        ],
        "episodes": len(record.episodes),
        "current_episode": None,
    }
    if current is not None:
        a = current.assessment
        plan = current.plan
        data["current_episode"] = {
            "id": current.episode.id,
            "opened_on": current.episode.opened_on.isoformat(),
            "assessment": None
            if a is None
            else {
                "id": a.id,
                "status": a.status,
                "started_on": a.started_on.isoformat(),
                "level_of_need": a.level_of_need,
                "reason": a.reason,
            },
            "plan": None
            if plan is None
            else {
                "id": plan.id,
                "review_on": plan.review_on.isoformat() if plan.review_on else None,
                "outcomes": [o.text for o in record.outcomes],
                "actions": [
                    {
                        "text": x.text,
                        "owner": x.owner,
                        "due_on": x.due_on.isoformat() if x.due_on else None,
                        "status": x.status,
                    }
                    for x in record.actions
                ],
            },
            "reviews": [
                {"id": r.id, "held_on": r.held_on.isoformat(), "decision": r.decision}
                for r in current.reviews
            ],
        }
    return data


def family_show(ctx: Context) -> int:
    ws = ctx.unlock()
    try:
        family_id = ws.services.families.resolve(ctx.args.family)
        record = ws.services.record.open(family_id)
    finally:
        ws.lock()
    data = record_json(record)
    if ctx.args.json:
        ctx.json(data)
    else:
        ctx.say(f"{data['display_name']} family ({data['reference']}), {data['status']}")
        for m in data["members"]:
            ctx.say(f"  {m['full_name']} ({m['relationship']})")
    return 0


def family_update(ctx: Context) -> int:
    if not ctx.args.sets:
        raise UsageError("give at least one --set FIELD=VALUE")
    values: dict[str, object] = {}
    for item in ctx.args.sets:
        field, sep, value = item.partition("=")
        field = field.strip()
        if not sep:
            raise UsageError(f"--set needs FIELD=VALUE, got {item!r}")
        if field == "address":
            field = "address_line1"
        elif field == "lead_worker":
            field = "lead_worker_id"
        if field not in UPDATABLE:
            raise InvalidInput({field: f"{field} cannot be changed; choose one of: {', '.join(CLI_FIELDS)}"})
        values[field] = value if value != "" else None
    ws = ctx.unlock()
    try:
        if "lead_worker_id" in values and values["lead_worker_id"]:
            from earlyhelp_desktop.core.ids import staff_id

            values["lead_worker_id"] = staff_id(str(values["lead_worker_id"]))
        family_id = ws.services.families.resolve(ctx.args.family)
        ws.services.families.update(family_id, **values)
    finally:
        ws.lock()
    ctx.stderr.write("Saved.\n")
    return 0
