"""Outcome measures from configuration: every item checked against the scale; ONS4 anxious reversed."""

from __future__ import annotations

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted

ONS4 = {"satisfied": 6, "worthwhile": 7, "happy": 5, "anxious": 8}


def test_instruments_are_configuration(worker):
    codes = [i.code for i in worker.services.outcomes.instruments()]
    assert sorted(codes) == ["family_scale", "ons4"]
    ons4 = worker.services.outcomes.instrument("ons4")
    assert (ons4.scale_min, ons4.scale_max) == (0, 10)
    assert [i.reverse for i in ons4.items] == [False, False, False, True]


def test_a_measure_is_recorded_and_summarised_with_anxious_reversed(worker, household, outbox):
    outcomes = worker.services.outcomes
    probe = outbox(worker)
    outcomes.record(household.family_id, "ons4", ONS4, person_id=household.mum, context="baseline")
    (op,) = probe.ops()
    assert (op.table, op.kind, op.value("scores")) == ("outcome_measure", "insert", ONS4)
    assert probe.audits() == [("create", "outcome_measure")]
    (summary,) = outcomes.history(household.family_id, instrument_code="ons4")
    assert summary.adjusted == {"satisfied": 6, "worthwhile": 7, "happy": 5, "anxious": 2}
    assert summary.mean == 5.0  # (6 + 7 + 5 + (10 - 8)) / 4


def test_every_item_is_checked_against_the_scale(worker, household, unchanged):
    outcomes = worker.services.outcomes
    with unchanged(worker), pytest.raises(InvalidInput) as error:
        outcomes.record(
            household.family_id, "ons4", {"satisfied": 11, "worthwhile": "lots", "happy": 5, "mood": 3}
        )
    assert error.value.errors == {
        "scores": "ONS personal wellbeing (ONS4) has no question called 'mood'",
        "scores.satisfied": "The answer to “Overall, how satisfied are you with your life nowadays?” "
        "must be from 0 to 10",
        "scores.worthwhile": "The answer to “Overall, to what extent do you feel that the things you do in "
        "your life are worthwhile?” must be a number from 0 to 10",
        "scores.anxious": "Answer “Overall, how anxious did you feel yesterday?” with a number from 0 to 10",
    }
    with unchanged(worker), pytest.raises(InvalidInput, match="Choose an outcome measure"):
        outcomes.record(household.family_id, "wemwbs", {})
    with unchanged(worker), pytest.raises(InvalidInput, match="belongs to this family"):
        outcomes.record(household.family_id, "ons4", ONS4, person_id="stranger")


def test_the_family_scores_every_area_from_1_to_5(worker, household):
    outcomes = worker.services.outcomes
    scale = outcomes.instrument("family_scale")
    scores = {item.code: 3 for item in scale.items}
    outcomes.record(household.family_id, "family_scale", scores, context="baseline")
    outcomes.record(household.family_id, "family_scale", {**scores, "housing": 5}, context="review")
    before, after = outcomes.history(household.family_id, instrument_code="family_scale")
    assert (before.mean, after.mean) == (3.0, 3.1)


def test_a_licensed_instrument_is_loaded_as_configuration(ws, worker, household, outbox, unchanged):
    probe = outbox(ws)
    ws.services.outcomes.define_instrument(
        "our_star",
        "Our family star (licensed locally)",
        items=[
            {"code": "home", "text": "Home and money"},
            {"code": "worry", "text": "Worry", "reverse": True},
        ],
        scale_min=1,
        scale_max=10,
        licence="Held by the council",
    )
    assert probe.shape()[0][:2] == ("instrument", "insert")
    worker.services.outcomes.record(household.family_id, "our_star", {"home": 4, "worry": 9})
    (summary,) = worker.services.outcomes.history(household.family_id)
    assert summary.adjusted == {"home": 4, "worry": 2}
    with unchanged(worker), pytest.raises(NotPermitted):
        worker.services.outcomes.define_instrument("x", "X", items=[], scale_min=0, scale_max=1)
    with unchanged(ws), pytest.raises(InvalidInput) as error:
        ws.services.outcomes.define_instrument("bad", "Bad", items=[], scale_min=5, scale_max=1)
    assert set(error.value.errors) == {"scale", "items"}
