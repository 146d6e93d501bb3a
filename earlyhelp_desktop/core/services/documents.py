"""Printing: the family plan (each issue kept as an immutable version) and the professional documents.

Every print or export is one transaction: the audit event (who, what, which family, which version, when,
which device), for a plan its ``IssuedPlan`` row, and the caller's ``deliver`` step (writing the file,
sending to the printer) all succeed together, or nothing is recorded. Printing for a partner agency
follows the family's sharing permission (``core.documents.policy``).

::

    docs = ws.services.documents
    plan = docs.issue_plan(family_id, channel="pdf", deliver=lambda d: save(d.pdf))
    summary = docs.print_document("assessment", family_id, for_agency="School")
    for item in docs.issue_plans(docs.reviews_due(monday, sunday)): ...
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.documents.content import Issue, PlanContent, digest, from_json, to_json
from earlyhelp_desktop.core.documents.context import Lookups, PlanParts, StaffCard
from earlyhelp_desktop.core.documents.plan import render_plan
from earlyhelp_desktop.core.documents.plan_content import build_plan_content
from earlyhelp_desktop.core.documents.policy import (
    INTERNAL,
    PLAN,
    PROFESSIONAL_KINDS,
    Disclosure,
    check_recipient,
    disclosure,
)
from earlyhelp_desktop.core.documents.professional import render_professional
from earlyhelp_desktop.core.documents.summaries import (
    TITLES,
    Printing,
    assessment_content,
    closure_content,
    review_content,
)
from earlyhelp_desktop.core.errors import CorruptStore, EarlyHelpError, InvalidInput, NotFound
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services.base import Service, now
from earlyhelp_desktop.core.services.record import EpisodeRecord, FamilyRecord
from earlyhelp_desktop.core.store.models import (
    CommunityAsset,
    Episode,
    Hub,
    IssuedPlan,
    OutcomeMeasure,
    Plan,
    PlanAction,
    PlanOutcome,
    RefItem,
    Review,
    Staff,
    TafMember,
)

Channel = Literal["print", "pdf"]
CHANNELS = ("print", "pdf")
FAMILY_SCALE = "family_scale"


@dataclass(frozen=True)
class PrintedDocument:
    """A document ready for the printer or a file. ``sha256`` is the issued snapshot's hash for a plan,
    the PDF's hash for other documents."""

    kind: str  # plan | assessment | review | closure
    family_id: str
    title: str
    file_stem: str  # a file name without personal details, e.g. "TN-4K7Q-M2XR family plan v3"
    pdf: bytes
    pages: int
    number: int | None = None
    issued_id: str | None = None
    sha256: str | None = None
    prepared_for: str = INTERNAL


Deliver = Callable[[PrintedDocument], None]


@dataclass(frozen=True)
class IssuedVersion:
    id: str
    number: int
    issued_at: dt.datetime
    issued_by: str
    channel: str
    large_print: bool
    sha256: str


@dataclass(frozen=True)
class BatchItem:
    """One family's turn in a batch: its document, or the reason it was not printed."""

    family_id: str
    index: int  # 1-based
    total: int
    document: PrintedDocument | None = None
    problem: str | None = None


@dataclass
class BatchResult:
    total: int
    done: list[PrintedDocument] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (family id, reason)
    cancelled: bool = False

    def summary(self) -> str:
        text = f"Printed {len(self.done)} of {self.total} plans."
        if self.cancelled:
            rest = self.total - len(self.done) - len(self.problems)
            text += f" Stopped when you pressed Cancel: {rest} were not printed or recorded."
        if self.problems:
            text += f" {len(self.problems)} could not be printed."
        return text


