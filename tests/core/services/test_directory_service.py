"""The community directory: kept by connectors and supervisors, searched by everyone."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput, NotPermitted, WrongState
from earlyhelp_desktop.core.services.directory import DirectoryFilter
from tests.core.services.helpers import make_asset


def test_connectors_keep_the_directory(connector, outbox):
    directory = connector.services.directory
    probe = outbox(connector)
    asset_id = make_asset(connector, postcode="tq1 3aa", phone="01803 200 100", capacity="12")
    (op,) = probe.ops()
    assert (op.table, op.kind) == ("community_asset", "insert")
    # venue, address and postcode merge as one value
    assert op.value("location") == {
        "venue_name": "Ellacombe Church Hall",
        "address": None,
        "postcode": "TQ1 3AA",
    }
    assert op.value("kitemark") == "none" and op.value("capacity") == 12
    assert probe.audits() == [("create", "community_asset")]
    probe.mark()
    directory.update(asset_id, kitemark="awarded", review_on="1 9 2027")
    (update,) = probe.ops()
    assert (update.kind, update.keys, update.base("kitemark")) == (
        "update",
        {"kitemark", "review_on"},
        [op.version],
    )
    assert directory.find(asset_id).review_on == dt.date(2027, 9, 1)


def test_search_as_you_type_with_filters(connector):
    directory = connector.services.directory
    make_asset(connector)
    make_asset(connector, "Stay and Play", organisation="Bay Families Together", category_code="baby_toddler")
    make_asset(
        connector,
        "Community Pantry",
        organisation="Torbay Food Alliance",
        category_code="food",
        takes_referrals=False,
        kitemark="awarded",
    )
    assert [a.activity for a in directory.search("cafe")] == ["Wellbeing Café"]
    assert [a.activity for a in directory.search("stay pl")] == ["Stay and Play"]
    assert [a.activity for a in directory.search("ellacombe")] == [
        "Community Pantry",
        "Stay and Play",
        "Wellbeing Café",
    ]
    assert [a.activity for a in directory.search("food")] == ["Community Pantry"]  # the category's words
    flt = DirectoryFilter(takes_referrals=False)
    assert [a.activity for a in directory.search(flt)] == ["Community Pantry"]
    assert [a.activity for a in directory.search(DirectoryFilter(kitemark="awarded"))] == ["Community Pantry"]
    assert [a.activity for a in directory.search(DirectoryFilter(category="baby_toddler"))] == [
        "Stay and Play"
    ]


def test_retired_entries_are_hidden_and_reviews_come_due(connector):
    directory = connector.services.directory
    old = make_asset(connector, "Mindful Walking", review_on=dt.date.today() - dt.timedelta(days=1))
    make_asset(connector, review_on=dt.date.today() + dt.timedelta(days=30))
    assert [a.activity for a in directory.due_for_review()] == ["Mindful Walking"]
    directory.retire(old)
    assert [a.activity for a in directory.search("")] == ["Wellbeing Café"]
    assert len(directory.search(DirectoryFilter(include_retired=True))) == 2


def test_an_entry_with_links_is_retired_not_deleted(connector, household, unchanged, outbox):
    directory = connector.services.directory
    mistake = make_asset(connector, "Typo Club")
    probe = outbox(connector)
    directory.remove(mistake)
    assert probe.shape()[0][:2] == ("community_asset", "delete")
    used = make_asset(connector)
    connector.services.links.offer(household.family_id, household.mum, used)
    with unchanged(connector), pytest.raises(WrongState, match="retire it instead"):
        directory.remove(used)


def test_entries_are_checked(connector, unchanged):
    with unchanged(connector), pytest.raises(InvalidInput) as error:
        connector.services.directory.add(
            organisation="",
            activity="Choir",
            category_code="karaoke",
            kitemark="gold",
            capacity=-1,
            website="not a site",
            email="choir@",
        )
    assert error.value.errors == {
        "organisation": "Enter the organisation's name",
        "category_code": "Select a category from: "
        + ", ".join(i.code for i in connector.services.reference.items("asset_category")),
        "kitemark": "Select the quality mark status from: none, applied, awarded, expired",
        "capacity": "The number of places must be 0 or more",
        "website": "Enter a website address, like www.example.org",
        "email": "Enter an email address in the correct format, like name@example.com",
    }


def test_family_workers_search_but_do_not_edit(worker, connector, unchanged):
    make_asset(connector)
    assert len(worker.services.directory.search("wellbeing")) == 1
    with unchanged(worker), pytest.raises(NotPermitted, match="supervisor or community connector"):
        make_asset(worker, "Another")
