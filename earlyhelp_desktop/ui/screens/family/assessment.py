"""The Early Help Assessment editor: why, the significant-harm question (yes shows the front door's
steps and records the call), the family's view, worries and strengths, worry scales, each area of the
assessment triangle scored, each child's voice, the level of need; then "check your answers" and
submit for sign-off. Supervisors sign off or return it with a reason."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from earlyhelp_desktop.core.errors import InvalidInput
from earlyhelp_desktop.core.services.assessments import AssessmentView, DomainLine, VoiceLine
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import day, first_line
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.tasks import describe
from earlyhelp_desktop.ui.widgets.common import Banner, button, hbox, heading, hint, label, scaled, vbox
from earlyhelp_desktop.ui.widgets.form import Form

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen

SECTIONS = [
    ("reason", "Why this assessment", "What led to the request for help"),
    ("family_view", "The family's view", "In their words"),
    ("worried_about", "What are we worried about?", None),
    ("working_well", "What is working well?", None),
    ("needs_to_happen", "What needs to happen?", None),
    ("analysis", "Your analysis", "What the information means for the children"),
]
SCALES = [
    ("child", "The child's worry scale"),
    ("parent", "The parent's worry scale"),
    ("worker", "Your worry scale"),
]
ALIASES = {
    "worry_scales.child": "worry_child",
    "worry_scales.parent": "worry_parent",
    "worry_scales.worker": "worry_worker",
    "worry_scales": "worry_worker",
}


def _score(entry: Any) -> str:
    if entry is None:
        return "Not scored"
    return "No issues" if entry.no_issues else (str(entry.score) if entry.score else "Not scored")


class DomainsModel(RowTableModel[DomainLine]):
    COLUMNS = (
        Column[DomainLine]("Area", lambda d: d.label),
        Column[DomainLine]("Part of", lambda d: d.group_label or ""),
        Column[DomainLine]("Score", lambda d: _score(d.entry)),
        Column[DomainLine](
            "Family's score", lambda d: str(d.entry.family_score) if d.entry and d.entry.family_score else ""
        ),
        Column[DomainLine]("Strengths", lambda d: first_line(d.entry.strengths if d.entry else None, 60)),
        Column[DomainLine]("Needs", lambda d: first_line(d.entry.needs if d.entry else None, 60)),
    )


class VoicesModel(RowTableModel[VoiceLine]):
    COLUMNS = (
        Column[VoiceLine]("Child", lambda v: v.full_name),
        Column[VoiceLine](
            "What they want to happen", lambda v: first_line(v.voice.wants if v.voice else None)
        ),
        Column[VoiceLine]("Day to day", lambda v: first_line(v.voice.day_to_day if v.voice else None)),
        Column[VoiceLine](
            "Their view of the help", lambda v: first_line(v.voice.view_of_help if v.voice else None)
        ),
    )


class AssessmentTab(RecordTab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.view_: AssessmentView | None = None
        self.status = label("", "heading", name="assessmentStatus")
        self.body.addWidget(self.status)
        self.returned = Banner("warning")
        self.body.addWidget(self.returned)
        self.start_button = button("Start an assessment", name="startAssessment")
        self.start_button.clicked.connect(self.start)
        self.sign_off_button = button("Sign off", name="signOffAssessment")
        self.return_button = button("Return for changes", "secondary", name="returnAssessment")
        self.sign_off_button.clicked.connect(self.sign_off)
        self.return_button.clicked.connect(self.return_for_changes)
        self.buttons(self.start_button, self.sign_off_button, self.return_button)

        self.editor = QWidget()
        editor = vbox(self.editor, spacing=10)
        self.body.addWidget(self.editor)
        editor.addWidget(heading("Is any child experiencing, or at risk of, significant harm?"))
        self.harm = label("", name="harmAnswer")
        editor.addWidget(self.harm)
        row = QWidget()
        self.harm_yes = button("Yes", "warning", name="harmYes")
        self.harm_no = button("No", "secondary", name="harmNo")
        self.harm_yes.clicked.connect(lambda: self.answer_harm(True))
        self.harm_no.clicked.connect(lambda: self.answer_harm(False))
        harm_row = hbox(row)
        harm_row.addWidget(self.harm_yes)
        harm_row.addWidget(self.harm_no)
        harm_row.addStretch(1)
        editor.addWidget(row)
        self.front_door = Banner("warning")
        self.front_door.setObjectName("frontDoor")
        self.front_door_button = button("Record your call to the front door", name="recordFrontDoor")
        self.front_door_button.clicked.connect(self.record_front_door)
        self.front_door.buttons.addWidget(self.front_door_button)
        editor.addWidget(self.front_door)

        holder = QWidget()
        self.form = Form(holder, vbox(holder, spacing=10))
        self.form.date("started_on", "Date started")
        for name, caption, help_text in SECTIONS:
            self.form.long_text(name, caption, hint=help_text, lines=3)
        self.form.layout.addWidget(heading("Worry scales"))
        self.form.layout.addWidget(hint("0 means very worried, 10 means not worried at all."))
        for who, caption in SCALES:
            self.form.number(f"worry_{who}", caption, 0, 10, none_text="Not asked")
        self.form.choice("level_of_need", "Level of need", [], empty="Select the level of need")
        editor.addWidget(holder)
        self.save_button = button("Save assessment", name="saveAssessment")
        self.save_button.setToolTip("Save assessment (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        QShortcut(
            QKeySequence.StandardKey.Save,
            self.editor,
            self.save,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        editor.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)

        editor.addWidget(heading("Areas of the assessment triangle"))
        editor.addWidget(hint("Score each area from 1 (serious concern) to 5 (going well), or 'no issues'."))
        self.domains = DomainsModel()
        self.domains_view = table(self.domains, "domainsTable", "Areas of the assessment", 300)
        self.domains_view.setColumnWidth(0, scaled(240))
        self.domains_view.activated.connect(lambda i: self.score(self.domains.row(i.row())))
        editor.addWidget(self.domains_view)
        self.score_button = button("Score this area", "secondary", name="scoreArea")
        self.score_button.clicked.connect(lambda: self.score(selected_row(self.domains_view, self.domains)))
        editor.addWidget(self.score_button, 0, Qt.AlignmentFlag.AlignLeft)
        editor.addWidget(heading("The voice of each child"))
        self.voices = VoicesModel()
        self.voices_view = table(self.voices, "voicesTable", "The voice of each child", 110)
        self.voices_view.activated.connect(lambda i: self.voice(self.voices.row(i.row())))
        editor.addWidget(self.voices_view)
        self.voice_button = button("Record this child's voice", "secondary", name="recordVoice")
        self.voice_button.clicked.connect(lambda: self.voice(selected_row(self.voices_view, self.voices)))
        editor.addWidget(self.voice_button, 0, Qt.AlignmentFlag.AlignLeft)

        editor.addWidget(heading("Check your answers"))
        self.check = Banner("notice")
        self.check.setObjectName("checkAnswers")
        editor.addWidget(self.check)
        self.submit_button = button("Check and submit for sign-off", name="submitAssessment")
        self.submit_button.clicked.connect(self.check_and_submit)
        editor.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)
        ctx.register_form(self)

    # -- showing -------------------------------------------------------------------------------------

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        current = record.current
        assessment = current.assessment if current else None
        self.start_button.setVisible(
            current is not None and (assessment is None or assessment.status == "signed_off")
        )
        self.start_button.setText("Start an assessment" if assessment is None else "Start a new assessment")
        if assessment is None:
            self.view_ = None
            self.status.setText(
                "No assessment yet in this episode." if current else "There is no open episode of early help."
            )
            for widget in (self.editor, self.sign_off_button, self.return_button):
                widget.setVisible(False)
            self.returned.set_text("")
            return
        assessment_id = assessment.id
        self.ctx.call(lambda s: s.assessments.view(assessment_id), self._viewed, owner=self)

    def _viewed(self, view: AssessmentView) -> None:
        first = self.view_ is None or self.view_.assessment.id != view.assessment.id
        self.view_ = view
        a = view.assessment
        self.status.setText(f"Early Help Assessment · {view.status_label} · started {day(a.started_on)}")
        self.returned.set_text(
            f"Returned for changes: {a.return_reason}" if a.status == "returned" and a.return_reason else ""
        )
        submitted = a.status == "submitted"
        self.sign_off_button.setVisible(submitted and self.ctx.is_supervisor)
        self.return_button.setVisible(submitted and self.ctx.is_supervisor)
        self.editor.setVisible(True)
        levels = [(c, f"{c} {text}") for c, text in self.labels("level_of_need").items()]
        Form.set_options(self.form.fields["level_of_need"].input, levels, "Select the level of need")  # type: ignore[arg-type]
        values: dict[str, Any] = {name: getattr(a, name) for name, _c, _h in SECTIONS}
        values["started_on"] = a.started_on
        scales = a.worry_scales or {}
        values.update({f"worry_{who}": scales.get(who) for who, _ in SCALES})
        values["level_of_need"] = str(a.level_of_need) if a.level_of_need else None
        if first or not self.form.dirty:
            self.form.set_values(values)
            if first:
                self._restore_draft(a.id)
        if a.significant_harm is None:
            self.harm.setText("Not answered yet.")
        else:
            self.harm.setText(
                "Yes: a child may be at risk of significant harm." if a.significant_harm else "No."
            )
        self._show_front_door(a)
        self.domains.set_rows(view.domains)
        self.voices.set_rows(view.voices)
        for widget in (
            self.harm_yes,
            self.harm_no,
            self.save_button,
            self.score_button,
            self.voice_button,
            self.submit_button,
            self.check,
        ):
            widget.setVisible(view.editable)  # a submitted or signed-off assessment is read, not edited
        for field in self.form.fields.values():
            field.input.setEnabled(view.editable)
        self.check.set_text("")

    def _show_front_door(self, a: Any) -> None:
        if not a.significant_harm:
            self.front_door.set_text("")
            return
        if a.front_door_contacted_at:
            self.front_door.set_text(
                f"You contacted the front door on {day(a.front_door_contacted_at)}: "
                f"{first_line(a.front_door_note, 200)}",
                "notice",
            )
            self.front_door_button.hide()
            return
        self.front_door_button.setVisible(bool(self.view_ and self.view_.editable))
        self.ctx.call(lambda s: s.assessments.front_door(), self._front_door_steps, owner=self)

    def _front_door_steps(self, door: Any) -> None:
        steps = " ".join(f"{n}. {step}" for n, step in enumerate(door.steps, start=1))
        numbers = f"Phone {door.phone}" + (
            f" (out of hours {door.out_of_hours})" if door.out_of_hours else ""
        )
        self.front_door.set_text(f"Contact {door.name} today. {numbers}. {steps}", "warning")

    # -- drafts --------------------------------------------------------------------------------------

    def draft_key(self) -> str | None:
        return f"assessment:{self.view_.assessment.id}" if self.view_ is not None else None

    def draft_payload(self) -> dict[str, Any] | None:
        return self.form.values() if self.view_ is not None and self.form.dirty else None

    def close_for_lock(self) -> None:
        self.form.mark_clean()

    def _restore_draft(self, assessment_id: str) -> None:
        key = f"assessment:{assessment_id}"

        def found(info: Any) -> None:
            if info is not None and self.view_ is not None and self.view_.editable:
                self.form.set_values(info.payload, clean=False)
                self.message.set_text("We kept the changes you had not saved. Check them, then save.")

        self.ctx.with_ws(lambda ws: self.ctx.drafts.load(ws, key), found, lambda _e: None, owner=self)

    # -- changing ------------------------------------------------------------------------------------

    def start(self) -> None:
        current = self.record.current if self.record else None
        if current is None:
            return
        episode_id = current.episode.id
        fields = [
            F("long", "reason", "Why this assessment", hint="What led to the request for help", lines=4),
            F("date", "started_on", "Date started"),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.assessments.start(
                episode_id, reason=blank(v["reason"]), started_on=blank(v["started_on"])
            )

        SimpleDialog(
            self.ctx,
            "Start an Early Help Assessment",
            fields,
            save,
            values={"started_on": dt.date.today()},
            save_text="Start assessment",
            parent=self.window(),
        ).open()

    def _sections(self) -> dict[str, Any]:
        v = self.form.values()
        sections: dict[str, Any] = {name: blank(v[name]) for name, _c, _h in SECTIONS}
        sections["started_on"] = v["started_on"]
        scales = {who: v[f"worry_{who}"] for who, _ in SCALES if v[f"worry_{who}"] is not None}
        sections["worry_scales"] = scales or None
        sections["level_of_need"] = v["level_of_need"]
        return sections

    def save(self) -> None:
        if self.view_ is None or not self.view_.editable:
            return
        assessment_id = self.view_.assessment.id
        sections = self._sections()
        self.form.clear_errors()

        def done(_c: Any) -> None:
            self.form.mark_clean()
            self.ctx.with_ws(lambda ws: self.ctx.drafts.discard(ws, f"assessment:{assessment_id}"))
            self.message.set_text("Assessment saved.", "success")

        def failed(error: BaseException) -> None:
            if isinstance(error, InvalidInput):
                self.form.show_errors(error.errors, aliases=ALIASES)
            else:
                self.message.set_text(describe(error), "warning")

        self.ctx.mutate(lambda s: s.assessments.update(assessment_id, **sections), done, failed, owner=self)

    def answer_harm(self, yes: bool) -> None:
        if self.view_ is None:
            return
        assessment_id = self.view_.assessment.id
        self.change(lambda s: s.assessments.answer_significant_harm(assessment_id, yes).changes)

    def record_front_door(self) -> None:
        if self.view_ is None:
            return
        assessment_id = self.view_.assessment.id
        fields = [
            F("long", "note", "Who you spoke to and what they advised", lines=5),
            F("text", "at", "When (optional)", hint="Leave blank for now, or for example 27 3 2026 14:30"),
        ]

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.assessments.record_front_door_contact(
                assessment_id, v["note"], at=blank(v["at"])
            )

        SimpleDialog(
            self.ctx,
            "Your call to the front door",
            fields,
            save,
            save_text="Save",
            aliases={"front_door_note": "note", "front_door_contacted_at": "at"},
            parent=self.window(),
        ).open()

    def score(self, line: DomainLine | None) -> None:
        if self.view_ is None or line is None or not self.view_.editable:
            return
        assessment_id, code = self.view_.assessment.id, line.code
        fields = [
            F("long", "strengths", "Strengths", lines=3),
            F("long", "needs", "Needs", lines=3),
            F("number", "score", "Score", low=1, high=5, hint="1 serious concern, 5 going well"),
            F("check", "no_issues", "No issues in this area"),
            F("number", "family_score", "The family's own score", low=1, high=5),
        ]
        e = line.entry
        values = (
            {
                "strengths": e.strengths,
                "needs": e.needs,
                "score": e.score,
                "no_issues": e.no_issues,
                "family_score": e.family_score,
            }
            if e
            else None
        )

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.assessments.set_domain(
                assessment_id,
                code,
                strengths=blank(v["strengths"]),
                needs=blank(v["needs"]),
                score=v["score"],
                no_issues=bool(v["no_issues"]),
                family_score=v["family_score"],
            )

        SimpleDialog(
            self.ctx,
            line.label,
            fields,
            save,
            values=values,
            draft_key=f"domain:{assessment_id}:{code}",
            parent=self.window(),
        ).open()

    def voice(self, line: VoiceLine | None) -> None:
        if self.view_ is None or line is None or not self.view_.editable:
            return
        assessment_id, person_id = self.view_.assessment.id, line.person_id
        fields = [
            F("long", "wants", "What they want to happen", lines=3),
            F("long", "day_to_day", "Their day-to-day life", lines=3),
            F("long", "view_of_help", "What they think of the help so far", lines=3),
        ]
        v0 = line.voice
        values = (
            {"wants": v0.wants, "day_to_day": v0.day_to_day, "view_of_help": v0.view_of_help} if v0 else None
        )

        def save(v: dict[str, Any]) -> Any:
            return lambda s: s.assessments.set_child_voice(
                assessment_id, person_id, **{k: blank(x) for k, x in v.items()}
            )

        SimpleDialog(
            self.ctx,
            f"The voice of {line.full_name}",
            fields,
            save,
            values=values,
            draft_key=f"voice:{assessment_id}:{person_id}",
            parent=self.window(),
        ).open()

    def check_and_submit(self) -> None:
        if self.view_ is None:
            return
        if self.form.dirty:
            self.check.set_text("Save the assessment first: you have changes that are not saved.", "warning")
            return
        assessment_id = self.view_.assessment.id

        def checked(missing: dict[str, str]) -> None:
            if missing:
                self.check.set_text("Before you submit: " + "; ".join(missing.values()) + ".", "warning")
                return
            self.check.set_text("Everything is answered.", "success")
            self.ask(
                "Submit this assessment for sign-off? It cannot be changed while it waits.",
                lambda: self.change(
                    lambda s: s.assessments.submit(assessment_id),
                    "Submitted for sign-off. Your supervisor will see it in Supervision.",
                ),
            )

        self.ctx.call(lambda s: s.assessments.check(assessment_id), checked, owner=self)

    def sign_off(self) -> None:
        if self.view_ is not None:
            assessment_id = self.view_.assessment.id
            self.change(lambda s: s.assessments.sign_off(assessment_id), "Assessment signed off.")

    def return_for_changes(self) -> None:
        if self.view_ is None:
            return
        assessment_id = self.view_.assessment.id
        fields = [F("long", "reason", "What needs to change", lines=4)]
        SimpleDialog(
            self.ctx,
            "Return for changes",
            fields,
            lambda v: lambda s: s.assessments.return_for_changes(assessment_id, v["reason"]),
            save_text="Return assessment",
            aliases={"return_reason": "reason"},
            parent=self.window(),
        ).open()
