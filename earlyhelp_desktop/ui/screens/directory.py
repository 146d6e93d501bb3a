"""The community directory: groups, courses, food clubs and peer support to link families to.
Community connectors and supervisors keep it; anyone can search it and offer an activity."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from earlyhelp_desktop.core.services.directory import KEEPERS, KITEMARKS, DirectoryFilter
from earlyhelp_desktop.core.store.models import CommunityAsset
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import selected_row, table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, label, scaled, title, vbox
from earlyhelp_desktop.ui.widgets.form import Form

FIELDS = (
    "organisation",
    "activity",
    "category_code",
    "description",
    "venue_name",
    "address",
    "postcode",
    "days_times",
    "age_range",
    "cost",
    "contact_name",
    "phone",
    "email",
    "website",
    "takes_referrals",
    "kitemark",
    "capacity",
    "review_on",
)


class DirectoryModel(RowTableModel[CommunityAsset]):
    def __init__(self) -> None:
        super().__init__(
            columns=(
                Column[CommunityAsset]("Activity", lambda a: a.activity),
                Column[CommunityAsset]("Organisation", lambda a: a.organisation),
                Column[CommunityAsset](
                    "Kind", lambda a: self.categories.get(a.category_code, a.category_code)
                ),
                Column[CommunityAsset]("When", lambda a: a.days_times or ""),
                Column[CommunityAsset]("Where", lambda a: a.venue_name or ""),
                Column[CommunityAsset](
                    "Referrals", lambda a: "Takes referrals" if a.takes_referrals else "Signposting only"
                ),
                Column[CommunityAsset]("Quality mark", lambda a: KITEMARKS.get(a.kitemark, a.kitemark)),
            )
        )
        self.categories: dict[str, str] = {}


class DirectoryScreen(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAccessibleName("Directory")
        self.categories: list[tuple[str, str]] = []
        layout = vbox(self, margins=16, spacing=10)
        top = hbox()
        top.addWidget(title("Directory"), 1)
        self.add_button = button("Add an entry", name="addAsset")
        self.add_button.setVisible(ctx.user.role in KEEPERS)
        self.add_button.clicked.connect(lambda: self.edit(None))
        top.addWidget(self.add_button)
        layout.addLayout(top)
        filters = QWidget()
        row = hbox(filters, spacing=12)
        self.form = Form(filters, vbox())
        self.form.summary.hide()
        self.search: QLineEdit = self.form.text(
            "search", "Search", hint="Activity, organisation, place or kind"
        )
        self.category: QComboBox = self.form.choice("category", "Kind of activity", [], empty="Any kind")
        for name in ("search", "category"):
            box = self.form.fields[name].box
            self.form.layout.removeWidget(box)
            row.addWidget(box, 2 if name == "search" else 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(filters)
        self.message = Banner("notice")
        layout.addWidget(self.message)
        self.count = label("", name="directoryCount")
        layout.addWidget(self.count)
        self.model = DirectoryModel()
        self.view = table(self.model, "directoryTable", "Directory entries", 300)
        for column, width in enumerate((200, 170, 170, 150, 150, 130)):
            self.view.setColumnWidth(column, scaled(width))
        layout.addWidget(self.view, 1)
        buttons = hbox(spacing=10)
        self.offer_button = button("Offer to someone", name="offerAsset")
        self.edit_button = button("Change entry", "secondary", name="editAsset")
        self.edit_button.setVisible(ctx.user.role in KEEPERS)
        self.offer_button.clicked.connect(self.offer)
        self.edit_button.clicked.connect(lambda: self.edit(selected_row(self.view, self.model)))
        buttons.addWidget(self.offer_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.search.textChanged.connect(lambda _t: self.load())
        self.category.currentIndexChanged.connect(lambda _i: self.load())
        ctx.changed.connect(lambda c: self.load() if "community_asset" in c.tables else None)
        ctx.call(lambda s: list(s.reference.labels("asset_category").items()), self._categories, owner=self)

    def _categories(self, categories: list[tuple[str, str]]) -> None:
        self.categories = categories
        self.model.categories = dict(categories)
        Form.set_options(self.category, categories, "Any kind")
        self.load()

    def load(self) -> None:
        flt = DirectoryFilter(text=self.search.text(), category=self.category.currentData())
        self.ctx.call(
            lambda s: s.directory.search(flt),
            self._loaded,
            lambda e: self.count.setText(describe(e)),
            owner=self,
        )

    def _loaded(self, rows: list[CommunityAsset]) -> None:
        self.model.set_rows(rows)
        self.count.setText(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")

    def focus_first(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def edit(self, asset: CommunityAsset | None) -> None:
        fields = [
            F("text", "organisation", "Organisation"),
            F("text", "activity", "Activity"),
            F(
                "choice",
                "category_code",
                "Kind of activity",
                options=self.categories,
                empty="Select the kind",
            ),
            F("long", "description", "What happens there (optional)", lines=3),
            F("text", "venue_name", "Where (optional)"),
            F("text", "address", "Address (optional)"),
            F("text", "postcode", "Postcode (optional)"),
            F("text", "days_times", "When (optional)"),
            F("text", "age_range", "Who it is for (optional)"),
            F("text", "cost", "Cost (optional)"),
            F("text", "contact_name", "Contact (optional)"),
            F("text", "phone", "Phone (optional)"),
            F("text", "email", "Email (optional)"),
            F("text", "website", "Website (optional)"),
            F("check", "takes_referrals", "Takes referrals (otherwise signposting only)"),
            F("choice", "kitemark", "Quality mark", options=list(KITEMARKS.items()), empty=None),
            F("number", "capacity", "Places (optional)", low=1, high=500),
            F("date", "review_on", "Check this entry again on (optional)"),
        ]

        def values_of(v: dict[str, Any]) -> dict[str, Any]:
            return {k: blank(x) for k, x in v.items()}

        if asset is None:
            SimpleDialog(
                self.ctx,
                "Add a directory entry",
                fields,
                lambda v: lambda s: s.directory.add(**values_of(v)),
                save_text="Add entry",
                values={"takes_referrals": True, "kitemark": "none"},
                draft_key="asset:new",
                parent=self.window(),
            ).open()
            return
        asset_id = asset.id
        SimpleDialog(
            self.ctx,
            f"Change {asset.activity}",
            fields,
            lambda v: lambda s: s.directory.update(asset_id, **values_of(v)),
            values={f: getattr(asset, f) for f in FIELDS},
            draft_key=f"asset:{asset_id}",
            parent=self.window(),
        ).open()

    def offer(self) -> None:
        asset = selected_row(self.view, self.model)
        if asset is None:
            self.message.set_text("Choose an activity in the list first.", "warning")
            return
        from earlyhelp_desktop.ui.dialogs.offer import OfferDialog

        OfferDialog(self.ctx, asset.id, asset.activity, parent=self.window()).open()
