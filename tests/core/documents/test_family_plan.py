"""The family plan as a family would read it: their words, every name, page numbers, no jargon."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.documents.content import PlanContent, digest, from_json, to_json
from earlyhelp_desktop.core.documents.words import jargon_in
from earlyhelp_desktop.core.errors import NotFound
from earlyhelp_desktop.core.services.documents import PrintedDocument
from earlyhelp_desktop.core.store.models import AuditEvent, IssuedPlan
from earlyhelp_desktop.core.store.store import Workspace
from tests.family_builder import (
    ABOUT_US,
    ACTIONS,
    GOALS,
    GOING_WELL,
    HIDDEN_AGENCY,
    NAMES,
    WANT_TO_CHANGE,
    FamilyIds,
    add_family,
    flat,
    font_names,
    font_sizes,
    pdf_text,
)


def test_the_plan_carries_the_familys_own_words(workspace: Workspace, family: FamilyIds) -> None:
    text = flat(workspace.services.documents.issue_plan(family.family_id).pdf)
    for words in (ABOUT_US, GOING_WELL, WANT_TO_CHANGE, *GOALS):
        assert words in text
    for action, owner, _ in ACTIONS:
        assert action in text
        assert owner in text
    assert "Our family plan" in text
    assert "Ó Briain family" in text
    assert "Dropped idea that must not print" not in text
    # the family's own words come first: before goals, helpers and the review date
    assert text.index(ABOUT_US) < text.index(GOING_WELL) < text.index(WANT_TO_CHANGE) < text.index(GOALS[0])
    assert text.index(GOALS[0]) < text.index("Who is helping us") < text.index("Our next review")


def test_every_name_prints_with_its_letters(workspace: Workspace, family: FamilyIds) -> None:
    document = workspace.services.documents.issue_plan(family.family_id)
    text = flat(document.pdf)
    for name in NAMES:
        assert name in text, name
    assert {n.split("+")[-1] for n in font_names(document.pdf)} <= {
        "DejaVuSans",
        "DejaVuSans-Bold",
        "DejaVuSans-Oblique",
        "DejaVuSans-BoldOblique",
    }


def test_who_helps_activities_ratings_review_and_sharing(workspace: Workspace, family: FamilyIds) -> None:
    text = flat(workspace.services.documents.issue_plan(family.family_id).pdf)
    assert "Sunita Patel" in text and "01803 000 111" in text and "Our main contact" in text
    assert "Nguyễn Thị Hoa" in text and "07700 900 123" in text
    assert "Little Talkers" in text and "Tuesdays 10:00 to 11:30" in text and "Free" in text
    # the family's own scores, previous beside the latest
    assert re.search(r"Housing Before 2 out of 5 .* Now 4 out of 5", text)
    assert re.search(r"Before 3 out of 10 .* Now 6 out of 10", text)
    assert "We will meet to look at this plan again on" in text
    assert "We are happy for GP, Health visiting and School to see this plan" in text
    assert "Housing to see" not in text  # "nothing" is not sharing


def test_page_x_of_y_and_the_version_on_every_page(workspace: Workspace) -> None:
    ids = add_family(workspace, extra_goals=12)  # long enough for several pages
    document = workspace.services.documents.issue_plan(ids.family_id)
    pages = pdf_text(document.pdf)
    assert len(pages) == document.pages >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Version 1, given to us on" in page
        assert ids.reference in page


def test_no_jargon_in_the_family_plan(workspace: Workspace, family: FamilyIds) -> None:
    for large in (False, True):
        text = flat(workspace.services.documents.issue_plan(family.family_id, large_print=large).pdf)
        assert jargon_in(text) == []
        assert "Level" not in text and "level" not in text  # the family is at level 3: never said
        assert "financial_stability" not in text and "Financial stability" not in text


def test_large_print_is_never_below_16_points(workspace: Workspace, family: FamilyIds) -> None:
    docs = workspace.services.documents
    large = font_sizes(docs.issue_plan(family.family_id, large_print=True).pdf)
    normal = font_sizes(docs.issue_plan(family.family_id).pdf)
    assert large and min(size for size, _ in large) >= 16
    body = [t for size, t in large if "We are a close family" in t]
    assert body, "the family's words were not found among the drawn text"
    assert min(size for size, _ in normal) < 16  # the check can tell the two apart


def test_printing_twice_makes_two_numbered_versions(workspace: Workspace, family: FamilyIds) -> None:
    docs = workspace.services.documents
    first = docs.issue_plan(family.family_id, channel="print")
    second = docs.issue_plan(family.family_id, channel="pdf", large_print=True)
    assert (first.number, second.number) == (1, 2)
    assert all("Version 1, given to us on" in p for p in pdf_text(first.pdf))
    assert all("Version 2, given to us on" in p for p in pdf_text(second.pdf))
    with workspace.read() as session:
        rows = session.scalars(select(IssuedPlan).order_by(IssuedPlan.number)).all()
    assert [(r.number, r.channel, r.large_print) for r in rows] == [(1, "print", False), (2, "pdf", True)]
    for row, document in zip(rows, (first, second), strict=True):
        assert row.plan_id == family.plan_id and row.issued_by == workspace.user.user_id
        assert row.sha256 == digest(row.snapshot) == document.sha256
        assert row.snapshot["issue"]["number"] == row.number
        assert GOALS[0] in str(row.snapshot)
    versions = docs.issued_versions(family.family_id)
    assert [v.number for v in versions] == [2, 1] and versions[0].issued_by == "Sunita Patel"


def test_an_issued_version_reprints_exactly(workspace: Workspace, family: FamilyIds) -> None:
    docs = workspace.services.documents
    issued = docs.issue_plan(family.family_id)
    assert issued.issued_id is not None
    with workspace.write() as session:  # the plan changes after it was given to the family
        from earlyhelp_desktop.core.store.models import Plan

        plan = session.get(Plan, family.plan_id)
        assert plan is not None
        plan.about_us = "Rewritten later."
    again = docs.reprint(issued.issued_id)
    assert again.pdf == issued.pdf  # the family's paper copy, byte for byte
    assert again.number == 1
    assert "Rewritten later." in flat(docs.issue_plan(family.family_id).pdf)
    with workspace.read() as session:
        audits = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all()
    assert any(a.detail and a.detail.get("reprint") for a in audits)


def test_snapshot_round_trips(workspace: Workspace, family: FamilyIds) -> None:
    issued = workspace.services.documents.issue_plan(family.family_id)
    with workspace.read() as session:
        row = session.get(IssuedPlan, issued.issued_id)
        assert row is not None
    content = from_json(PlanContent, row.snapshot)
    assert to_json(content) == row.snapshot
    assert content.goals[1].achieved and content.goals[0].rating is not None


def test_every_print_is_audited(workspace: Workspace, family: FamilyIds) -> None:
    docs = workspace.services.documents
    docs.preview_plan(family.family_id)
    docs.issue_plan(family.family_id, channel="print")
    docs.issue_plan(family.family_id, channel="pdf")
    with workspace.read() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.family_id == family.family_id).order_by(AuditEvent.at)
        ).all()
    printed = [e for e in events if e.action in ("print", "export", "view") and e.detail]
    kinds = [(e.action, e.detail.get("version") if e.detail else None) for e in printed[-3:]]
    assert kinds == [("view", None), ("print", 1), ("export", 2)]
    for event in printed[-2:]:
        assert event.user_id == workspace.user.user_id
        assert event.device_id == workspace.device_id
        assert (
            event.table_name == "issued_plan" and event.detail and event.detail["document"] == "family_plan"
        )
        assert event.at is not None


def test_a_failed_delivery_issues_nothing(workspace: Workspace, family: FamilyIds) -> None:
    def broken_printer(document: PrintedDocument) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        workspace.services.documents.issue_plan(family.family_id, deliver=broken_printer)
    with workspace.read() as session:
        assert session.scalars(select(IssuedPlan)).all() == []
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all() == []
    assert workspace.services.documents.issue_plan(family.family_id).number == 1


def test_the_preview_is_marked_and_issues_nothing(workspace: Workspace, family: FamilyIds) -> None:
    preview = workspace.services.documents.preview_plan(family.family_id)
    assert preview.number is None and preview.issued_id is None
    assert all("Preview only, not yet given to the family" in p for p in pdf_text(preview.pdf))
    with workspace.read() as session:
        assert session.scalars(select(IssuedPlan)).all() == []


def test_must_not_see_agency_and_must_not_know_person_never_appear(workspace: Workspace) -> None:
    ids = add_family(workspace, father_must_not_know=True)
    text = flat(workspace.services.documents.issue_plan(ids.family_id).pdf)
    assert HIDDEN_AGENCY not in text and "Police" not in text and "PC Hidden Officer" not in text
    assert "Darragh" not in text


def test_the_plan_never_prints_the_address(workspace: Workspace, family: FamilyIds) -> None:
    text = flat(workspace.services.documents.issue_plan(family.family_id).pdf)
    assert "Ellacombe Road" not in text and "TQ1 4AB" not in text


def test_no_plan_yet_and_closed_families_say_what_to_do(workspace: Workspace) -> None:
    docs = workspace.services.documents
    ids = add_family(workspace, with_plan=False)
    with pytest.raises(NotFound, match="has no plan yet. Write the plan"):
        docs.issue_plan(ids.family_id)
    workspace.services.families.update(ids.family_id, status="closed")
    with pytest.raises(NotFound, match="No family"):
        docs.issue_plan("not-a-family")


def test_ratings_show_the_areas_the_plan_is_about(workspace: Workspace, family: FamilyIds) -> None:
    scale = workspace.services.outcomes.instrument("family_scale")
    scores = {item.code: 3 for item in scale.items}
    workspace.services.outcomes.record(family.family_id, "family_scale", scores, context="review")
    text = flat(workspace.services.documents.issue_plan(family.family_id).pdf)
    assert re.search(r"Income Before 3 out of 5 .* Now 3 out of 5", text)  # today's scoring is the latest
    assert "Housing" in text and "Education and learning" in text
    assert "Stimulation" not in text and "Guidance and boundaries" not in text  # scored, but not this plan's
