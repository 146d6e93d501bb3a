"""Step up, step down and closure: the end of an episode of early help, each signed off by a
supervisor; and opening a new episode when a family is referred again."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from earlyhelp_desktop.core.services.closures import STATUS_LABELS
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.core.services.steps import DECISIONS, DIRECTIONS
from earlyhelp_desktop.core.store.models import StepChange
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import day, first_line
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.widgets.common import button, heading, hint, label

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


class StepsModel(RowTableModel[StepChange]):
    COLUMNS = (
        Column[StepChange]("Step", lambda s: "Step up" if s.direction == "up" else "Step down"),
        Column[StepChange]("Asked for", lambda s: day(s.requested_on)),
        Column[StepChange](
            "Decision",
            lambda s: (
                DECISIONS.get(s.decision, s.decision) + (f" on {day(s.decided_on)}" if s.decided_on else "")
            ),
        ),
        Column[StepChange](
            "Supervisor", lambda s: "Signed off" if s.signed_off_by else "Waiting for sign-off"
        ),
        Column[StepChange]("Reason", lambda s: first_line(s.reason), lambda s: s.reason),
    )


class StepsTab(RecordTab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Step up or step down"))
        self.body.addWidget(
            hint(
                "Step up to children's social care through the front door (MASH), or record a "
                "step down from social care. A supervisor signs each one off."
            )
        )
        self.up_button = button("Step up", "warning", name="stepUp")
        self.down_button = button("Step down", "secondary", name="stepDown")
        self.decision_button = button("Record the decision", "secondary", name="stepDecision")
        self.sign_step = button("Sign off this step", "secondary", name="signOffStep")
        self.up_button.clicked.connect(lambda: self.step("up"))
        self.down_button.clicked.connect(lambda: self.step("down"))
        self.decision_button.clicked.connect(self.decision)
        self.sign_step.clicked.connect(self.sign_off_step)
        self.buttons(self.up_button, self.down_button, self.decision_button, self.sign_step)
        self.steps = StepsModel()
        self.steps_view = table(self.steps, "stepsTable", "Steps up and down", 110)
        self.body.addWidget(self.steps_view)

        self.body.addWidget(heading("Closure"))
        self.closure = label("", name="closureSummary")
        self.body.addWidget(self.closure)
        self.close_button = button("Close this episode", name="closeEpisode")
        self.sign_close = button("Sign off closure", name="signOffClosure")
        self.return_close = button("Return for changes", "secondary", name="returnClosure")
        self.reopen_button = button("Open a new episode (referred again)", name="openEpisode")
        self.close_button.clicked.connect(self.close_episode)
        self.sign_close.clicked.connect(self.sign_off_closure)
        self.return_close.clicked.connect(self.return_closure)
        self.reopen_button.clicked.connect(self.open_episode)
        self.buttons(self.close_button, self.sign_close, self.return_close, self.reopen_button)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        current = record.current
        open_ = current is not None
        self.steps.set_rows(current.steps if current else [])
        for b in (self.up_button, self.down_button, self.decision_button, self.close_button):
            b.setEnabled(open_)
        supervisor = self.ctx.is_supervisor
        self.sign_step.setVisible(supervisor)
        self.sign_step.setEnabled(any(s.signed_off_by is None for s in self.steps.rows()))
        closure = current.closure if current else None
        waiting = closure is not None and closure.status == "submitted"
        self.sign_close.setVisible(supervisor and waiting)
        self.return_close.setVisible(supervisor and waiting)
        self.close_button.setEnabled(open_ and not waiting)
        self.reopen_button.setVisible(not open_)
        if not open_:
            last = record.episodes[0].closure if record.episodes else None
            self.closure.setText(
                "This family has no open episode."
                + (
                    f" Last closed {day(last.closed_on)}; "
                    f"follow-up check {day(last.follow_up_on) or 'not set'}."
                    if last
                    else ""
                )
            )
        elif closure is None:
            self.closure.setText("Not closing.")
        else:
            reason = self.labels("closure_reason").get(closure.reason_code, closure.reason_code)
            status = STATUS_LABELS.get(closure.status, closure.status)
            text = f"{status}: {reason}, closing {day(closure.closed_on)}"
            if closure.status == "returned" and closure.return_reason:
                text += f". Returned because: {closure.return_reason}"
            self.closure.setText(text + ".")

    # -- steps ---------------------------------------------------------------------------------------

    def step(self, direction: str) -> None:
        episode_id = self.episode_id
        if episode_id is None:
            return
        fields = [F("long", "reason", "Why", lines=4), F("date", "requested_on", "Date")]
        if direction == "up":
            fields.append(F("text", "mash_reference", "Front door reference (optional)"))
        else:
            fields.append(
                F(
                    "choice",
                    "fgc_considered",
                    "Was a Family Group Conference considered first?",
                    options=[("yes", "Yes"), ("no", "No")],
                    empty="Select yes or no",
                )
            )

        def save(v: dict[str, Any]) -> Any:
            if direction == "up":
                return lambda s: s.steps.step_up(
                    episode_id,
                    reason=v["reason"],
                    requested_on=blank(v["requested_on"]),
                    mash_reference=blank(v["mash_reference"]),
                )
            return lambda s: s.steps.step_down(
                episode_id,
                reason=v["reason"],
                fgc_considered=v["fgc_considered"],
                requested_on=blank(v["requested_on"]),
            )

        SimpleDialog(
            self.ctx,
            DIRECTIONS[direction],
            fields,
            save,
            values={"requested_on": dt.date.today()},
            save_text="Save",
            parent=self.window(),
        ).open()

    def decision(self) -> None:
        step = selected_row(self.steps_view, self.steps) or (
            self.steps.row(0) if self.steps.rowCount() else None
        )
        if step is None:
            self.message.set_text("There is no step up or down to record a decision for.", "warning")
            return
        step_id = step.id
        fields = [
            F(
                "choice",
                "decision",
                "What was decided",
                options=[("accepted", "Accepted"), ("declined", "Declined")],
            ),
            F("date", "decided_on", "Date"),
            F("text", "mash_reference", "Front door reference (optional)"),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.steps.record_decision(
                step_id,
                v["decision"] or "",
                decided_on=blank(v["decided_on"]),
                mash_reference=blank(v["mash_reference"]),
            )

        SimpleDialog(
            self.ctx,
            "Record the decision",
            fields,
            save,
            values={"decided_on": dt.date.today()},
            parent=self.window(),
        ).open()

    def sign_off_step(self) -> None:
        step = selected_row(self.steps_view, self.steps)
        if step is None:
            self.message.set_text("Choose the step to sign off in the list first.", "warning")
            return
        step_id = step.id
        self.change(lambda s: s.steps.sign_off(step_id), "Step signed off.")

    # -- closure -------------------------------------------------------------------------------------

    def close_episode(self) -> None:
        episode_id = self.episode_id
        if episode_id is None:
            return
        reasons = list(self.labels("closure_reason").items())
        fields = [
            F(
                "choice",
                "reason_code",
                "Why the episode is closing",
                options=reasons,
                empty="Select the reason",
            ),
            F("date", "closed_on", "Date of closing"),
            F(
                "long",
                "moving_on_note",
                "Moving on",
                hint="A short note for the family and whoever helps next",
                lines=3,
            ),
            F("date", "follow_up_on", "Follow-up check", hint="Leave blank for 6 months after closing"),
        ]
        score_fields, values = self._final_score_fields()
        fields += score_fields

        def save(v: dict[str, Any]) -> Any:
            scores: dict[str, dict[str, int]] = {}
            for name, value in v.items():
                if name.startswith("final_scores.") and value is not None:
                    _, who, area = name.split(".", 2)
                    scores.setdefault(who, {})[area] = int(value)
            return lambda s: s.closures.submit(
                episode_id,
                reason_code=v["reason_code"] or "",
                closed_on=blank(v["closed_on"]),
                moving_on_note=blank(v["moving_on_note"]),
                follow_up_on=blank(v["follow_up_on"]),
                final_scores=scores or None,
            )

        SimpleDialog(
            self.ctx,
            "Close this episode",
            fields,
            save,
            values={"closed_on": dt.date.today(), **values},
            save_text="Submit for sign-off",
            draft_key=f"closure:{episode_id}",
            parent=self.window(),
        ).open()

    def _final_score_fields(self) -> tuple[list[F], dict[str, Any]]:
        """Final scores for the areas the assessment scored, starting from the assessment's own scores."""
        current = self.record.current if self.record else None
        assessment = current.assessment if current else None
        if self.record is None or assessment is None:
            return [], {}
        names = self.labels("assessment_domain")
        order = {code: n for n, code in enumerate(names)}
        entries = sorted(
            self.record.domains.get(assessment.id, []), key=lambda e: order.get(e.domain_code, 99)
        )
        entries = [e for e in entries if not e.no_issues]
        if not entries:
            return [], {}
        fields = [
            F("heading", "", "Final scores"),
            F(
                "note",
                "",
                "Score each area as it is now, from 1 (really hard) to 5 (going well). The scores "
                "from the assessment are filled in to start from.",
            ),
        ]
        values: dict[str, Any] = {}
        for entry in entries:
            area = names.get(entry.domain_code, entry.domain_code)
            for who, whose, start in (
                ("worker", "your score", entry.score),
                ("family", "the family's score", entry.family_score),
            ):
                name = f"final_scores.{who}.{entry.domain_code}"
                fields.append(F("number", name, f"{area}: {whose}", low=1, high=5))
                values[name] = start
        return fields, values

    def _closure_id(self) -> str | None:
        current = self.record.current if self.record else None
        return current.closure.id if current and current.closure else None

    def sign_off_closure(self) -> None:
        closure_id = self._closure_id()
        if closure_id:
            self.change(
                lambda s: s.closures.sign_off(closure_id), "Closure signed off: the episode is closed."
            )

    def return_closure(self) -> None:
        closure_id = self._closure_id()
        if closure_id is None:
            return
        SimpleDialog(
            self.ctx,
            "Return the closure",
            [F("long", "reason", "What needs to change", lines=4)],
            lambda v: lambda s: s.closures.return_for_changes(closure_id, v["reason"]),
            save_text="Return closure",
            aliases={"return_reason": "reason"},
            parent=self.window(),
        ).open()

    def open_episode(self) -> None:
        if self.record is None:
            return
        family_id = self.family_id
        fields = [
            F("text", "request_source", "Who asked for help"),
            F("long", "request_reason", "Why help was asked for", lines=3),
            F("date", "opened_on", "Date"),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.episodes.open(family_id, **{k: blank(x) for k, x in v.items()})

        SimpleDialog(
            self.ctx,
            "Open a new episode of early help",
            fields,
            save,
            values={"opened_on": dt.date.today()},
            save_text="Open episode",
            parent=self.window(),
        ).open()
