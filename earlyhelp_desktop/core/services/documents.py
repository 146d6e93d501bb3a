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
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.documents.content import Issue, PlanContent, digest, from_json, to_json
from earlyhelp_desktop.core.documents.context import Lookups
from earlyhelp_desktop.core.documents.plan import render_plan
from earlyhelp_desktop.core.documents.plan_content import build_plan_content
from earlyhelp_desktop.core.documents.policy import (
    INTERNAL,
    PLAN,
    PROFESSIONAL_KINDS,
    Disclosure,
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
from earlyhelp_desktop.core.errors import CorruptStore, EarlyHelpError, InvalidInput, NotFound, NotPermitted
from earlyhelp_desktop.core.ids import new_id
from earlyhelp_desktop.core.services.base import now
from earlyhelp_desktop.core.services.consent import SharingDecision, What
from earlyhelp_desktop.core.services.document_reads import (
    CHANNELS,
    BatchItem,
    BatchResult,
    Channel,
    Deliver,
    DocumentReads,
    IssuedVersion,
    PrintedDocument,
)
from earlyhelp_desktop.core.services.record import FamilyRecord
from earlyhelp_desktop.core.store.models import (
    IssuedPlan,
    Staff,
)

__all__ = [
    "CHANNELS",
    "BatchItem",
    "DeliveryFailed",
    "BatchResult",
    "Channel",
    "Deliver",
    "DocumentService",
    "IssuedVersion",
    "PrintedDocument",
]


class DocumentService(DocumentReads):
    # -- the family plan -------------------------------------------------------------------------

    def preview_plan(
        self, family_id: str, *, large_print: bool = False, for_agency: str | None = None
    ) -> PrintedDocument:
        """The plan as it would print (for an agency: as that agency would get it), marked as a preview:
        nothing is issued (the view is audited). An agency that may not have the plan is refused."""
        record, parts = self.plan_record(family_id)
        lookups = self.lookups(record)
        decision = self._recipient(record, PLAN, for_agency)
        agency = decision.agency if decision else None
        issue = Issue(None, dt.date.today().isoformat(), self.ws.user.full_name, large_print)
        content = build_plan_content(
            record, parts, lookups, issue, self._disclosure(record, agency or INTERNAL, lookups)
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
        record, parts = self.plan_record(family_id)
        base = lookups or self.lookups(record)
        lookups = self.family_lookups(record, base) if lookups else base
        family = record.family
        decision = self._recipient(record, PLAN, for_agency)
        agency = decision.agency if decision else None
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
                by_override=bool(decision and decision.by_override),
            )
            document = self._plan_document(record, content, built.pdf, built.pages, issued_id, sha)
            document = replace(
                document, prepared_for=agency or INTERNAL, by_override=bool(decision and decision.by_override)
            )
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
        if not isinstance(row.snapshot, dict) or "issue" not in row.snapshot:
            raise NotFound(
                f"Version {row.number} of this plan was recorded without the words that were printed, "
                "so it cannot be printed again. Print the current plan instead."
            )
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
                by_override=document.by_override,
            )
            if deliver is not None:
                deliver(document)
        return document

    # -- batches ---------------------------------------------------------------------------------

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
        guarded = _stop_on_failure(deliver) if deliver is not None else None
        for index, family_id in enumerate(family_ids, start=1):
            if cancelled is not None and cancelled():
                return
            try:
                document = self.issue_plan(
                    family_id, channel=channel, large_print=large_print, deliver=guarded, lookups=shared
                )
            except DeliveryFailed as exc:
                yield BatchItem(family_id, index, total, problem=str(exc))
                return
            except EarlyHelpError as exc:
                yield BatchItem(family_id, index, total, problem=str(exc))
                continue
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

    def _recipient(self, record: FamilyRecord, kind: str, agency: str | None) -> SharingDecision | None:
        """The family's decision for ``agency`` (as the consent service makes it: must-not-see, a
        safeguarding override, agreement withdrawn); refused with its reason when it is not allowed."""
        if agency is None or not agency.strip():
            return None
        what: What = "plan" if kind == PLAN else "everything"
        decision = self.ws.services.consent.may_see(record.family.id, " ".join(agency.split()), what)
        if not decision.allowed:
            instead = " Print the family plan for them instead." if decision.access == "plan" else ""
            raise NotPermitted(f"{decision.reason} Nothing was printed.{instead}")
        return decision

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
        decision = self._recipient(record, kind, for_agency)
        agency = decision.agency if decision else None
        disclosed = self._disclosure(record, agency or INTERNAL, lookups, for_person_id)
        copies = tuple(d.agency for d in self.ws.services.consent.recipients(record.family.id, "everything"))
        printing = Printing(dt.date.today(), self.ws.user.full_name, disclosed, copies)
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
            parts = self.plan_parts(record, episode, review.plan_id)
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
            parts = self.plan_parts(record, episode, None)
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
            by_override=bool(decision and decision.by_override),
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


class DeliveryFailed(EarlyHelpError):
    """The printer or the disk could not take a document: nothing was recorded for it."""


def _stop_on_failure(deliver: Deliver) -> Deliver:
    def guarded(document: PrintedDocument) -> None:
        try:
            deliver(document)
        except OSError as exc:
            raise DeliveryFailed(f"Could not deliver the plan: {exc.strerror or exc}") from exc
        except EarlyHelpError as exc:
            raise DeliveryFailed(f"Could not deliver the plan: {exc}") from exc

    return guarded


def _plan_title(content: PlanContent) -> str:
    number = content.issue.number
    return f"{content.title}, version {number}" if number else f"{content.title} (preview)"


def _plan_stem(content: PlanContent) -> str:
    number = content.issue.number
    return f"{content.reference} family plan" + (f" v{number}" if number else " preview")


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise InvalidInput({"channel": "Choose print or pdf"})
