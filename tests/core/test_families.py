"""Families and people: search as you type, duplicates, validation, memberships, merging."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from earlyhelp_desktop.core.errors import InvalidInput, NotFound, NotPermitted
from earlyhelp_desktop.core.ids import normalise_reference
from earlyhelp_desktop.core.services.families import FamilyFilter
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.models import Membership, OutboxOp
from earlyhelp_desktop.core.store.store import Store, Workspace
from tests.conftest import CHEAP_KDF


def ops(ws: Workspace) -> int:
    with ws.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxOp)) or 0


@pytest.fixture
def households(workspace: Workspace) -> dict[str, str]:
    fam = workspace.services
    ids = {
        "obriain": fam.families.add("Ó Briain", postcode="tq1 4ab", address_line1="7 Hele Road").id,
        "llyr": fam.families.add("Llŷr", postcode="TQ2 5CD").id,
        "nguyen": fam.families.add("Nguyễn", postcode="TQ3 1AA").id,
        "wojcik": fam.families.add(
            "Wójcik", postcode="TQ4 6HH", address_line1="2 Secret Lane", confidential_address=True
        ).id,
    }
    fam.people.add(
        ids["obriain"],
        PersonInput("Zoë", "Ó Briain", date_of_birth="27 3 2019"),
        relationship="daughter",
        is_child=True,
    )
    fam.people.add(
        ids["llyr"],
        PersonInput("Siân", "Llŷr", preferred_name="Sian"),
        relationship="mother",
        parental_responsibility=True,
    )
    fam.people.add(
        ids["nguyen"], PersonInput("Thị Hoa", "Nguyễn", family_name_first=True), relationship="mother"
    )
    fam.people.add(ids["wojcik"], PersonInput("Łukasz", "Wójcik"), relationship="father")
    return ids


def names(ws: Workspace, text: str) -> list[str]:
    return [f.display_name for f in ws.services.families.search(text)]


def test_search_ignores_accents_case_and_apostrophes(
    workspace: Workspace, households: dict[str, str]
) -> None:
    assert names(workspace, "Zoe") == ["Ó Briain"]
    assert names(workspace, "zoë ó") == ["Ó Briain"]
    assert names(workspace, "obri") == ["Ó Briain"]
    assert names(workspace, "sian llyr") == ["Llŷr"]
    assert names(workspace, "lukasz") == ["Wójcik"]  # Ł has no Unicode decomposition: folded by hand
    assert names(workspace, "nguyen hoa") == ["Nguyễn"]
    assert names(workspace, "Zo") == ["Ó Briain"]  # as you type


def test_search_by_postcode_reference_and_address(workspace: Workspace, households: dict[str, str]) -> None:
    assert names(workspace, "TQ1 4AB") == ["Ó Briain"]
    assert names(workspace, "tq14ab") == ["Ó Briain"]
    assert names(workspace, "hele road") == ["Ó Briain"]
    ref = workspace.services.families.summaries([households["llyr"]])[0].reference
    assert names(workspace, ref.lower()) == ["Llŷr"]
    assert names(workspace, ref.replace("-", "")) == ["Llŷr"]


def test_a_confidential_address_is_not_searchable(workspace: Workspace, households: dict[str, str]) -> None:
    assert names(workspace, "secret lane") == []
    assert names(workspace, "wojcik") == ["Wójcik"]  # the family is still found by name


def test_filters_and_punctuation_only_queries(workspace: Workspace, households: dict[str, str]) -> None:
    workspace.services.families.update(households["llyr"], level_of_need=3)
    found = workspace.services.families.search(FamilyFilter(level_of_need=3))
    assert [f.display_name for f in found] == ["Llŷr"]
    assert names(workspace, "!!!") == []
    assert len(workspace.services.families.search(FamilyFilter())) == 4


def test_member_names_follow_the_persons_custom(workspace: Workspace, households: dict[str, str]) -> None:
    [summary] = workspace.services.families.summaries([households["nguyen"]])
    assert [m.full_name for m in summary.members] == ["Nguyễn Thị Hoa"]


def test_references_are_unique_and_survive_typing_mistakes(workspace: Workspace) -> None:
    refs = {
        workspace.services.families.summaries([workspace.services.families.add(f"F{i}").id])[0].reference
        for i in range(30)
    }
    assert len(refs) == 30
    ref = sorted(refs)[0]
    assert normalise_reference(ref.lower().replace("-", " ")) == ref
    broken = ref[:-1] + ("0" if ref[-1] != "0" else "1")
    assert normalise_reference(broken) is None  # the check character catches a mistyped character


def test_likely_duplicates_are_warned_not_refused(workspace: Workspace, households: dict[str, str]) -> None:
    result = workspace.services.families.add("O Briain", postcode="TQ1 4AB")
    assert any("Ó Briain family" in w and "same name and same postcode" in w for w in result.warnings)
    people = workspace.services.people
    dup = people.add(
        result.id,
        PersonInput("Zoe", "O'Briain", date_of_birth=dt.date(2019, 3, 27)),
        relationship="daughter",
        is_child=True,
    )
    assert any("Zoë Ó Briain" in w for w in dup.warnings)


def test_invalid_input_changes_nothing_and_says_what_to_do(
    workspace: Workspace, households: dict[str, str]
) -> None:
    before = ops(workspace)
    with pytest.raises(InvalidInput) as error:
        workspace.services.people.add(
            households["llyr"],
            PersonInput("", "Llŷr", date_of_birth="31 2 2020", nhs_number="123", upn="X"),
            relationship="aunt",
        )
    messages = error.value.errors
    assert messages["given_name"] == "Enter their first name"
    assert messages["date_of_birth"] == "The date of birth must be a real date, for example 27 3 2019"
    assert "10-digit NHS number" in messages["nhs_number"]
    assert "unique pupil number" in messages["upn"]
    with pytest.raises(InvalidInput, match="Level of need must be from 1 to 4"):
        workspace.services.families.update(households["llyr"], level_of_need=7)
    with pytest.raises(InvalidInput, match="full UK postcode"):
        workspace.services.families.update(households["llyr"], postcode="nowhere")
    with pytest.raises(InvalidInput):
        workspace.services.families.update(households["llyr"], reference="XX")
    assert ops(workspace) == before


def test_valid_identifiers_are_accepted_and_normalised(
    workspace: Workspace, households: dict[str, str]
) -> None:
    person = workspace.services.people.add(
        households["llyr"],
        PersonInput(
            "Gwenllïan", "Llŷr", nhs_number="943 476 5919", upn="H801200001001", date_of_birth="2018-01-05"
        ),
        relationship="daughter",
        is_child=True,
    )
    assert person.created


def test_an_unborn_child_has_a_due_date_not_a_birth_date(
    workspace: Workspace, households: dict[str, str]
) -> None:
    due = dt.date.today() + dt.timedelta(days=60)
    workspace.services.people.add(
        households["llyr"], PersonInput("Baby", "Llŷr", due_date=due), relationship="unborn", is_child=True
    )
    with pytest.raises(InvalidInput, match="either a date of birth or a due date"):
        workspace.services.people.add(
            households["llyr"],
            PersonInput("Baby", "Llŷr", due_date=due, date_of_birth="1 1 2020"),
            relationship="unborn",
        )


def test_a_child_can_belong_to_two_households(workspace: Workspace, households: dict[str, str]) -> None:
    [zoe] = workspace.services.families.summaries([households["obriain"]])[0].members
    workspace.services.people.join(
        households["llyr"],
        zoe.person_id,
        relationship="stepdaughter",
        is_child=True,
        lives_in_household=False,
    )
    assert "Zoë Ó Briain" in [
        m.full_name for m in workspace.services.families.summaries([households["llyr"]])[0].members
    ]
    assert names(workspace, "zoe") == ["Llŷr", "Ó Briain"]
    workspace.services.people.leave(households["llyr"], zoe.person_id)
    assert names(workspace, "zoe") == ["Ó Briain"]


def test_merging_two_records_of_one_household_loses_nothing(
    workspace: Workspace, households: dict[str, str]
) -> None:
    dup = workspace.services.families.add("O'Briain", postcode="TQ1 4AB").id
    workspace.services.people.add(dup, PersonInput("Cian", "Ó Briain"), relationship="son", is_child=True)
    old_ref = workspace.services.families.summaries([dup])[0].reference
    workspace.services.families.merge(households["obriain"], dup)
    [kept] = workspace.services.families.summaries([households["obriain"]])
    assert sorted(m.full_name for m in kept.members) == ["Cian Ó Briain", "Zoë Ó Briain"]
    assert (
        workspace.services.families.resolve(old_ref) == households["obriain"]
    )  # the old reference redirects
    record = workspace.services.record.open(households["obriain"])
    assert len(record.episodes) == 2  # both records' episodes are kept
    with workspace.read() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(Membership)
                .where(Membership.family_id == dup, Membership.deleted.is_(False))
            )
            == 0
        )


def test_deleting_a_family_is_for_supervisors(
    workspace: Workspace, households: dict[str, str], store_dir: object
) -> None:
    workspace.services.users.add("a.okafor", "Adaeze Okafor", "family_worker", "adaeze password")
    workspace.lock()
    with Store(workspace.store.directory, fixed_kdf=CHEAP_KDF).unlock("a.okafor", "adaeze password") as ws:
        with pytest.raises(NotPermitted):
            ws.services.families.delete_family(households["llyr"])
        assert ws.services.families.resolve(households["llyr"])


def test_unknown_family_is_not_found(workspace: Workspace) -> None:
    with pytest.raises(NotFound, match="No family with reference"):
        workspace.services.families.resolve("TN-0000-0000")


def test_opening_a_family_shows_everything_and_is_audited(
    workspace: Workspace, households: dict[str, str]
) -> None:
    from earlyhelp_desktop.core.store.models import AuditEvent

    record = workspace.services.record.open(households["obriain"])
    assert record.family.display_name == "Ó Briain"
    assert [m.person.given_name for m in record.members] == ["Zoë"]
    assert record.current is not None and record.current.episode.status == "open"
    with workspace.read() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(v.family_id, v.user_id, v.device_id) for v in views] == [
        (households["obriain"], workspace.user.user_id, workspace.device_id)
    ]
