"""Form drafts survive the privacy lock, belong to one person, and never travel."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.store.store import Store


def test_a_draft_survives_locking_and_unlocking(ws, store_dir, cheap_kdf, outbox):
    probe = outbox(ws)
    ws.services.drafts.save(
        "assessment:new", {"reason": "Siân is missing school", "on": dt.date(2025, 3, 27)}
    )
    # drafts are local: no ops, and no audit events that would carry their text to the server
    assert probe.all() == []
    ws.lock()
    again = Store(store_dir, fixed_kdf=cheap_kdf).unlock("s.patel", "correct horse battery")
    try:
        draft = again.services.drafts.load("assessment:new")
        assert draft is not None
        assert draft.payload == {"reason": "Siân is missing school", "on": "2025-03-27"}
        assert [d.key for d in again.services.drafts.keys("assessment:")] == ["assessment:new"]
        assert again.services.drafts.discard("assessment:new") is True
        assert again.services.drafts.load("assessment:new") is None
        assert again.services.drafts.discard("assessment:new") is False
    finally:
        again.lock()


def test_drafts_are_per_person(ws, worker):
    ws.services.drafts.save("family:new", {"name": "Llŷr"})
    assert worker.services.drafts.load("family:new") is None
    worker.services.drafts.save("family:new", {"name": "Wójcik"})
    assert ws.services.drafts.load("family:new").payload == {"name": "Llŷr"}


def test_saving_again_replaces_the_draft(ws):
    ws.services.drafts.save("plan:1", {"about_us": "first"})
    ws.services.drafts.save("plan:1", {"about_us": "second"})
    assert ws.services.drafts.load("plan:1").payload == {"about_us": "second"}


def test_bad_drafts_are_refused_and_nothing_is_kept(ws, unchanged):
    with unchanged(ws):
        with pytest.raises(InvalidInput, match="cannot be kept"):
            ws.services.drafts.save("x", {"when": object()})
        with pytest.raises(InvalidInput, match="too large"):
            ws.services.drafts.save("x", {"text": "a" * 1_000_001})
        with pytest.raises(InvalidInput, match="draft key"):
            ws.services.drafts.save(" x", {})
