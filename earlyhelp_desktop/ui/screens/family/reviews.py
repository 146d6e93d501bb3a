"""Reviews: each meeting with progress per outcome (better, the same, worse), the worker's and the
family's scores side by side, the decision and the next review."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.core.services.reviews import DECISIONS, NEXT_STEP, PROGRESS, ProgressInput
from earlyhelp_desktop.core.store.models import Review, ReviewProgress
from earlyhelp_desktop.ui.context import UiContext
from earlyhelp_desktop.ui.dialogs.simple import F, SimpleDialog, blank
from earlyhelp_desktop.ui.models.record_lists import day, first_line
from earlyhelp_desktop.ui.models.table import Column, RowTableModel
from earlyhelp_desktop.ui.screens.family.base import RecordTab, selected_row, table
from earlyhelp_desktop.ui.widgets.common import button, heading, hint, scaled

if TYPE_CHECKING:
    from earlyhelp_desktop.ui.screens.family.record import FamilyScreen


def _score(value: int | None) -> str:
    return "" if value is None else f"{value} out of 10"


class ReviewList(RowTableModel[Review]):
    COLUMNS = (
        Column[Review]("Held on", lambda r: day(r.held_on)),
        Column[Review]("Who came", lambda r: ", ".join(r.attendees or [])),
        Column[Review]("Decision", lambda r: DECISIONS.get(r.decision, r.decision)),
        Column[Review]("Next review", lambda r: day(r.next_review_on)),
        Column[Review]("Notes", lambda r: first_line(r.notes), lambda r: r.notes or ""),
    )


class ProgressModel(RowTableModel[ReviewProgress]):
    """Progress on each outcome at one review: the worker's and the family's scores side by side."""

    def __init__(self) -> None:
        super().__init__(
            columns=(
                Column[ReviewProgress](
                    "Outcome", lambda p: self.outcomes.get(p.outcome_id, "An outcome since removed")
                ),
                Column[ReviewProgress]("Progress", lambda p: PROGRESS.get(p.progress, p.progress)),
                Column[ReviewProgress]("Worker's score", lambda p: _score(p.worker_score)),
                Column[ReviewProgress]("Family's score", lambda p: _score(p.family_score)),
                Column[ReviewProgress]("Note", lambda p: first_line(p.note)),
            )
        )
        self.outcomes: dict[str, str] = {}


class ReviewsTab(RecordTab):
    def __init__(self, ctx: UiContext, screen: FamilyScreen) -> None:
        super().__init__(ctx, screen)
        self.body.addWidget(heading("Reviews"))
        self.body.addWidget(
            hint(
                "Meet every 6 to 12 weeks: how each outcome is going, in the family's view and "
                "yours, and what happens next."
            )
        )
        self.add_button = button("Record a review", name="recordReview")
        self.add_button.clicked.connect(self.record_review)
        self.buttons(self.add_button)
        self.reviews = ReviewList()
        self.reviews_view = table(self.reviews, "reviewsTable", "Reviews", 150)
        self.reviews_view.clicked.connect(lambda _i: self._show_progress())
        self.body.addWidget(self.reviews_view)
        self.body.addWidget(heading("Progress at the chosen review"))
        self.progress = ProgressModel()
        self.progress_view = table(self.progress, "progressTable", "Progress at the chosen review", 150)
        self.progress_view.setColumnWidth(0, scaled(360))
        self.body.addWidget(self.progress_view)
        self.body.addStretch(1)

    def show_record(self, record: FamilyRecord) -> None:
        super().show_record(record)
        current = record.current
        self.add_button.setEnabled(current is not None and current.plan is not None)
        self.add_button.setToolTip("" if current is None or current.plan else "Write the plan first")
        reviews = list(reversed(current.reviews)) if current else []
        self.reviews.set_rows(reviews)
        self.progress.outcomes = {o.id: o.text for o in record.outcomes}
        if reviews:
            self.reviews_view.selectRow(0)
        self._show_progress()

    def _show_progress(self) -> None:
        review = selected_row(self.reviews_view, self.reviews)
        rows = self.record.progress.get(review.id, []) if review is not None and self.record else []
        self.progress.set_rows(rows)

    def record_review(self) -> None:
        current = self.record.current if self.record else None
        if current is None or self.record is None:
            return
        episode_id = current.episode.id
        outcomes = [o for o in self.record.outcomes if o.status == "open"]
        fields = [
            F("date", "held_on", "Date of the review"),
            F(
                "text",
                "attendees",
                "Who came",
                hint="Names separated by commas, for example Mum, Jack, Ms Patel",
            ),
        ]
        for n, outcome in enumerate(outcomes):
            fields += [
                F("heading", f"h{n}", first_line(outcome.text, 90)),
                F(
                    "choice",
                    f"progress_{n}",
                    "How is it going?",
                    options=list(PROGRESS.items()),
                    empty="Select better, the same or worse",
                ),
                F("number", f"worker_{n}", "Your score (0 to 10)", low=0, high=10),
                F("number", f"family_{n}", "The family's score (0 to 10)", low=0, high=10),
            ]
        fields += [
            F("heading", "h_decision", "What happens next"),
            F("choice", "decision", "Decision", options=list(DECISIONS.items()), empty="Select the decision"),
            F("date", "next_review_on", "Next review", hint="Needed when the plan carries on"),
            F("long", "notes", "Notes (optional)", lines=3),
            F("long", "family_comments", "What the family said (optional)", lines=3),
        ]

        def save(v: dict[str, Any]) -> Any:
            progress = [
                ProgressInput(o.id, v[f"progress_{n}"] or "", v[f"worker_{n}"], v[f"family_{n}"])
                for n, o in enumerate(outcomes)
            ]
            people = [p.strip() for p in (v["attendees"] or "").split(",") if p.strip()]
            return lambda s: s.reviews.record(
                episode_id,
                held_on=blank(v["held_on"]),
                attendees=people,
                progress=progress,
                decision=v["decision"] or "",
                next_review_on=blank(v["next_review_on"]),
                notes=blank(v["notes"]),
                family_comments=blank(v["family_comments"]),
            )

        dialog = SimpleDialog(
            self.ctx,
            "Record a review",
            fields,
            save,
            save_text="Save review",
            values={"held_on": dt.date.today()},
            draft_key=f"review:new:{episode_id}",
            aliases={f"progress.{n}": f"progress_{n}" for n in range(len(outcomes))},
            parent=self.window(),
        )
        dialog.accepted.connect(lambda: self._next_step(dialog.form.value("decision")))
        dialog.open()

    def _next_step(self, decision: str | None) -> None:
        if decision in NEXT_STEP:
            self.message.set_text(f"Review saved. {NEXT_STEP[decision]}", "success")
        else:
            self.message.set_text("Review saved.", "success")
