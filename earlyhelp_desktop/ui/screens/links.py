"""Links (social prescribing): who was offered, referred to or attended which activity, with the
referrals that have waited 14 days for an answer flagged, and each link moved on a step at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QWidget

from earlyhelp_desktop.core.services import Services
from earlyhelp_desktop.core.services.links import LABELS, UNANSWERED_DAYS, LinkView
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import day
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import selected_row, table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, hint, label, scaled, title, vbox
from earlyhelp_desktop.ui.widgets.form import Form


def waiting(v: LinkView) -> str:
    """The Answer column: how long a referral has waited, and when to chase it."""
    days = v.days_waiting
    if days is None:
        return ""
    return f"Waiting {days} days" + (" (chase it)" if days >= UNANSWERED_DAYS else "")


class LinksModel(RowTableModel[LinkView]):
    COLUMNS = (
        Column[LinkView]("Person", lambda v: v.person_name),
        Column[LinkView]("Family", lambda v: v.family_reference),
        Column[LinkView]("Activity", lambda v: f"{v.activity} ({v.organisation})"),
        Column[LinkView]("Where things are", lambda v: v.status_label),
        Column[LinkView]("Offered", lambda v: day(v.link.offered_on)),
        Column[LinkView]("Answer", waiting),
        Column[LinkView]("Connector", lambda v: v.connector or ""),
    )


class LinksScreen(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Links")
        layout = vbox(self, margins=16, spacing=10)
        layout.addWidget(title("Links"))
        layout.addWidget(
            hint(
                "Activities offered to people, from offer to referral, attendance and outcome. "
                f"Referrals unanswered after {UNANSWERED_DAYS} days are flagged."
            )
        )
        holder = QWidget()
        self.form = Form(holder, vbox(holder))
        self.form.summary.hide()
        shows = [
            ("mine", "Links I made"),
            ("unanswered", f"Referrals unanswered after {UNANSWERED_DAYS} days"),
            *[(f"status:{code}", f"Every link: {text.lower()}") for code, text in LABELS.items()],
        ]
        self.show_: QComboBox = self.form.choice("show", "Show", shows, empty="Every link")
        self.show_.setMaximumWidth(scaled(480))
        layout.addWidget(holder)
        self.message = Banner("notice")
        layout.addWidget(self.message)
        self.count = label("", name="linksCount")
        layout.addWidget(self.count)
        self.model = LinksModel()
        self.view = table(self.model, "linksTable", "Links", 300)
        for column, width in enumerate((170, 130, 250, 140, 110, 140)):
            self.view.setColumnWidth(column, scaled(width))
        self.view.activated.connect(self._open)
        layout.addWidget(self.view, 1)
        row = hbox(spacing=10)
        self.next_button = button("Record what happened next", name="advanceLink")
        self.next_button.clicked.connect(self.advance)
        open_button = button("Open family", "secondary", name="openLinkFamily")
        open_button.clicked.connect(lambda: self._open(None))
        row.addWidget(self.next_button)
        row.addWidget(open_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.show_.currentIndexChanged.connect(lambda _i: self.load())
        ctx.changed.connect(lambda c: self.load() if c.tables & {"social_link", "link_event"} else None)
        self.load()

    def load(self) -> None:
        choice = self.show_.currentData() or ""
        me = self.ctx.user.user_id

        def read(s: Services) -> list[LinkView]:
            if choice == "mine":
                return s.links.find(connector_id=me)
            if choice == "unanswered":
                return s.links.unanswered()
            if choice.startswith("status:"):
                return s.links.find(status=choice.split(":", 1)[1])
            return s.links.find()

        self.ctx.call(read, self._loaded, lambda e: self.count.setText(describe(e)), owner=self)

    def _loaded(self, rows: list[LinkView]) -> None:
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} link{'s' if len(rows) != 1 else ''}")

    def _open(self, index: QModelIndex | None) -> None:
        row = self.model.row(index.row()) if index is not None else selected_row(self.view, self.model)
        if row is not None:
            self.ctx.open_family.emit(row.link.family_id)

    def advance(self) -> None:
        view = selected_row(self.view, self.model)
        if view is None:
            self.message.set_text("Choose a link in the list first.", "warning")
            return
        advance_link(self.ctx, view, self.message, self.window())


def advance_link(ctx: UiContext, view: LinkView, message: Banner, parent: QWidget) -> None:
    """Asks what happened next to a link (only the steps that can follow), then records it."""
    link_id = view.link.id

    def ask(steps: tuple[str, ...]) -> None:
        if not steps:
            message.set_text(f"This link is {view.status_label.lower()}: nothing follows.", "notice")
            return
        fields = [
            F("choice", "status", "What happened", options=[(s, LABELS[s]) for s in steps]),
            F("date", "on", "Date"),
            F("long", "note", "Note (optional)", lines=2),
            F("long", "outcome", "How it went (optional)", lines=2),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.links.advance(
                link_id,
                v["status"] or "",
                on=blank(v["on"]),
                note=blank(v["note"]),
                outcome=blank(v["outcome"]),
            )

        SimpleDialog(
            ctx,
            f"{view.person_name}: {view.activity}",
            fields,
            save,
            values={"on": dt.date.today()},
            parent=parent,
        ).open()

    ctx.call(
        lambda s: s.links.next_steps(link_id),
        ask,
        lambda e: message.set_text(describe(e), "warning"),
        owner=message,
    )
