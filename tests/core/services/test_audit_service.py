"""Supervisors query the audit trail by family, person, action and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted
from earlyhelp_desktop.core.services.audit import AuditFilter
from tests.core.services.helpers import make_household


def test_the_trail_is_filtered_and_paged(ws, worker, household):
    other = make_household(ws, "Llŷr")
    worker.services.record.open(household.family_id)  # a view is audited
    audit = ws.services.audit
    family_events = audit.query(AuditFilter(family_id=household.family_id))
    assert family_events.rows[0].action == "view"
    assert family_events.rows[0].user_name == "Jamal Okafor"
    assert family_events.rows[0].family_reference.startswith("TN-")
    assert {r.family_id for r in family_events.rows} == {household.family_id}
    assert all(r.user_id == worker.user.user_id for r in family_events.rows)

    mine = audit.query(AuditFilter(user_id=ws.user.user_id, table="person"))
    assert mine.total == 4 and {r.family_id for r in mine.rows} == {other.family_id}
    views = audit.query(AuditFilter(action="view"))
    assert views.total == 1
    assert "view" in audit.actions() and "create" in audit.actions()

    page = audit.query(offset=0, limit=3)
    assert len(page.rows) == 3 and page.has_more
    everything = audit.query(limit=1000)
    assert [r.at for r in everything.rows] == sorted((r.at for r in everything.rows), reverse=True)


def test_dates_are_whole_days(ws, household):
    audit = ws.services.audit
    today = dt.date.today()
    assert audit.query(AuditFilter(since=today, until=today)).total == audit.query().total
    assert audit.query(AuditFilter(until=today - dt.timedelta(days=1))).total == 0
    with pytest.raises(InvalidInput) as error:
        audit.query(AuditFilter(since="2 2 2025", until="1 2 2025"))
    assert error.value.errors == {"until": "The last day must be on or after the first day"}


def test_only_supervisors_read_the_trail(worker):
    with pytest.raises(NotPermitted):
        worker.services.audit.query()
