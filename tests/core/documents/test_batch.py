"""Batches: plans for every review this week, with progress, problems reported and cancel."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from earlyhelp_desktop.core.services.documents import BatchItem, PrintedDocument
from earlyhelp_desktop.core.store.models import IssuedPlan
from earlyhelp_desktop.core.store.store import Workspace
from tests.family_builder import TODAY, add_family


def test_plans_for_this_weeks_reviews(workspace: Workspace) -> None:
    due = [add_family(workspace, name=name) for name in ("Ó Briain", "Llŷr", "Wójcik")]
    no_plan = add_family(workspace, name="Nguyễn", with_plan=False)
    docs = workspace.services.documents
    week = docs.reviews_due(TODAY, TODAY + dt.timedelta(days=6))
    assert set(week) == {f.family_id for f in due}
    assert docs.reviews_due(TODAY + dt.timedelta(days=30), TODAY + dt.timedelta(days=36)) == []

    seen: list[BatchItem] = []
    delivered: list[PrintedDocument] = []
    result = docs.batch_plans([*week, no_plan.family_id], progress=seen.append, deliver=delivered.append)
    assert [(i.index, i.total) for i in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert len(result.done) == 3 and [d.number for d in delivered] == [1, 1, 1]
    assert result.problems == [
        (no_plan.family_id, "The Nguyễn family has no plan yet. Write the plan with the family first.")
    ]
    assert result.summary() == "Printed 3 of 4 plans. 1 could not be printed."


def test_cancel_stops_between_plans_and_keeps_what_was_done(workspace: Workspace) -> None:
    ids = [add_family(workspace, name=f"Family {n}").family_id for n in range(4)]
    docs = workspace.services.documents
    stop = {"now": False}

    def progress(item: BatchItem) -> None:
        if item.index == 2:
            stop["now"] = True  # the person presses Cancel while the second plan prints

    result = docs.batch_plans(ids, progress=progress, cancelled=lambda: stop["now"])
    assert result.cancelled and len(result.done) == 2
    assert "Stopped when you pressed Cancel: 2 were not printed or recorded." in result.summary()
    with workspace.read() as session:
        issued = session.scalars(select(IssuedPlan.family_id)).all()
    assert sorted(issued) == sorted(ids[:2])


def test_a_delivery_failure_stops_the_batch(workspace: Workspace) -> None:
    ids = [add_family(workspace, name=f"Family {n}").family_id for n in range(3)]

    def printer(document: PrintedDocument) -> None:
        raise OSError(5, "Input/output error")

    items = list(workspace.services.documents.issue_plans(ids, deliver=printer))
    assert len(items) == 1 and items[0].problem == "Could not deliver the plan: Input/output error"
    with workspace.read() as session:
        assert session.scalars(select(IssuedPlan)).all() == []
