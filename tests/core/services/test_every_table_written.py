"""A family's whole story through the services, and proof that no syncable table is orphaned.

Every syncable model must be written by some service (so its ops are proven by a test): this story
writes them all through the services alone, then checks the outbox holds ops for every table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from earlyhelp_desktop.core.services.reviews import ProgressInput
from earlyhelp_desktop.core.store.models import Family, OutboxOp, syncable_models
from tests.core.services.helpers import fill_assessment, make_asset, make_household, make_plan

# Written by services outside this part, each with its own tests.
ELSEWHERE = {"issued_plan": "issuing a plan belongs to the documents (core/documents)"}
TODAY = dt.date.today()


def test_a_whole_episode_writes_every_syncable_table(ws, worker, connector):
    # set-up a supervisor does once
    ref = ws.services.reference
    ref.set_item("terms", "service_name", "Family help")
    ref.set_hub_locality(ws.home_hub_id, ref.add_locality("Torbay").id)
    venue = ref.add_venue("Ellacombe Church Hall").id
    ws.services.outcomes.define_instrument(
        "our_star", "Our family star", items=[{"code": "home", "text": "Home"}], scale_min=1, scale_max=10
    )

    # the family worker's episode
    h = make_household(worker)
    families = worker.services.families
    families.set_tag(h.family_id, "Attendance pilot")
    families.set_flag(h.family_id, "animals")
    consent = worker.services.consent
    consent.record_agreement(h.episode_id, h.mum, agreed=True, method="written")
    consent.set_sharing(h.family_id, "Torbay Primary School", access="plan", gets_copy=True)
    worker.services.professionals.add(h.family_id, agency="Paignton Surgery", name="Dr Aoife Reed", role="GP")
    assessment = fill_assessment(worker, h)
    worker.services.assessments.submit(assessment)
    ws.services.assessments.sign_off(assessment)
    ids = make_plan(worker, h)
    worker.services.contacts.record(
        h.family_id, kind="visit", occurred_at=TODAY, note="Visit", venue_id=venue
    )
    worker.services.outcomes.record(
        h.family_id, "family_scale", {d.code: 3 for d in ref.items("assessment_domain")}
    )

    # the community connector's link
    asset = make_asset(connector)
    link = connector.services.links.offer(h.family_id, h.mum, asset).id
    connector.services.links.record_wellbeing(
        link, "before", {"satisfied": 4, "worthwhile": 5, "happy": 4, "anxious": 7}
    )

    # review, step up, closure
    worker.services.reviews.record(
        h.episode_id,
        held_on=TODAY,
        attendees=["Zoë Ó Briain", "Jamal Okafor"],
        progress=[ProgressInput(ids["school"], "better"), ProgressInput(ids["money"], "worse")],
        decision="step_up",
    )
    step = worker.services.steps.step_up(h.episode_id, reason="Worries about safety grew").id
    ws.services.steps.sign_off(step)
    worker.services.steps.record_decision(step, "accepted", mash_reference="MASH-1")
    closure = worker.services.closures.submit(h.episode_id, reason_code="stepped_up").id
    ws.services.closures.sign_off(closure)

    with ws.read() as session:
        written = set(session.scalars(select(OutboxOp.table_name).distinct()))
        assert session.get(Family, h.family_id).status == "closed"
    tables = {model.__tablename__ for model in syncable_models()}  # type: ignore[attr-defined]
    orphaned = tables - written - set(ELSEWHERE)
    assert not orphaned, f"no service test writes: {sorted(orphaned)}"
    assert set(ELSEWHERE) <= tables, "a table listed as written elsewhere no longer exists"
