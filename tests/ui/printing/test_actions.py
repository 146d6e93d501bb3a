"""The wiring a family's record uses: preview on the worker, dialog on the GUI thread, errors as words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.services.documents import PrintedDocument
from earlyhelp_desktop.core.store.store import Workspace
from earlyhelp_desktop.ui.printing.actions import preview_document, preview_family_plan, print_reviews_due
from earlyhelp_desktop.ui.printing.batch import BatchPrintDialog
from earlyhelp_desktop.ui.printing.preview import PdfPreviewDialog
from earlyhelp_desktop.ui.printing.runner import ThreadRunner
from tests.family_builder import TODAY, add_family, flat, font_sizes


class Catcher:
    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.shown: list[QWidget] = []
        self.errors: list[str] = []

    def on_shown(self, widget: QWidget) -> None:
        self.qtbot.addWidget(widget)
        self.shown.append(widget)

    def wait(self) -> None:
        self.qtbot.waitUntil(lambda: bool(self.shown or self.errors), timeout=30_000)


def test_preview_the_family_plan_then_save_it(qtbot: Any, workspace: Workspace, tmp_path: Path) -> None:
    ids = add_family(workspace)
    got = Catcher(qtbot)
    issued: list[PrintedDocument] = []
    preview_family_plan(
        workspace,
        ids.family_id,
        runner=ThreadRunner(),
        large_print=True,
        on_error=got.errors.append,
        on_shown=got.on_shown,
        on_issued=issued.append,
    )
    got.wait()
    dialog = got.shown[0]
    assert isinstance(dialog, PdfPreviewDialog) and dialog.windowTitle() == "Our family plan (large print)"
    assert dialog.isModal() and dialog.page_count >= 3
    dialog._confirm_save = lambda parent: True  # noqa: SLF001 - stands in for the person saying yes
    dialog._choose_path = lambda parent, name: tmp_path / name  # noqa: SLF001
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(issued), timeout=30_000)
    saved = tmp_path / f"{ids.reference} family plan.pdf"
    assert saved.read_bytes() == issued[0].pdf
    assert min(size for size, _ in font_sizes(saved.read_bytes())) >= 16


def test_problems_come_back_as_words(qtbot: Any, workspace: Workspace) -> None:
    ids = add_family(workspace, with_plan=False)
    got = Catcher(qtbot)
    preview_family_plan(workspace, ids.family_id, runner=ThreadRunner(), on_error=got.errors.append)
    got.wait()
    assert got.errors == ["The Ó Briain family has no plan yet. Write the plan with the family first."]
    got = Catcher(qtbot)
    preview_document(
        workspace,
        "assessment",
        ids.family_id,
        runner=ThreadRunner(),
        for_agency="GP",
        on_error=got.errors.append,
    )
    got.wait()
    assert "GP may see the plan only" in got.errors[0]


def test_preview_a_professional_document_for_an_agency(qtbot: Any, workspace: Workspace) -> None:
    ids = add_family(workspace)
    got = Catcher(qtbot)
    preview_document(
        workspace, "review", ids.family_id, runner=ThreadRunner(), for_agency="School", on_shown=got.on_shown
    )
    got.wait()
    dialog = got.shown[0]
    assert isinstance(dialog, PdfPreviewDialog) and dialog.windowTitle() == "Early help review record"
    assert dialog.note.text().startswith("Prepared for School.")
    assert dialog._loaded is not None  # noqa: SLF001
    assert "Prepared for School" in flat(dialog._loaded.buffer.data().data())  # noqa: SLF001


def test_the_batch_for_this_weeks_reviews(qtbot: Any, workspace: Workspace) -> None:
    for name in ("Ó Briain", "Llŷr"):
        add_family(workspace, name=name)
    got = Catcher(qtbot)
    print_reviews_due(
        workspace, TODAY, TODAY + dt.timedelta(days=6), runner=ThreadRunner(), on_shown=got.on_shown
    )
    got.wait()
    dialog = got.shown[0]
    assert isinstance(dialog, BatchPrintDialog) and dialog.progress.maximum() == 2
    assert dialog.start_button.isEnabled()
