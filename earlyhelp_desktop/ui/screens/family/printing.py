"""The print row on a family's record: the family's own plan first, then documents for professionals.

Everything opens a preview first (nothing leaves the store until Print or Save is pressed there); printing
or saving the plan issues a new numbered version to the family. Copies for a partner agency follow the
family's sharing permission: an agency that may see nothing, or must not see, is never offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.printing.actions import preview_document, preview_family_plan
from earlyhelp_desktop.ui.widgets.common import button, hbox

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.widgets.common import Banner

DOCUMENTS = (
    ("assessment", "Assessment summary"),
    ("review", "Review record"),
    ("closure", "Closure summary"),
)


class PrintRow(QWidget):
    """Print our family plan (Ctrl+P) and a menu of the other documents."""

    def __init__(self, ctx: UiContext, message: Banner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.message = message
        self.family_id: str | None = None
        layout = hbox(self, spacing=8)
        self.plan_button = button("Print our family plan", "secondary", shortcut="Ctrl+P", name="printPlan")
        self.plan_button.clicked.connect(lambda: self.preview_plan(large_print=False))
        layout.addWidget(self.plan_button)
        self.more = QToolButton()
        self.more.setText("Other documents")
        self.more.setObjectName("otherDocuments")
        self.more.setAccessibleName("Other documents to print")
        self.more.setProperty("kind", "secondary")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self.more)
        self.more.setMenu(self.menu)
        layout.addWidget(self.more)

    # -- what can be printed for this family -----------------------------------------------------

    def show_record(self, record: FamilyRecord, agency_labels: dict[str, str] | None = None) -> None:
        self.family_id = record.family.id
        current = record.current
        has_plan = current is not None and current.plan is not None
        self.plan_button.setEnabled(has_plan)
        self.plan_button.setToolTip(
            "Preview the family's plan, then print it or save it as a PDF (Ctrl+P)"
            if has_plan
            else "There is no plan yet: write one on the Plan tab first"
        )
        available = {
            "assessment": any(e.assessments for e in record.episodes),
            "review": any(e.reviews for e in record.episodes),
            "closure": any(e.closure is not None for e in record.episodes),
        }
        self.menu.clear()
        large = self.menu.addAction("Our family plan in large print")
        large.setEnabled(has_plan)
        large.triggered.connect(lambda: self.preview_plan(large_print=True))
        self.menu.addSeparator()
        for kind, text in DOCUMENTS:
            action = self.menu.addAction(text)
            action.setEnabled(available[kind])
            action.triggered.connect(lambda _checked=False, k=kind: self.preview(k))
        agencies = [s for s in record.sharing if s.access in ("everything", "plan") and not s.must_not_see]
        if agencies:
            self.menu.addSeparator()
            for permission in agencies:
                name = (agency_labels or {}).get(permission.agency, permission.agency)
                sub = self.menu.addMenu(f"For {name}")
                plan = sub.addAction("Our family plan")
                plan.setEnabled(has_plan)
                plan.triggered.connect(
                    lambda _checked=False, a=permission.agency: self.preview_plan(False, for_agency=a)
                )
                if permission.access == "everything":  # "the plan only" never offers the rest
                    for kind, text in DOCUMENTS:
                        action = sub.addAction(text)
                        action.setEnabled(available[kind])
                        action.triggered.connect(
                            lambda _checked=False, k=kind, a=permission.agency: self.preview(k, a)
                        )
        self.more.setEnabled(True)

    # -- actions ---------------------------------------------------------------------------------

    def _error(self, text: str) -> None:
        self.message.set_text(text, "warning")

    def preview_plan(self, large_print: bool, for_agency: str | None = None) -> None:
        if self.family_id is None or self.ctx.ws is None:
            return
        self.message.set_text("")
        preview_family_plan(
            self.ctx.ws,
            self.family_id,
            runner=self.ctx.tasks.db,
            large_print=large_print,
            for_agency=for_agency,
            parent=self.window(),
            on_error=self._error,
        )

    def preview(self, kind: str, for_agency: str | None = None) -> None:
        if self.family_id is None or self.ctx.ws is None:
            return
        self.message.set_text("")
        preview_document(
            self.ctx.ws,
            kind,
            self.family_id,
            runner=self.ctx.tasks.db,
            for_agency=for_agency,
            parent=self.window(),
            on_error=self._error,
        )