class DocumentService(Service):
    # -- the family plan -------------------------------------------------------------------------

    def preview_plan(self, family_id: str, *, large_print: bool = False) -> PrintedDocument:
        """The plan as it would print, marked as a preview: nothing is issued (the view is audited)."""
        record, parts = self._plan_record(family_id)
        lookups = self.lookups(record)
        issue = Issue(None, dt.date.today().isoformat(), self.ws.user.full_name, large_print)
        content = build_plan_content(
            record, parts, lookups, issue, self._disclosure(record, INTERNAL, lookups)
        )
        built = render_plan(content)
        with self.ws.write() as session:
            self.audit(
                session, "view", "plan", parts.plan.id, record.family.id, document="family_plan", preview=True
            )
        return self._plan_document(record, content, built.pdf, built.pages, None, None)

    def issue_plan(
        self,
        family_id: str,
        *,
        channel: Channel = "print",
        large_print: bool = False,
        for_agency: str | None = None,
        deliver: Deliver | None = None,
        lookups: Lookups | None = None,
    ) -> PrintedDocument:
        """Issues the plan to the family: a new numbered, immutable version with the exact snapshot printed,
        audited, and delivered (file or printer) in the same transaction."""
        _check_channel(channel)
        record, parts = self._plan_record(family_id)
        base = lookups or self.lookups(record)
        lookups = self._family_lookups(record, base) if lookups else base
        family = record.family
        agency = self._recipient(record, PLAN, for_agency, lookups)
        disclosed = self._disclosure(record, agency or INTERNAL, lookups)
        issued_at = now()
        with self.ws.write() as session:
            number = 1 + (
                session.scalar(select(func.max(IssuedPlan.number)).where(IssuedPlan.plan_id == parts.plan.id))
                or 0
            )
            issue = Issue(
                number, issued_at.astimezone().date().isoformat(), self.ws.user.full_name, large_print
            )
            content = build_plan_content(record, parts, lookups, issue, disclosed)
            built = render_plan(content)
            snapshot = to_json(content)
            sha = digest(snapshot)
            issued_id = new_id()
            session.add(
                IssuedPlan(
                    id=issued_id,
                    family_id=family.id,
                    plan_id=parts.plan.id,
                    number=number,
                    issued_at=issued_at,
                    issued_by=self.user_id,
                    snapshot=snapshot,
                    sha256=sha,
                    channel=channel,
                    large_print=large_print,
                )
            )
            self._audit_print(
                session,
                channel,
                "issued_plan",
                issued_id,
                family.id,
                document="family_plan",
                version=number,
                sha256=sha,
                large_print=large_print,
                pages=built.pages,
                for_agency=agency,
            )
            document = self._plan_document(record, content, built.pdf, built.pages, issued_id, sha)
            document = replace(document, prepared_for=agency or INTERNAL)
            if deliver is not None:
                deliver(document)  # a failure here rolls the issue back: no version without its copy
        return document

    def reprint(
        self, issued_id: str, *, channel: Channel = "print", deliver: Deliver | None = None
    ) -> PrintedDocument:
        """Prints an issued version again, exactly as it was (checked against its hash). Audited."""
        _check_channel(channel)
        with self.ws.read() as session:
            row = session.get(IssuedPlan, issued_id)
            if row is None or row.deleted:
                raise NotFound(f"No issued plan with id {issued_id} on this laptop.")
        if digest(row.snapshot) != row.sha256:
            raise CorruptStore(
                f"Version {row.number} of this plan does not match its fingerprint, so it was not reprinted. "
                "Ask your supervisor to check the store."
            )
        content = from_json(PlanContent, row.snapshot)
        built = render_plan(content)
        with self.ws.write() as session:
            self._audit_print(
                session,
                channel,
                "issued_plan",
                row.id,
                row.family_id,
                document="family_plan",
                version=row.number,
                sha256=row.sha256,
                reprint=True,
                pages=built.pages,
            )
            document = PrintedDocument(
                "plan",
                row.family_id,
                _plan_title(content),
                _plan_stem(content),
                built.pdf,
                built.pages,
                row.number,
                row.id,
                row.sha256,
            )
            if deliver is not None:
                deliver(document)
        return document

    def issued_versions(self, family_id: str) -> list[IssuedVersion]:
        """Every issued version of the family's plans, newest first."""
        ids = self.ws.services.families.family_ids_for_merge(family_id)
        with self.ws.read() as session:
            names = dict(session.execute(select(Staff.id, Staff.full_name)).all())
            rows = session.scalars(
                select(IssuedPlan)
                .where(IssuedPlan.family_id.in_(ids), IssuedPlan.deleted.is_(False))
                .order_by(IssuedPlan.issued_at.desc())
            ).all()
        return [
            IssuedVersion(
                r.id,
                r.number,
                r.issued_at,
                names.get(r.issued_by, "a colleague"),
                r.channel,
                r.large_print,
                r.sha256,
            )
            for r in rows
        ]

    # -- professional documents ------------------------------------------------------------------

    def preview(
        self,
        kind: str,
        family_id: str,
        *,
        for_agency: str | None = None,
        for_person_id: str | None = None,
        review_id: str | None = None,
    ) -> PrintedDocument:
        """A professional document on screen only (the view is audited; nothing leaves the store)."""
        document, table, row_id, _ = self._professional(kind, family_id, for_agency, for_person_id, review_id)
        with self.ws.write() as session:
            self.audit(session, "view", table, row_id, document.family_id, document=kind, preview=True)
        return document

    def print_document(
        self,
        kind: str,
        family_id: str,
        *,
        channel: Channel = "print",
        for_agency: str | None = None,
        for_person_id: str | None = None,
        review_id: str | None = None,
        deliver: Deliver | None = None,
    ) -> PrintedDocument:
        """An assessment summary, review record or closure summary, following the sharing permission of
        ``for_agency`` (refused with the reason when the family did not agree). Audited with the record's
        version; ``deliver`` runs inside the same transaction."""
        _check_channel(channel)
        document, table, row_id, version = self._professional(
            kind, family_id, for_agency, for_person_id, review_id
        )
        with self.ws.write() as session:
            self._audit_print(
                session,
                channel,
                table,
                row_id,
                document.family_id,
                document=kind,
                record_version=version,
                sha256=document.sha256,
                pages=document.pages,
                for_agency=None if document.prepared_for == INTERNAL else document.prepared_for,
                for_person=for_person_id,
            )
            if deliver is not None:
                deliver(document)
        return document

    # -- batches ---------------------------------------------------------------------------------

    def reviews_due(self, start: dt.date, end: dt.date) -> list[str]:
        """Open families whose next review falls from ``start`` to ``end`` (inclusive), soonest first."""
        if end < start:
            raise InvalidInput({"end": "The end date must be the same as or after the start date"})
        with self.ws.read() as session:
            episodes = dict(
                session.execute(
                    select(Episode.id, Episode.family_id).where(
                        Episode.status == "open", Episode.deleted.is_(False)
                    )
                ).all()
            )
            plan_dates: dict[str, dt.date | None] = {}
            for episode_id, review_on in session.execute(
                select(Plan.episode_id, Plan.review_on)
                .where(Plan.deleted.is_(False))
                .order_by(Plan.created_at)
            ):
                plan_dates[episode_id] = review_on
            review_dates = dict(
                session.execute(
                    select(Review.episode_id, func.max(Review.next_review_on))
                    .where(Review.deleted.is_(False), Review.next_review_on.is_not(None))
                    .group_by(Review.episode_id)
                ).all()
            )
        due = []
        for episode_id, family_id in episodes.items():
            when = review_dates.get(episode_id) or plan_dates.get(episode_id)
            if when is not None and start <= when <= end:
                due.append((when, family_id))
        return [family_id for _, family_id in sorted(due)]

    def issue_plans(
        self,
        family_ids: Sequence[str],
        *,
        channel: Channel = "print",
        large_print: bool = False,
        deliver: Deliver | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Iterator[BatchItem]:
        """Issues one plan per family, each in its own transaction, yielding after each one so a caller
        can show progress and stop between plans. A family without a plan is reported and skipped; a
        failure to deliver (a full disk, a printer error) is reported and stops the batch."""
        total = len(family_ids)
        shared = self.lookups(None)
        for index, family_id in enumerate(family_ids, start=1):
            if cancelled is not None and cancelled():
                return
            try:
                document = self.issue_plan(
                    family_id, channel=channel, large_print=large_print, deliver=deliver, lookups=shared
                )
            except EarlyHelpError as exc:
                yield BatchItem(family_id, index, total, problem=str(exc))
                continue
            except OSError as exc:
                yield BatchItem(
                    family_id, index, total, problem=f"Could not deliver the plan: {exc.strerror or exc}"
                )
                return
            yield BatchItem(family_id, index, total, document)

    def batch_plans(
        self,
        family_ids: Sequence[str],
        *,
        channel: Channel = "print",
        large_print: bool = False,
        deliver: Deliver | None = None,
        progress: Callable[[BatchItem], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> BatchResult:
        result = BatchResult(len(family_ids))
        for item in self.issue_plans(
            family_ids, channel=channel, large_print=large_print, deliver=deliver, cancelled=cancelled
        ):
            if item.document is not None:
                result.done.append(item.document)
            else:
                result.problems.append((item.family_id, item.problem or ""))
            if progress is not None:
                progress(item)
        result.cancelled = len(result.done) + len(result.problems) < result.total and bool(
            cancelled and cancelled()
        )
        return result

    # -- reading what documents need -------------------------------------------------------------

    def lookups(self, record: FamilyRecord | None) -> Lookups:
        """Labels, staff and (for a family) its directory entries and own scores."""
        with self.ws.read() as session:
            labels: dict[str, dict[str, str]] = {}
            groups: dict[str, str] = {}
            for item in session.scalars(
                select(RefItem)
                .where(RefItem.deleted.is_(False))
                .order_by(RefItem.list_name, RefItem.sort_order)
            ):
                labels.setdefault(item.list_name, {})[item.code] = item.label
                if item.list_name == "assessment_domain" and item.extra and item.extra.get("group"):
                    groups[item.code] = str(item.extra["group"])
            hubs = dict(session.execute(select(Hub.id, Hub.name)).all())
            staff = {
                s.id: StaffCard(s.full_name, s.job_title, s.phone, s.email, hubs.get(s.hub_id or ""))
                for s in session.scalars(select(Staff))
            }
        base = Lookups(labels=labels, staff=staff, assets={}, domain_groups=groups)
        return self._family_lookups(record, base) if record is not None else base

    def _family_lookups(self, record: FamilyRecord, base: Lookups) -> Lookups:
        asset_ids = {link.asset_id for link in record.links}
        family_ids = sorted({record.family.id, *(e.episode.family_id for e in record.episodes)})
        with self.ws.read() as session:
            assets = (
                {
                    a.id: a
                    for a in session.scalars(select(CommunityAsset).where(CommunityAsset.id.in_(asset_ids)))
                }
                if asset_ids
                else {}
            )
            since = record.current.episode.opened_on if record.current else None
            query = select(OutcomeMeasure).where(
                OutcomeMeasure.family_id.in_(family_ids),
                OutcomeMeasure.instrument_code == FAMILY_SCALE,
                OutcomeMeasure.deleted.is_(False),
            )
            if since is not None:
                query = query.where(OutcomeMeasure.taken_on >= since)
            scores = [
                (m.taken_on, m.scores) for m in session.scalars(query.order_by(OutcomeMeasure.taken_on))
            ]
        return replace(base, assets=assets, family_scores=scores)

    def _plan_record(self, family_id: str) -> tuple[FamilyRecord, PlanParts]:
        record = self.ws.services.record.open(family_id, audit=False)
        name = record.family.display_name
        current = record.current
        if current is None:
            raise NotFound(
                f"Early help for the {name} family is closed, so there is no current plan to print. "
                "An issued version can still be printed again."
            )
        if current.plan is None:
            raise NotFound(f"The {name} family has no plan yet. Write the plan with the family first.")
        parts = PlanParts(
            current.plan, record.outcomes, record.actions, record.taf, current.reviews, record.progress
        )
        return record, parts

    def _parts(self, record: FamilyRecord, episode: EpisodeRecord, plan_id: str | None) -> PlanParts | None:
        plan = episode.plan if plan_id is None or (episode.plan and episode.plan.id == plan_id) else None
        current = record.current
        if plan is None and plan_id is not None:
            with self.ws.read() as session:
                plan = session.get(Plan, plan_id)
        if plan is None or plan.deleted:
            return None
        if current is not None and current.plan is not None and current.plan.id == plan.id:
            return PlanParts(
                plan, record.outcomes, record.actions, record.taf, episode.reviews, record.progress
            )
        with self.ws.read() as session:
            outcomes = session.scalars(
                select(PlanOutcome)
                .where(PlanOutcome.plan_id == plan.id, PlanOutcome.deleted.is_(False))
                .order_by(PlanOutcome.sort_order)
            ).all()
            actions = session.scalars(
                select(PlanAction)
                .where(PlanAction.plan_id == plan.id, PlanAction.deleted.is_(False))
                .order_by(PlanAction.sort_order)
            ).all()
            taf = session.scalars(
                select(TafMember).where(TafMember.plan_id == plan.id, TafMember.deleted.is_(False))
            ).all()
        return PlanParts(plan, outcomes, actions, taf, episode.reviews, record.progress)

    def _recipient(self, record: FamilyRecord, kind: str, agency: str | None, lookups: Lookups) -> str | None:
        if agency is None or not agency.strip():
            return None
        labels = lookups.labels.get("agency", {})
        return check_recipient(
            record.sharing, " ".join(agency.split()), kind, labels, record.family.display_name
        )

    def _disclosure(
        self, record: FamilyRecord, prepared_for: str, lookups: Lookups, person_id: str | None = None
    ) -> Disclosure:
        person = None
        if person_id is not None:
            person = next((m.person for m in record.members if m.person.id == person_id), None)
            if person is None:
                raise NotFound(f"No one with id {person_id} is in the {record.family.display_name} family.")
        return disclosure(
            confidential_address=record.family.confidential_address,
            household=[m.person for m in record.members],
            sharing=record.sharing,
            labels=lookups.labels.get("agency", {}),
            prepared_for=prepared_for,
            for_person=person,
        )

    def _professional(
        self,
        kind: str,
        family_id: str,
        for_agency: str | None,
        for_person_id: str | None,
        review_id: str | None,
    ) -> tuple[PrintedDocument, str, str, str | None]:
        if kind not in PROFESSIONAL_KINDS:
            raise InvalidInput({"kind": f"Choose a document: {', '.join(PROFESSIONAL_KINDS)}"})
        record = self.ws.services.record.open(family_id, audit=False)
        lookups = self.lookups(record)
        agency = self._recipient(record, kind, for_agency, lookups)
        disclosed = self._disclosure(record, agency or INTERNAL, lookups, for_person_id)
        printing = Printing(dt.date.today(), self.ws.user.full_name, disclosed)
        name = record.family.display_name
        episodes = record.episodes  # newest first
        if kind == "assessment":
            found = next(((e, e.assessment) for e in episodes if e.assessment is not None), None)
            if found is None:
                raise NotFound(f"The {name} family has no assessment yet, so there is nothing to summarise.")
            _, assessment = found
            assert assessment is not None
            content = assessment_content(record, assessment, lookups, printing)
            table, row_id, version = "assessment", assessment.id, assessment.version
        elif kind == "review":
            pairs = [(e, r) for e in episodes for r in reversed(e.reviews)]
            if review_id is not None:
                pairs = [(e, r) for e, r in pairs if r.id == review_id]
            if not pairs:
                what = "no review with that id" if review_id else "had no review yet"
                raise NotFound(f"The {name} family has {what}, so there is no review record to print.")
            episode, review = pairs[0]
            parts = self._parts(record, episode, review.plan_id)
            if parts is None:
                raise NotFound(f"The plan reviewed on {review.held_on:%d %B %Y} is no longer on this laptop.")
            content = review_content(record, parts, review, lookups, printing)
            table, row_id, version = "review", review.id, review.version
        else:
            closed = next(((e, e.closure) for e in episodes if e.closure is not None), None)
            if closed is None:
                raise NotFound(
                    f"Early help for the {name} family has not been closed, so there is no closure summary."
                )
            episode, closure = closed
            assert closure is not None
            parts = self._parts(record, episode, None)
            content = closure_content(record, episode, closure, parts, lookups, printing)
            table, row_id, version = "closure", closure.id, closure.version
        built = render_professional(content)
        stem = f"{record.family.reference} {TITLES[kind].lower()}"
        document = PrintedDocument(
            kind,
            record.family.id,
            TITLES[kind],
            stem,
            built.pdf,
            built.pages,
            sha256=hashlib.sha256(built.pdf).hexdigest(),
            prepared_for=agency or INTERNAL,
        )
        return document, table, row_id, version

    # -- helpers ---------------------------------------------------------------------------------

    def _audit_print(
        self, session: Session, channel: str, table: str, row_id: str, family_id: str, **detail: object
    ) -> None:
        action = "print" if channel == "print" else "export"
        self.audit(session, action, table, row_id, family_id, channel=channel, **detail)

    def _plan_document(
        self,
        record: FamilyRecord,
        content: PlanContent,
        pdf: bytes,
        pages: int,
        issued_id: str | None,
        sha: str | None,
    ) -> PrintedDocument:
        return PrintedDocument(
            PLAN,
            record.family.id,
            _plan_title(content),
            _plan_stem(content),
            pdf,
            pages,
            content.issue.number,
            issued_id,
            sha,
        )


def _plan_title(content: PlanContent) -> str:
    number = content.issue.number
    return f"{content.title}, version {number}" if number else f"{content.title} (preview)"


def _plan_stem(content: PlanContent) -> str:
    number = content.issue.number
    return f"{content.reference} family plan" + (f" v{number}" if number else " preview")


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InvalidInput({"channel": "Choose print or pdf"})
