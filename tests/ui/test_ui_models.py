"""List models tested without a view, and the workers that feed them."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject, Qt
from pytestqt.qtbot import QtBot

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services.families import FamilyFilter, FamilySummary, MemberSummary
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.adapters import SyncView
from earlyhelp_desktop.ui.models.families import ID_ROLE, PAGE, FamilyListModel, people_text
from earlyhelp_desktop.ui.syncing import describe_status
from earlyhelp_desktop.ui.tasks import Tasks, describe
from tests.ui.uihelp import add_family, add_person


def test_family_list_model_fetches_rows_a_page_at_a_time(workspace: Workspace) -> None:
    for n in range(PAGE + 30):
        add_family(workspace, f"Family {n:03d}")
    requests: list[list[str]] = []

    def loader(ids: list[str], done: Callable[[list[FamilySummary]], None]) -> None:
        requests.append(ids)
        done(workspace.services.families.summaries(ids))

    ids = workspace.services.families.find_ids(FamilyFilter())
    model = FamilyListModel(loader, {3: "Multiple or complex"})
    model.set_result(ids, workspace.services.families.summaries(ids[:PAGE]))
    assert model.rowCount() == PAGE + 30 and model.columnCount() == 7
    assert model.index(0, 0).data() == "Family 000"
    assert requests == []  # the first page came with the result
    assert model.index(PAGE + 5, 0).data() == "Loading…"  # asks for the page; shows it once it is back
    assert requests == [ids[PAGE:]]
    assert model.index(PAGE + 5, 0).data() == f"Family {PAGE + 5:03d}"
    assert model.index(PAGE + 5, 0).data(ID_ROLE) == ids[PAGE + 5]
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Level of need"


def test_the_whole_result_follows_the_first_rows_without_losing_them(workspace: Workspace) -> None:
    for n in range(40):
        add_family(workspace, f"Family {n:03d}")
    ids = workspace.services.families.find_ids(FamilyFilter())
    asked: list[list[str]] = []

    def loader(wanted: list[str], done: Callable[[list[FamilySummary]], None]) -> None:
        asked.append(wanted)
        done(workspace.services.families.summaries(wanted))

    model = FamilyListModel(loader)
    model.set_result(ids[:10], workspace.services.families.summaries(ids[:10]))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.complete(ids)
    assert model.rowCount() == 40 and inserted == [(10, 39)]
    assert model.index(3, 0).data() == "Family 003" and asked == []  # the first rows were kept
    assert model.index(30, 0).data() == "Loading…"
    assert model.index(30, 0).data() == "Family 030"


def test_a_family_no_longer_here_is_shown_as_gone_not_loaded_forever(workspace: Workspace) -> None:
    keep, gone = add_family(workspace, "Keep"), "an id this laptop does not hold"
    calls = []

    def loader(ids: list[str], done: Callable[[list[FamilySummary]], None]) -> None:
        calls.append(ids)
        done(workspace.services.families.summaries(ids))

    model = FamilyListModel(loader)
    model.set_result([keep, gone])
    assert model.index(0, 0).data() == "Loading…"
    assert model.index(1, 0).data() == "No longer on this laptop"
    assert len(calls) == 1


def test_people_column_names_children_with_ages() -> None:
    today = dt.date.today()
    members = (
        MemberSummary("1", "Amy Smith", None, dt.date(1990, 1, 1), None, "mother", False),
        MemberSummary("2", "Zoë Smith", None, today.replace(year=today.year - 7), None, "daughter", True),
        MemberSummary("3", "Baby Smith", None, None, today + dt.timedelta(days=30), "unborn", True),
    )
    assert people_text(members).startswith("Amy Smith, Zoë (7), Baby (due ")


def test_members_model_shows_what_a_worker_needs(workspace: Workspace) -> None:
    from earlyhelp_desktop.ui.models.people import MembersModel

    family_id = add_family(workspace, "Ali")
    add_person(
        workspace, family_id, "Omar", "Ali", "father", must_not_know_whereabouts=True, language="Arabic"
    )
    model = MembersModel({"father": "Father"})
    model.set_rows(workspace.services.record.open(family_id, audit=False).members)
    [row] = model.texts()
    assert row[0] == "Omar Ali" and row[3] == "Father"
    assert row[6] == "Must not know the family's whereabouts; Speaks Arabic"


def test_work_comes_back_on_the_gui_thread_and_errors_are_plain(qtbot: QtBot, tasks: Tasks) -> None:
    threads: list[str] = []
    results: list[object] = []
    tasks.db(lambda: threading.current_thread().name, lambda r: (threads.append(r), results.append(r)))
    qtbot.waitUntil(lambda: bool(results))
    assert threads[0].startswith("earlyhelp-db")
    with qtbot.waitSignal(tasks.failed) as failed:
        tasks.db(lambda: 1 / 0)
    assert failed.args[0].startswith("Something went wrong (ZeroDivisionError). Nothing half-done was saved.")
    assert describe(InvalidInput({"name": "Enter the family's name"})) == "Enter the family's name"


def test_a_result_for_a_closed_screen_is_dropped(qtbot: QtBot, tasks: Tasks) -> None:
    owner = QObject()
    got: list[object] = []
    release = threading.Event()
    tasks.db(lambda: release.wait(5), got.append, owner=owner)
    owner.deleteLater()
    qtbot.wait(20)
    release.set()
    qtbot.waitUntil(lambda: not tasks.busy)
    assert got == []


@pytest.mark.parametrize(
    ("view", "words"),
    [
        (SyncView(False, False), "Not set up for sync: changes stay on this laptop"),
        (SyncView(True, True, pending=0, last_status="synced", last_synced_at=None), "Synced at never"),
        (
            SyncView(True, True, pending=3, last_status="synced"),
            "3 changes waiting to sync · last synced never",
        ),
        (
            SyncView(True, True, pending=1, last_status="offline"),
            "Offline: 1 change waiting to sync · last synced never",
        ),
        (SyncView(True, True, pending=0, last_status="partial"), "Not synced yet · last synced never"),
    ],
)
def test_the_status_bar_says_synced_only_when_the_engine_does(view: SyncView, words: str) -> None:
    assert describe_status(view) == words


def test_text_at_twice_the_size_grows_titles_and_widths(styled_app: object) -> None:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from earlyhelp_desktop.ui.widgets.common import heading, scaled, title

    before = QApplication.font()
    try:
        QApplication.setFont(QFont("DejaVu Sans", 20))  # a person who needs text twice the size
        assert title("Families").font().pointSizeF() == 36
        assert heading("People").font().pointSizeF() == 26
        assert scaled(200) == 400
    finally:
        QApplication.setFont(before)
    assert scaled(200) == 200


def test_one_letter_answers_are_made_once_and_the_worker_then_rests(
    qtbot: QtBot, workspace: Workspace, tasks: Tasks
) -> None:
    from earlyhelp_desktop.ui.adapters import Drafts, SyncEngine
    from earlyhelp_desktop.ui.context import UiContext
    from earlyhelp_desktop.ui.screens import family_search
    from earlyhelp_desktop.ui.screens.family_search import FamilySearch

    add_family(workspace, "Abbot")
    ctx = UiContext(workspace, tasks, Drafts(), SyncEngine())
    search = FamilySearch(ctx)
    family_search.KEEP = 8  # fewer answers kept than letters: the prefetch must still come to rest
    try:
        search.ask(FamilyFilter())
        qtbot.waitUntil(
            lambda: search._letters_for is not None and not search._letters and not tasks.busy, timeout=20000
        )
        assert len(search._answers) == family_search.KEEP
        qtbot.wait(2 * family_search.PREFETCH_AFTER_MS)
        assert not tasks.busy, [j.on_done for j in tasks._jobs.values()]
    finally:
        family_search.KEEP = 64


def test_a_contact_logged_this_morning_without_a_time_is_not_in_the_future() -> None:
    from earlyhelp_desktop.ui.screens.family.contacts import occurred_at

    morning = dt.datetime(2026, 3, 2, 9, 5)
    assert occurred_at({"occurred_on": "2 3 2026", "time": ""}, morning) == "2 3 2026 09:05"
    assert occurred_at({"occurred_on": "1 3 2026", "time": ""}, morning) == "1 3 2026"
    assert occurred_at({"occurred_on": "2 3 2026", "time": "8:00"}, morning) == "2 3 2026 8:00"
