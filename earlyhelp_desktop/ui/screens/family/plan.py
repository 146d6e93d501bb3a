"""The plan (Team Around the Family): the family's own words, outcomes tagged to needs and headline
categories, actions with who and by when, the team, and the next review date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTableView

from earlyhelp_desktop.core.services.plans import ACTION_STATUSES, OUTCOME_STATUSES
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.core.store.models import PlanAction, PlanOutcome, TafMember
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import ActionsModel, OutcomesModel, TafModel, day
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.widgets.common import Banner, button, heading, hint, label, scaled

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen

WORDS = [
    F("long", "about_us", "About us", hint="In the family's words", lines=3),
    F("long", "going_well", "What is going well", lines=3),
    F("long", "want_to_change", "What we would like to change", lines=3),
    F("long", "share_with_note", "Who we are happy to share this plan with", lines=2),
    F("date", "review_on", "Next review", hint="Usually 6 to 12 weeks from now. For example, 27 3 2026"),
]


class PlanTab(RecordTab):
    outcomes: OutcomesModel
    outcomes_view: QTableView
    action_list: ActionsModel
    action_view: QTableView
    taf: TafModel
    taf_view: QTableView

    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.plan_id: str | None = None
        self.body.addWidget(heading("Our family plan"))
        self.words = label("", name="planWords")
        self.body.addWidget(self.words)
        self.warnings = Banner("warning")
        self.warnings.setObjectName("planWarnings")
        self.body.addWidget(self.warnings)
        self.write_button = button("Write the plan", name="writePlan")
        self.write_button.clicked.connect(self.write_plan)
        self.buttons(self.write_button)

        self.body.addWidget(heading("What we want to happen"))
        self.body.addWidget(hint("Outcomes in the family's words, each linked to the needs it meets."))
        self.add_outcome = button("Add an outcome", name="addOutcome")
        self.edit_outcome = button("Change outcome", "secondary", name="editOutcome")
        self.drop_outcome = button("Remove outcome", "secondary", name="removeOutcome")
        self.add_outcome.clicked.connect(lambda: self.outcome(None))
        self.edit_outcome.clicked.connect(
            lambda: self.outcome(selected_row(self.outcomes_view, self.outcomes))
        )
        self.drop_outcome.clicked.connect(self.remove_outcome)
        self.buttons(self.add_outcome, self.edit_outcome, self.drop_outcome)
        self.outcomes = OutcomesModel()
        self.outcomes_view = table(self.outcomes, "outcomesTable", "Outcomes in the family's words", 130)
        self.outcomes_view.setColumnWidth(0, scaled(420))
        self.body.addWidget(self.outcomes_view)

        self.body.addWidget(heading("Who does what, by when"))
        self.add_action = button("Add an action", name="addAction")
        self.edit_action = button("Change action", "secondary", name="editAction")
        self.drop_action = button("Remove action", "secondary", name="removeAction")
        self.add_action.clicked.connect(lambda: self.action(None))
        self.edit_action.clicked.connect(
            lambda: self.action(selected_row(self.action_view, self.action_list))
        )
        self.drop_action.clicked.connect(self.remove_action)
        self.buttons(self.add_action, self.edit_action, self.drop_action)
        self.action_list = ActionsModel()
        self.action_view = table(self.action_list, "actionsTable", "Actions", 130)
        self.action_view.setColumnWidth(0, scaled(420))
        self.body.addWidget(self.action_view)

        self.body.addWidget(heading("Team around the family"))
        self.add_member = button("Add a team member", name="addTaf")
        self.edit_member = button("Change team member", "secondary", name="editTaf")
        self.drop_member = button("Remove team member", "secondary", name="removeTaf")
        self.add_member.clicked.connect(lambda: self.member(None))
        self.edit_member.clicked.connect(lambda: self.member(selected_row(self.taf_view, self.taf)))
        self.drop_member.clicked.connect(self.remove_member)
        self.buttons(self.add_member, self.edit_member, self.drop_member)
        self.taf = TafModel()
        self.taf_view = table(self.taf, "tafTable", "Team around the family", 110)
        self.body.addWidget(self.taf_view)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        current = record.current
        plan = current.plan if current else None
        self.plan_id = plan.id if plan else None
        has_plan = plan is not None
        for b in (
            self.add_outcome,
            self.edit_outcome,
            self.drop_outcome,
            self.add_action,
            self.edit_action,
            self.drop_action,
            self.add_member,
            self.edit_member,
            self.drop_member,
        ):
            b.setEnabled(has_plan)
        self.write_button.setEnabled(current is not None)
        if current is None:
            self.words.setText("There is no open episode of early help, so no plan to write.")
        elif plan is None:
            self.words.setText("No plan yet. Write it with the family, in their words.")
            self.write_button.setText("Write the plan")
        else:
            parts = [
                ("About us", plan.about_us),
                ("What is going well", plan.going_well),
                ("What we would like to change", plan.want_to_change),
                ("Who we are happy to share this with", plan.share_with_note),
            ]
            text = "\n".join(f"{title}: {value}" for title, value in parts if value)
            self.words.setText(
                (text or "The family's words are not written yet.")
                + f"\nNext review: {day(plan.review_on) or 'not set'}"
            )
            self.write_button.setText("Change the family's words or the review date")
        self.outcomes.categories = self.labels("outcome_category")
        self.outcomes.set_rows(record.outcomes)
        self.action_list.set_rows(record.actions)
        self.taf.set_rows(record.taf)
        self.warnings.set_text("")
        if self.plan_id is not None:
            plan_id = self.plan_id
            self.ctx.call(lambda s: s.plans.view(plan_id).warnings, self._warned, lambda _e: None, owner=self)

    def _warned(self, warnings: tuple[str, ...]) -> None:
        self.warnings.set_text(" ".join(warnings))

    # -- the plan ------------------------------------------------------------------------------------

    def write_plan(self) -> None:
        current = self.record.current if self.record else None
        if current is None:
            return
        plan = current.plan
        if plan is None:
            episode_id = current.episode.id

            def create(v: dict[str, Any]) -> Any:
                return lambda s: s.plans.create(episode_id, **{k: blank(x) for k, x in v.items()})

            SimpleDialog(
                self.ctx,
                "Write the plan",
                WORDS,
                create,
                save_text="Save plan",
                draft_key=f"plan:new:{episode_id}",
                parent=self.window(),
            ).open()
            return
        plan_id = plan.id
        values = {f.name: getattr(plan, f.name) for f in WORDS}

        def update(v: dict[str, Any]) -> Any:
            return lambda s: s.plans.update(plan_id, **{k: blank(x) for k, x in v.items()})

        SimpleDialog(
            self.ctx,
            "The family's words and the next review",
            WORDS,
            update,
            values=values,
            draft_key=f"plan:{plan_id}",
            parent=self.window(),
        ).open()

    # -- outcomes ------------------------------------------------------------------------------------

    def outcome(self, row: PlanOutcome | None) -> None:
        plan_id = self.plan_id
        if plan_id is None:
            return
        fields = [
            F(
                "long",
                "text",
                "What we want to happen",
                hint="In the family's words, for example 'Jack goes to school every day and enjoys it'",
                lines=3,
            ),
            F("multi", "needs", "Needs it meets", options=list(self.labels("assessment_domain").items())),
            F(
                "multi",
                "categories",
                "Headline outcomes",
                options=list(self.labels("outcome_category").items()),
            ),
        ]
        if row is None:

            def add(v: dict[str, Any]) -> Any:
                return lambda s: s.plans.add_outcome(
                    plan_id, v["text"], needs=v["needs"], categories=v["categories"]
                )

            SimpleDialog(
                self.ctx,
                "Add an outcome",
                fields,
                add,
                save_text="Add outcome",
                draft_key=f"outcome:new:{plan_id}",
                parent=self.window(),
            ).open()
            return
        fields.append(
            F("choice", "status", "How it is going", options=list(OUTCOME_STATUSES.items()), empty=None)
        )
        outcome_id = row.id

        def update(v: dict[str, Any]) -> Any:
            return lambda s: s.plans.update_outcome(outcome_id, **v)

        values = {"text": row.text, "needs": row.needs, "categories": row.categories, "status": row.status}
        SimpleDialog(
            self.ctx,
            "Change an outcome",
            fields,
            update,
            values=values,
            draft_key=f"outcome:{outcome_id}",
            parent=self.window(),
        ).open()

    def remove_outcome(self) -> None:
        row = selected_row(self.outcomes_view, self.outcomes)
        if row is not None:
            outcome_id = row.id
            self.ask(
                "Remove this outcome from the plan? It stays in the record's history.",
                lambda: self.change(lambda s: s.plans.remove_outcome(outcome_id), "Outcome removed."),
            )

    # -- actions -------------------------------------------------------------------------------------

    def action(self, row: PlanAction | None) -> None:
        plan_id = self.plan_id
        if plan_id is None:
            return
        outcomes = [(o.id, o.text[:80]) for o in self.outcomes.rows()]
        fields = [
            F("long", "text", "What needs to happen", lines=2),
            F(
                "text",
                "owner",
                "Who will do it",
                hint="As the family knows them, for example Mum, Ms Patel at school",
            ),
            F("date", "due_on", "By when (optional)"),
            F("choice", "outcome_id", "For which outcome (optional)", options=outcomes, empty="Not linked"),
            F("choice", "status", "Progress", options=list(ACTION_STATUSES.items()), empty=None),
        ]
        if row is None:

            def add(v: dict[str, Any]) -> Any:
                return lambda s: s.plans.add_action(
                    plan_id,
                    v["text"],
                    v["owner"],
                    due_on=blank(v["due_on"]),
                    outcome_id=v["outcome_id"],
                    status=v["status"],
                )

            SimpleDialog(
                self.ctx,
                "Add an action",
                fields,
                add,
                save_text="Add action",
                values={"status": "not_started"},
                draft_key=f"action:new:{plan_id}",
                parent=self.window(),
            ).open()
            return
        action_id = row.id

        def update(v: dict[str, Any]) -> Any:
            return lambda s: s.plans.update_action(action_id, **{k: blank(x) for k, x in v.items()})

        values = {
            "text": row.text,
            "owner": row.owner,
            "due_on": row.due_on,
            "outcome_id": row.outcome_id,
            "status": row.status,
        }
        SimpleDialog(
            self.ctx,
            "Change an action",
            fields,
            update,
            values=values,
            draft_key=f"action:{action_id}",
            parent=self.window(),
        ).open()

    def _edit_selected_action(self) -> None:
        self.action(selected_row(self.action_view, self.action_list))

    def remove_action(self) -> None:
        row = selected_row(self.action_view, self.action_list)
        if row is not None:
            action_id = row.id
            self.ask(
                "Remove this action from the plan?",
                lambda: self.change(lambda s: s.plans.remove_action(action_id), "Action removed."),
            )

    # -- team ----------------------------------------------------------------------------------------

    def member(self, row: TafMember | None) -> None:
        plan_id = self.plan_id
        if plan_id is None:
            return
        fields = [
            F("text", "name", "Name"),
            F("text", "role", "Role (optional)"),
            F("text", "agency", "Agency (optional)"),
            F("text", "phone", "Phone (optional)"),
            F("text", "email", "Email (optional)"),
        ]
        if row is None:

            def add(v: dict[str, Any]) -> Any:
                rest = {k: blank(x) for k, x in v.items() if k != "name"}
                return lambda s: s.plans.add_taf_member(plan_id, v["name"], **rest)

            SimpleDialog(
                self.ctx, "Add a team member", fields, add, save_text="Add team member", parent=self.window()
            ).open()
            return
        member_id = row.id

        def update(v: dict[str, Any]) -> Any:
            return lambda s: s.plans.update_taf_member(member_id, **{k: blank(x) for k, x in v.items()})

        values = {f.name: getattr(row, f.name) for f in fields}
        SimpleDialog(
            self.ctx, f"Change details of {row.name}", fields, update, values=values, parent=self.window()
        ).open()

    def remove_member(self) -> None:
        row = selected_row(self.taf_view, self.taf)
        if row is not None:
            member_id = row.id
            self.ask(
                f"Remove {row.name} from the team?",
                lambda: self.change(lambda s: s.plans.remove_taf_member(member_id), "Team member removed."),
            )
