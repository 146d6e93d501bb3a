"""Agreement and sharing: each person's agreement to early help (and its withdrawal), what each
partner agency may see, the lawful basis, evaluation opt-out and a safeguarding override."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTableView

from earlyhelp_desktop.core.services.consent import ACCESS, AGREEMENT_METHODS, LAWFUL_BASES, AgreementLine
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.core.store.models import SharingPermission
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import SharingModel, day, first_line
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.widgets.common import button, heading, hint, label

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen

STATES = {
    "agreed": "Agrees",
    "declined": "Does not agree",
    "withdrawn": "Withdrew agreement",
    "not_recorded": "Not recorded yet",
}


def _since(line: AgreementLine) -> str:
    a = line.agreement
    if a is None:
        return ""
    return day(a.withdrawn_on if line.state == "withdrawn" else a.agreed_on)


class AgreementLinesModel(RowTableModel[AgreementLine]):
    COLUMNS = (
        Column[AgreementLine]("Person", lambda line: line.full_name + (" (child)" if line.is_child else "")),
        Column[AgreementLine]("Agreement", lambda line: STATES[line.state]),
        Column[AgreementLine]("Since", _since),
        Column[AgreementLine](
            "How",
            lambda line: AGREEMENT_METHODS.get(line.agreement.method or "", "") if line.agreement else "",
        ),
        Column[AgreementLine]("Note", lambda line: first_line(line.agreement.note) if line.agreement else ""),
    )


class ConsentTab(RecordTab):
    sharing: SharingModel
    sharing_view: QTableView

    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Agreement to early help"))
        self.body.addWidget(
            hint(
                "Each adult, and each child aged 12 or over, agrees to early help for this "
                "episode. Agreement is separate from the lawful basis for keeping records."
            )
        )
        self.agree_button = button("Record agreement", name="recordAgreement")
        self.withdraw_button = button("Record a withdrawal", "secondary", name="recordWithdrawal")
        self.agree_button.clicked.connect(self.record_agreement)
        self.withdraw_button.clicked.connect(self.record_withdrawal)
        self.buttons(self.agree_button, self.withdraw_button)
        self.lines = AgreementLinesModel()
        self.lines_view = table(self.lines, "agreementTable", "Agreement to early help", 150)
        self.body.addWidget(self.lines_view)

        self.body.addWidget(heading("Sharing with other agencies"))
        self.body.addWidget(
            hint(
                "What each agency may see. An agency that must not see anything is never sent "
                "anything, whatever else is recorded."
            )
        )
        self.share_button = button("Add or change an agency", name="setSharing")
        self.unshare_button = button("Remove agency", "secondary", name="removeSharing")
        self.share_button.clicked.connect(
            lambda: self.set_sharing(selected_row(self.sharing_view, self.sharing))
        )
        self.unshare_button.clicked.connect(self.remove_sharing)
        self.buttons(self.share_button, self.unshare_button)
        self.sharing = SharingModel()
        self.sharing_view = table(self.sharing, "sharingTable", "Sharing with other agencies", 150)
        self.body.addWidget(self.sharing_view)

        self.body.addWidget(heading("Lawful basis and safeguarding"))
        self.basis = label("", name="sharingBasis")
        self.body.addWidget(self.basis)
        self.basis_button = button("Change lawful basis or evaluation opt-out", "secondary", name="setBasis")
        self.override_button = button("Record a safeguarding override", "secondary", name="setOverride")
        self.basis_button.clicked.connect(self.set_basis)
        self.override_button.clicked.connect(self.set_override)
        self.buttons(self.basis_button, self.override_button)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        episode_id = self.episode_id
        self.agree_button.setEnabled(episode_id is not None)
        self.withdraw_button.setEnabled(episode_id is not None)
        if episode_id is not None:
            self.ctx.call(lambda s: s.consent.agreements(episode_id), self.lines.set_rows, owner=self)
        else:
            self.lines.set_rows([])
        self.sharing.agencies = self.labels("agency")
        self.sharing.set_rows(record.sharing)
        f = record.family
        text = f"Lawful basis: {LAWFUL_BASES.get(f.lawful_basis, f.lawful_basis)}."
        text += " The family opted out of national evaluation." if f.evaluation_opt_out else ""
        if f.safeguarding_override:
            text += (
                f"\nShared without agreement to protect a child: {f.override_reason or 'no reason recorded'}."
            )
            self.override_button.setText("End the safeguarding override")
        else:
            self.override_button.setText("Record a safeguarding override")
        self.basis.setText(text)

    # -- agreement ---------------------------------------------------------------------------------

    def _people(self, *states: str) -> list[tuple[str, str]]:
        return [
            (line.person_id, line.full_name)
            for line in self.lines.rows()
            if not states or line.state in states
        ]

    def record_agreement(self) -> None:
        episode_id = self.episode_id
        if episode_id is None:
            return
        chosen = selected_row(self.lines_view, self.lines)
        fields = [
            F("choice", "person_id", "Who", options=self._people(), empty="Select the person"),
            F(
                "choice",
                "agreed",
                "Do they agree to early help?",
                options=[("yes", "Yes, they agree"), ("no", "No, they do not agree")],
            ),
            F(
                "choice",
                "method",
                "How did they agree?",
                options=list(AGREEMENT_METHODS.items()),
                empty="Select how",
            ),
            F("date", "agreed_on", "Date"),
            F("long", "note", "Note (optional)", lines=2),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.consent.record_agreement(
                episode_id,
                v["person_id"] or "",
                agreed=v["agreed"] or "",
                method=v["method"],
                agreed_on=blank(v["agreed_on"]),
                note=blank(v["note"]),
            )

        values = {"agreed_on": dt.date.today(), "person_id": chosen.person_id if chosen else None}
        SimpleDialog(
            self.ctx,
            "Record agreement to early help",
            fields,
            save,
            values=values,
            save_text="Save agreement",
            parent=self.window(),
        ).open()

    def record_withdrawal(self) -> None:
        episode_id = self.episode_id
        if episode_id is None:
            return
        fields = [
            F(
                "choice",
                "person_id",
                "Who withdrew their agreement",
                options=self._people("agreed"),
                empty="Select the person",
            ),
            F("date", "withdrawn_on", "Date"),
            F("long", "note", "What they said (optional)", lines=3),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.consent.withdraw(
                episode_id, v["person_id"] or "", withdrawn_on=blank(v["withdrawn_on"]), note=blank(v["note"])
            )

        SimpleDialog(
            self.ctx,
            "Record a withdrawal of agreement",
            fields,
            save,
            values={"withdrawn_on": dt.date.today()},
            save_text="Save withdrawal",
            parent=self.window(),
        ).open()

    # -- sharing -----------------------------------------------------------------------------------

    def set_sharing(self, row: SharingPermission | None) -> None:
        if self.record is None:
            return
        family_id = self.family_id
        agencies = sorted(self.labels("agency").items(), key=lambda kv: kv[1])
        fields = [
            F("choice", "agency", "Agency", options=agencies, empty="Select the agency"),
            F("choice", "access", "What may they see?", options=list(ACCESS.items()), empty="Select what"),
            F("check", "gets_copy", "They get a copy of the plan"),
            F(
                "check",
                "must_not_see",
                "They must not see anything",
                hint="For example, an agency the family has asked not to be told. Choose Nothing above too.",
            ),
            F("long", "note", "Note (optional)", lines=2),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.consent.set_sharing(
                family_id,
                v["agency"] or "",
                access=v["access"] or "",
                gets_copy=bool(v["gets_copy"]),
                must_not_see=bool(v["must_not_see"]),
                note=blank(v["note"]),
            )

        values = None
        if row is not None:
            values = {
                "agency": row.agency,
                "access": row.access,
                "gets_copy": row.gets_copy,
                "must_not_see": row.must_not_see,
                "note": row.note,
            }
        SimpleDialog(
            self.ctx,
            "What an agency may see",
            fields,
            save,
            values=values,
            save_text="Save sharing",
            parent=self.window(),
        ).open()

    def remove_sharing(self) -> None:
        row = selected_row(self.sharing_view, self.sharing)
        if row is None or self.record is None:
            return
        family_id, agency = self.family_id, row.agency
        name = self.sharing.agencies.get(agency, agency)
        self.ask(
            f"Remove {name}? They will then see nothing, as for any agency not listed.",
            lambda: self.change(lambda s: s.consent.remove_sharing(family_id, agency), f"{name} removed."),
        )

    # -- lawful basis, evaluation, override ----------------------------------------------------------

    def set_basis(self) -> None:
        if self.record is None:
            return
        f = self.record.family
        family_id = f.id
        fields = [
            F(
                "choice",
                "lawful_basis",
                "Lawful basis for keeping these records",
                options=list(LAWFUL_BASES.items()),
                empty=None,
            ),
            F("check", "evaluation_opt_out", "The family opted out of national evaluation"),
        ]

        def save(v: dict[str, Any]) -> Any:
            def call(s: Any) -> Any:
                first = s.consent.set_lawful_basis(family_id, v["lawful_basis"])
                return first | s.consent.set_evaluation_opt_out(family_id, bool(v["evaluation_opt_out"]))

            return call

        SimpleDialog(
            self.ctx,
            "Lawful basis and evaluation",
            fields,
            save,
            values={"lawful_basis": f.lawful_basis, "evaluation_opt_out": f.evaluation_opt_out},
            parent=self.window(),
        ).open()

    def set_override(self) -> None:
        if self.record is None:
            return
        family_id = self.family_id
        if self.record.family.safeguarding_override:
            self.ask(
                "End the safeguarding override? Sharing then follows the family's agreement again.",
                lambda: self.change(
                    lambda s: s.consent.set_safeguarding_override(family_id, False),
                    "The safeguarding override has ended.",
                ),
            )
            return
        fields = [
            F(
                "note",
                "",
                "Information may be shared without the family's agreement to protect a child. "
                "Record why; your supervisor will see it.",
            ),
            F("long", "override_reason", "Why information is shared to protect a child", lines=5),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.consent.set_safeguarding_override(family_id, True, v["override_reason"])

        SimpleDialog(
            self.ctx, "Safeguarding override", fields, save, save_text="Record override", parent=self.window()
        ).open()
