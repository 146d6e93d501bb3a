"""Helpers for the service tests: colleagues with other roles, a household, and an outbox probe.

``Outbox`` reads the ops an action wrote (table, kind, changed field keys, bases); ``Fingerprint``
proves a refused action left every table, and the outbox, exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.models import Base, Episode, OutboxOp
from earlyhelp_desktop.core.store.store import Store, Workspace
from sync.clock import Version

COLLEAGUE_PASSWORD = "another correct horse"


@dataclass(frozen=True)
class SeenOp:
    """One op from the outbox, as the server will receive it."""

    table: str
    kind: str
    row_id: str
    family_id: str | None
    fields: dict[str, dict[str, Any]]
    version: str

    @property
    def keys(self) -> set[str]:
        return set(self.fields)

    def value(self, key: str) -> Any:
        return self.fields[key]["value"]

    def base(self, key: str) -> list[str]:
        return list(self.fields[key]["base"])


class Outbox:
    """What a workspace's actions wrote to the outbox since ``mark()``."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._seq = 0
        self.mark()

    def mark(self) -> None:
        with self.ws.read() as session:
            self._seq = session.scalar(select(func.coalesce(func.max(OutboxOp.seq), 0))) or 0

    def all(self) -> list[SeenOp]:
        with self.ws.read() as session:
            rows = session.scalars(select(OutboxOp).where(OutboxOp.seq > self._seq).order_by(OutboxOp.seq))
            found = []
            for row in rows:
                p = row.payload
                version = str(Version(p["stamp"], p["device"], p["op_id"]))
                found.append(SeenOp(p["table"], p["kind"], p["row_id"], p["family_id"], p["fields"], version))
        return found

    def ops(self) -> list[SeenOp]:
        """Ops other than audit events."""
        return [op for op in self.all() if op.table != "audit_event"]

    def shape(self) -> list[tuple[str, str, frozenset[str]]]:
        """(table, kind, changed keys) of each op other than audit events, in order."""
        return [(op.table, op.kind, frozenset(op.keys)) for op in self.ops()]

    def audits(self) -> list[tuple[str, str | None]]:
        """(action, table) of each audit event written."""
        return [
            (op.value("action"), op.value("table_name")) for op in self.all() if op.table == "audit_event"
        ]

    def tables(self) -> set[str]:
        return {op.table for op in self.all()}


def fingerprint(ws: Workspace) -> str:
    """A digest of every row of every table (and the outbox): equal digests, nothing changed."""
    digest = hashlib.sha256()
    with ws.read() as session:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            for row in session.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


