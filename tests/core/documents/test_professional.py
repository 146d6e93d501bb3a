"""Professional documents: what they say, who may receive them, and when the address stays off."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from earlyhelp_desktop.core.errors import NotFound, NotPermitted
from earlyhelp_desktop.core.services.documents import PrintedDocument
from earlyhelp_desktop.core.store.models import AuditEvent, Family
from earlyhelp_desktop.core.store.store import Workspace
from tests.family_builder import (
    ADDRESS_LINE,
    GOALS,
    HIDDEN_AGENCY,
    NAMES,
    POSTCODE,
    FamilyIds,
    add_family,
    close_episode,
    flat,
    pdf_text,
)

KINDS = ("assessment", "review", "closure")


def print_all(ws: Workspace, ids: FamilyIds, **kwargs: object) -> dict[str, str]:
    docs = ws.services.documents
    texts = {kind: flat(docs.print_document(kind, ids.family_id, **kwargs).pdf) for kind in KINDS[:2]}
    close_episode(ws, ids)
    texts["closure"] = flat(docs.print_document("closure", ids.family_id, **kwargs).pdf)
    return texts


def test_the_assessment_summary_says_what_was_assessed(workspace: Workspace, family: FamilyIds) -> None:
    document = workspace.services.documents.print_document("assessment", family.family_id)
    text = flat(document.pdf)
    for expected in (
        "Early help assessment summary",
        "OFFICIAL-SENSITIVE",
        "Prepared for Internal use",
        "School asked for help with attendance",
        "Level of need 3: Multiple or complex",
        "Any child at risk of significant harm? No",
        "Checked and agreed by a supervisor",
        "I want to get to school before the bell.",
        "Strengths in housing",
        "Worry scales",
        "Dr Amara Okafor",
        f"{ADDRESS_LINE}, Torquay, {POSTCODE}",
        "Copies to: Health visiting and School.",
    ):
        assert expected in text, expected
    for name in NAMES[:2] + NAMES[3:]:
        assert name in text
    pages = pdf_text(document.pdf)
    assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, start=1))
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)


def test_the_review_record_and_closure_summary(workspace: Workspace, family: FamilyIds) -> None:
    texts = print_all(workspace, family)
    review = texts["review"]
    assert "Early help review record" in review and "Review 2 of this plan" in review
    assert "Review 2 notes: mornings improving." in review and "Things feel a bit better." in review
    assert GOALS[0] in review and "Better" in review and "6 out of 10" in review
    assert "Who came Zoë Ó Briain and Sunita Patel" in review
    closure = texts["closure"]
    assert "Early help closure summary" in closure and "Needs met, outcomes achieved" in closure
    assert "The family feel ready to carry on by themselves." in closure
    assert "Achieved" in closure and "Final scores" in closure


def test_a_must_not_see_agency_never_appears_in_any_document(workspace: Workspace, family: FamilyIds) -> None:
    with pytest.raises(NotPermitted, match="must not see their information"):
        workspace.services.documents.print_document("review", family.family_id, for_agency=HIDDEN_AGENCY)
    with pytest.raises(NotPermitted, match="must not see"):
        workspace.services.documents.issue_plan(family.family_id, for_agency="devon  POLICE")
    for kind, text in print_all(workspace, family).items():
        assert HIDDEN_AGENCY not in text, kind
        assert "Police" not in text and "PC Hidden Officer" not in text, kind


def test_printing_for_an_agency_follows_what_the_family_agreed(
    workspace: Workspace, family: FamilyIds
) -> None:
    docs = workspace.services.documents
    for_school = docs.print_document("assessment", family.family_id, for_agency="school")
    assert for_school.prepared_for == "School" and "Prepared for School" in flat(for_school.pdf)
    with pytest.raises(
        NotPermitted,
        match="GP may see the plan only. Nothing was printed. Print the family plan for them instead.",
    ):
        docs.print_document("assessment", family.family_id, for_agency="GP")
    assert docs.issue_plan(family.family_id, for_agency="GP").number == 1  # the plan is allowed
    with pytest.raises(NotPermitted, match="has not agreed to share anything with Housing"):
        docs.print_document("review", family.family_id, for_agency="Housing")
    with pytest.raises(NotPermitted, match="has not said whether Youth club may see their information"):
        docs.print_document("review", family.family_id, for_agency="Youth club")
    with workspace.read() as session:
        exported = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["print", "export"]))).all()
    # refusals record nothing; the two prints are audited with who they were for
    assert sorted(e.detail.get("for_agency") for e in exported if e.detail) == ["GP", "School"]


def test_a_confidential_address_is_never_printed(workspace: Workspace) -> None:
    ids = add_family(workspace, confidential_address=True)
    assert ADDRESS_LINE not in flat(workspace.services.documents.issue_plan(ids.family_id).pdf)
    for kind, text in print_all(workspace, ids, for_agency="School").items():
        assert ADDRESS_LINE not in text and POSTCODE not in text and "Torquay," not in text, kind
        assert "Not shown: this is a confidential address." in text


def test_no_address_when_someone_must_not_know_where_the_family_lives(workspace: Workspace) -> None:
    ids = add_family(workspace, father_must_not_know=True)
    docs = workspace.services.documents
    text = flat(docs.print_document("assessment", ids.family_id).pdf)
    assert ADDRESS_LINE not in text and POSTCODE not in text
    assert "someone connected to this family must not know where they live" in text
    assert "Must not know where the family lives" in text  # professionals are told who


def test_a_copy_for_a_person_who_must_not_know_leaves_the_address_out(workspace: Workspace) -> None:
    ids = add_family(workspace)
    docs = workspace.services.documents
    assert ADDRESS_LINE in flat(docs.print_document("review", ids.family_id).pdf)
    workspace.services.people.update(ids.people["lukasz"], must_not_know_whereabouts=True)
    text = flat(docs.print_document("review", ids.family_id, for_person_id=ids.people["lukasz"]).pdf)
    assert ADDRESS_LINE not in text and POSTCODE not in text


def test_every_professional_print_is_audited_with_the_record_version(
    workspace: Workspace, family: FamilyIds
) -> None:
    captured: list[PrintedDocument] = []
    document = workspace.services.documents.print_document(
        "assessment", family.family_id, channel="pdf", deliver=captured.append
    )
    assert captured == [document]
    with workspace.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        from earlyhelp_desktop.core.store.models import Assessment

        assessment = session.get(Assessment, family.assessment_id)
    assert assessment is not None and assessment.version
    assert event.row_id == family.assessment_id and event.family_id == family.family_id
    assert event.detail is not None and event.detail["record_version"] == assessment.version
    assert event.detail["document"] == "assessment" and event.detail["sha256"] == document.sha256
    assert event.user_id == workspace.user.user_id and event.device_id == workspace.device_id


def test_missing_records_are_explained(workspace: Workspace) -> None:
    ids = add_family(workspace, with_plan=False)
    docs = workspace.services.documents
    with pytest.raises(NotFound, match="has had no review yet"):
        docs.print_document("review", ids.family_id)
    with pytest.raises(NotFound, match="has not been closed"):
        docs.print_document("closure", ids.family_id)
    bare = workspace.services.families.add("Nguyễn").id
    with pytest.raises(NotFound, match="has no assessment yet"):
        docs.print_document("assessment", bare)
    with workspace.read() as session:
        assert session.get(Family, bare) is not None


def test_a_safeguarding_override_shares_with_its_reason_but_never_with_must_not_see(
    workspace: Workspace, family: FamilyIds
) -> None:
    docs = workspace.services.documents
    workspace.services.consent.set_safeguarding_override(
        family.family_id, True, "Concern for Aoife's safety agreed with the front door"
    )
    document = docs.print_document("review", family.family_id, for_agency="Housing")
    assert document.prepared_for == "Housing" and document.by_override
    with workspace.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).one()
    assert event.detail is not None and event.detail["by_override"] is True
    with pytest.raises(NotPermitted, match="must not see"):
        docs.print_document("review", family.family_id, for_agency=HIDDEN_AGENCY)
