"""The case-work reports on the command line: caseload, reviews due, and the audit trail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from earlyhelp_desktop.core.store.store import Workspace
from tests.conftest import PASSWORD
from tests.core.services.helpers import COLLEAGUE_PASSWORD, make_household, make_plan
from tests.core.test_cli import cli


def test_caseload_reviews_due_and_audit(ws: Workspace, worker: Workspace, store_dir: Path) -> None:
    household = make_household(worker)
    make_plan(worker, household, review_in_days=-2)
    worker.lock()
    ws.lock()
    store = str(store_dir)

    mine = cli(
        "caseload",
        "--store",
        store,
        "--as",
        "j.okafor",
        "--json",
        env={"EARLYHELP_PASSWORD": COLLEAGUE_PASSWORD},
    )
    assert mine.code == 0, mine.err
    data = mine.json()
    assert data["counts"]["caseload"] == 1 and data["counts"]["reviews_overdue"] == 1
    (family,) = data["families"]
    assert (family["display_name"], family["review_overdue"]) == ("Ó Briain", True)
    assert family["next_review"] == (dt.date.today() - dt.timedelta(days=2)).isoformat()

    due = cli(
        "reviews-due", "--store", store, "--as", "s.patel", "--json", env={"EARLYHELP_PASSWORD": PASSWORD}
    )
    assert [(d["display_name"], d["days_overdue"], d["lead_worker"]) for d in due.json()] == [
        ("Ó Briain", 2, "Jamal Okafor")
    ]

    trail = cli(
        "audit",
        "--store",
        store,
        "--as",
        "s.patel",
        "--family",
        household.family_id,
        "--action",
        "create",
        "--json",
        env={"EARLYHELP_PASSWORD": PASSWORD},
    )
    assert trail.code == 0, trail.err
    events = trail.json()["events"]
    assert events and {e["user"] for e in events} == {"Jamal Okafor"}
    assert {e["table"] for e in events} >= {"family", "person", "plan"}

    refused = cli(
        "audit", "--store", store, "--as", "j.okafor", env={"EARLYHELP_PASSWORD": COLLEAGUE_PASSWORD}
    )
    assert refused.code == 9 and refused.err.startswith("earlyhelp: Only a supervisor")
