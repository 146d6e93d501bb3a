"""Agreement per person per episode, sharing permissions per agency, and what printing may follow."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState


def test_agreement_per_adult_is_recorded_and_withdrawn(worker, household, outbox):
    consent = worker.services.consent
    probe = outbox(worker)
    consent.record_agreement(household.episode_id, household.mum, agreed=True, method="verbal")
    (op,) = probe.ops()
    assert (op.table, op.kind) == ("agreement", "insert")
    assert op.value("agreed") is True and op.value("agreed_on") == dt.date.today().isoformat()
    assert consent.agreement_in_force(household.episode_id)

    probe.mark()
    consent.withdraw(household.episode_id, household.mum, note="Zoë no longer wants support")
    (op2,) = probe.ops()
    assert (op2.table, op2.kind, op2.keys) == ("agreement", "update", {"withdrawn_on", "note"})
    assert op2.base("withdrawn_on") == [op.version]
    assert not consent.agreement_in_force(household.episode_id)
    states = {line.person_id: line.state for line in consent.agreements(household.episode_id)}
    assert states[household.mum] == "withdrawn"

    # agreeing again renews it
    consent.record_agreement(household.episode_id, household.mum, agreed="yes", method="written")
    assert consent.agreement_in_force(household.episode_id)


def test_who_can_give_agreement(worker, household, unchanged):
    consent = worker.services.consent
    lines = consent.agreements(household.episode_id)
    # Zoë (adult) and Siân (15) can; Oisín (6) and the unborn baby cannot
    assert [(line.full_name, line.is_child, line.state) for line in lines] == [
        ("Zoë Ó Briain", False, "not_recorded"),
        ("Siân Ó Briain", True, "not_recorded"),
    ]
    consent.record_agreement(household.episode_id, household.teen, agreed=False)
    assert consent.agreements(household.episode_id)[1].state == "declined"
    with unchanged(worker), pytest.raises(InvalidInput, match="Children under 12"):
        consent.record_agreement(household.episode_id, household.child, agreed=True, method="verbal")
    with unchanged(worker), pytest.raises(InvalidInput, match="belongs to this family"):
        consent.record_agreement(household.episode_id, "not-a-person", agreed=True, method="verbal")


def test_agreement_input_is_checked(worker, household, unchanged):
    consent = worker.services.consent
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        consent.record_agreement(household.episode_id, household.mum, agreed="perhaps", agreed_on="32 1 2025")
    assert error.value.errors == {
        "agreed": "Select yes if they agree to early help, or no if not",
        "agreed_on": "The date they agreed must be a real date, for example 27 3 2019",
    }
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        consent.record_agreement(household.episode_id, household.mum, agreed=True)
    assert error.value.errors == {"method": "Select how they agreed"}
    with unchanged(worker), pytest.raises(WrongState, match="no agreement in force"):
        consent.withdraw(household.episode_id, household.mum)


def test_sharing_permissions_decide_what_each_agency_may_see(worker, household, outbox):
    consent = worker.services.consent
    fid = household.family_id
    probe = outbox(worker)
    consent.set_sharing(fid, "Torbay Primary School", access="plan", gets_copy=True)
    consent.set_sharing(fid, "Paignton Surgery", access="everything")
    consent.set_sharing(fid, "Housing Options", access="nothing")
    consent.set_sharing(fid, "Devon Police", access="nothing", must_not_see=True)
    assert [s[:2] for s in probe.shape()] == [("sharing_permission", "insert")] * 4

    school_plan = consent.may_see(fid, "torbay primary school", "plan")
    assert school_plan.allowed and school_plan.agency == "Torbay Primary School"
    assert not consent.may_see(fid, "Torbay Primary School", "everything").allowed
    assert consent.may_see(fid, "Paignton Surgery", "everything").allowed
    housing = consent.may_see(fid, "Housing Options")
    assert not housing.allowed and "not agreed to share anything" in housing.reason
    police = consent.may_see(fid, "Devon Police")
    assert not police.allowed and "must not see" in police.reason
    stranger = consent.may_see(fid, "Riviera Leisure Centre")
    assert not stranger.allowed and "record a sharing permission first" in stranger.reason
    assert [r.agency for r in consent.recipients(fid)] == ["Torbay Primary School"]

    probe.mark()
    consent.set_sharing(fid, "Torbay Primary School", access="everything", gets_copy=True)
    (op,) = probe.ops()
    assert (op.kind, op.keys) == ("update", {"access"})
    consent.remove_sharing(fid, "Paignton Surgery")
    assert [s.agency for s in consent.sharing(fid)] == [
        "Devon Police",
        "Housing Options",
        "Torbay Primary School",
    ]
    assert probe.ops()[-1].kind == "delete"


def test_a_must_not_see_agency_is_never_a_recipient_even_with_an_override(worker, household):
    consent = worker.services.consent
    fid = household.family_id
    consent.set_sharing(fid, "Devon Police", access="nothing", must_not_see=True)
    consent.set_sharing(fid, "Health visiting team", access="nothing")
    consent.set_safeguarding_override(fid, True, "Bruising seen on Oisín; MASH advised sharing")
    assert not consent.may_see(fid, "Devon Police", "plan").allowed
    health = consent.may_see(fid, "Health visiting team", "everything")
    assert health.allowed and health.by_override and "to protect a child" in health.reason
    assert consent.recipients(fid, "everything") == []


def test_consent_as_lawful_basis_follows_withdrawal(worker, household, outbox):
    consent = worker.services.consent
    fid = household.family_id
    consent.set_sharing(fid, "Torbay Primary School", access="plan", gets_copy=True)
    consent.record_agreement(household.episode_id, household.mum, agreed=True, method="written")
    probe = outbox(worker)
    consent.set_lawful_basis(fid, "consent")
    assert probe.shape() == [("family", "update", frozenset({"lawful_basis"}))]
    assert consent.may_see(fid, "Torbay Primary School").allowed
    consent.withdraw(household.episode_id, household.mum)
    refused = consent.may_see(fid, "Torbay Primary School")
    assert not refused.allowed and "no adult's agreement is in force" in refused.reason
    assert consent.recipients(fid) == []


def test_impossible_sharing_is_refused(worker, household, unchanged):
    consent = worker.services.consent
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        consent.set_sharing(
            household.family_id, "Devon Police", access="plan", gets_copy=True, must_not_see=True
        )
    assert error.value.errors == {
        "access": "An agency that must not see anything cannot see the plan: choose Nothing",
        "gets_copy": "Only an agency that may see the plan or everything can get a copy",
    }
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        consent.set_sharing(household.family_id, " ", access="some")
    assert set(error.value.errors) == {"agency", "access"}


def test_override_needs_a_reason_and_opt_out_is_recorded(worker, household, outbox, unchanged):
    consent = worker.services.consent
    fid = household.family_id
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        consent.set_safeguarding_override(fid, True, "  ")
    assert error.value.errors == {"override_reason": "Enter why information is shared to protect a child"}
    probe = outbox(worker)
    consent.set_safeguarding_override(fid, True, "MASH advised sharing with the health visitor")
    consent.set_evaluation_opt_out(fid, "yes")
    # the override and its reason merge as one value (a group), and both are guarded
    assert probe.shape() == [
        ("family", "update", frozenset({"override"})),
        ("family", "update", frozenset({"evaluation_opt_out"})),
    ]
    assert probe.ops()[0].value("override") == {
        "safeguarding_override": True,
        "override_reason": "MASH advised sharing with the health visitor",
    }
    # nothing changed: no op at all
    probe.mark()
    result = consent.set_evaluation_opt_out(fid, True)
    assert probe.all() == [] and result.tables == frozenset()


def test_connectors_cannot_change_agreement_or_sharing(connector, household, unchanged):
    with unchanged(connector):
        with pytest.raises(NotPermitted):
            connector.services.consent.set_sharing(household.family_id, "School", access="plan")
        with pytest.raises(NotPermitted):
            connector.services.consent.record_agreement(
                household.episode_id, household.mum, agreed=True, method="verbal"
            )


def test_a_permission_made_elsewhere_is_found_by_the_agency_name(worker, household, outbox):
    """Rows made by an import or the demo generator may have other ids: the name still finds them."""
    from earlyhelp_desktop.core.ids import new_id
    from earlyhelp_desktop.core.store.models import SharingPermission

    with worker.write() as session:
        session.add(
            SharingPermission(
                id=new_id(), family_id=household.family_id, agency="St Mary’s School", access="plan"
            )
        )
    consent = worker.services.consent
    assert consent.may_see(household.family_id, "ST MARY’S  SCHOOL").allowed
    probe = outbox(worker)
    consent.set_sharing(household.family_id, "st mary’s school", access="everything")
    assert probe.shape() == [("sharing_permission", "update", frozenset({"access"}))]
    assert [p.agency for p in consent.sharing(household.family_id)] == ["St Mary’s School"]


def test_agencies_recorded_by_code_or_twice_are_matched_and_the_stricter_wins(worker, household, outbox):
    from earlyhelp_desktop.core.ids import new_id
    from earlyhelp_desktop.core.store.models import SharingPermission

    fid = household.family_id
    with worker.write() as session:  # "gp" is a code of the configured agency list ("GP")
        session.add(
            SharingPermission(id=new_id(), family_id=fid, agency="gp", access="everything", gets_copy=True)
        )
        # two records of one agency made offline at two venues
        session.add(
            SharingPermission(id=new_id(), family_id=fid, agency="Housing", access="plan", gets_copy=True)
        )
        session.add(SharingPermission(id=new_id(), family_id=fid, agency="housing ", must_not_see=True))
    consent = worker.services.consent
    gp = consent.may_see(fid, "GP", "everything")
    assert gp.allowed and gp.agency == "GP"
    housing = consent.may_see(fid, "Housing")
    assert not housing.allowed and housing.must_not_see
    assert [r.agency for r in consent.recipients(fid)] == ["GP"]
    probe = outbox(worker)
    consent.set_sharing(fid, "HOUSING", access="plan", gets_copy=True)  # the family changed their mind
    # the stricter record now agrees; the other already said this, so it needs no op
    assert [op.keys for op in probe.ops()] == [{"access", "gets_copy", "must_not_see"}]
    assert consent.may_see(fid, "Housing").allowed
    assert sorted(r.agency for r in consent.recipients(fid)) == ["GP", "Housing"]