class Unchanged:
    """``with unchanged(ws): <a call that must fail>`` asserts the store is byte-for-byte as before."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def __enter__(self) -> None:
        self.before = fingerprint(self.ws)

    def __exit__(self, *exc: object) -> None:
        assert fingerprint(self.ws) == self.before, "a refused action changed the store"


@dataclass
class Household:
    """The Ó Briain family: Zoë (mother), Siân (15), Oisín (6) and a baby due in three months."""

    family_id: str
    episode_id: str
    mum: str
    teen: str
    child: str
    unborn: str
    extra: dict[str, str] = field(default_factory=dict)


def years_ago(years: int, days: int = 0) -> dt.date:
    today = dt.date.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - dt.timedelta(days=days)


def make_household(ws: Workspace, name: str = "Ó Briain") -> Household:
    family_id = ws.services.families.add(name, postcode="TQ1 4AB", address_line1="1 Harbour Row").id
    people = ws.services.people
    mum = people.add(
        family_id,
        PersonInput("Zoë", name, date_of_birth=years_ago(34)),
        relationship="mother",
        parental_responsibility=True,
    ).id
    teen = people.add(
        family_id,
        PersonInput("Siân", name, date_of_birth=years_ago(15)),
        relationship="daughter",
        is_child=True,
    ).id
    child = people.add(
        family_id, PersonInput("Oisín", name, date_of_birth=years_ago(6)), relationship="son", is_child=True
    ).id
    unborn = people.add(
        family_id,
        PersonInput("Baby", name, due_date=dt.date.today() + dt.timedelta(days=90)),
        relationship="unborn",
        is_child=True,
    ).id
    with ws.read() as session:
        episode_id = session.scalars(select(Episode.id).where(Episode.family_id == family_id)).one()
    return Household(family_id, episode_id, mum, teen, child, unborn)


def colleague(
    ws: Workspace, store_dir: Path, kdf: KdfParams, username: str, full_name: str, role: str
) -> Workspace:
    ws.services.users.add(username, full_name, role, COLLEAGUE_PASSWORD)
    return Store(store_dir, fixed_kdf=kdf).unlock(username, COLLEAGUE_PASSWORD)


def fill_assessment(ws: Workspace, h: Household, *, harm: bool = False) -> str:
    """Starts an assessment and completes every section, so it can be submitted."""
    assessments = ws.services.assessments
    assessment_id = assessments.start(h.episode_id, reason="School attendance and money worries").id
    assessments.update(
        assessment_id,
        family_view="Zoë says mornings are a battle and money is tight.",
        worried_about="Siân is late to school most days; rent arrears are growing.",
        working_well="The children are close to their mum.",
        needs_to_happen="A calmer morning routine and help with money.",
        analysis="Needs across education and income; strong relationships to build on.",
        worry_scales={"child": 6, "parent": 7, "worker": 5},
        level_of_need=3,
    )
    assessments.answer_significant_harm(assessment_id, harm)
    if harm:
        assessments.record_front_door_contact(assessment_id, "Spoke to Ama at the MASH; no further action.")
    for entry in ws.services.reference.items("assessment_domain"):
        if entry.code in ("education", "income"):
            assessments.set_domain(assessment_id, entry.code, needs="Help needed", score=2, family_score=3)
        else:
            assessments.set_domain(assessment_id, entry.code, no_issues=True)
    assessments.set_child_voice(assessment_id, h.teen, wants="Fewer arguments in the morning.")
    assessments.set_child_voice(assessment_id, h.child, day_to_day="Likes football; hates getting up.")
    return assessment_id


def make_plan(ws: Workspace, h: Household, *, review_in_days: int = 42) -> dict[str, str]:
    """A plan with two outcomes in the family's words, an action each and a TAF member."""
    plans = ws.services.plans
    plan_id = plans.create(
        h.episode_id,
        about_us="We are the Ó Briain family: Zoë, Siân and Oisín, and a baby on the way.",
        going_well="We love Saturdays at the beach.",
        want_to_change="Mornings, and money worries.",
        review_on=dt.date.today() + dt.timedelta(days=review_in_days),
    ).id
    school = plans.add_outcome(
        plan_id,
        "We want Siân to get to school on time every day.",
        needs=["education"],
        categories=["education"],
    ).id
    money = plans.add_outcome(
        plan_id, "We want to stop worrying about money.", needs=["income"], categories=["financial_stability"]
    ).id
    plans.add_action(plan_id, "Make a morning checklist", "Zoë", outcome_id=school, due_on=dt.date.today())
    plans.add_action(plan_id, "Go to the money advice drop-in", "Jamal (family worker)", outcome_id=money)
    plans.add_taf_member(plan_id, "Priya Hart", role="Attendance officer", agency="Torbay Primary School")
    return {"plan": plan_id, "school": school, "money": money}


def make_asset(ws: Workspace, activity: str = "Wellbeing Café", **fields: object) -> str:
    """A directory entry (the workspace must be a supervisor's or a connector's)."""
    values: dict[str, object] = {
        "organisation": "South Devon Mind",
        "activity": activity,
        "category_code": "mental_wellbeing",
        "venue_name": "Ellacombe Church Hall",
        "days_times": "Tuesdays, 10am to 12 noon",
        "cost": "Free",
        "takes_referrals": True,
    }
    values.update(fields)
    return ws.services.directory.add(**values).id
