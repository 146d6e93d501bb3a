"""Qt-free use cases. Screens and the CLI call these, never the ORM directly.

``Services`` hangs every service off one workspace: ``ws.services.families.search("zoe")``.
Services are created on first use, so importing this package stays cheap.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earlyhelp_desktop.core.services.assessments import AssessmentService
    from earlyhelp_desktop.core.services.audit import AuditService
    from earlyhelp_desktop.core.services.caseload import CaseloadService
    from earlyhelp_desktop.core.services.closures import ClosureService
    from earlyhelp_desktop.core.services.conflicts import ConflictService
    from earlyhelp_desktop.core.services.consent import ConsentService
    from earlyhelp_desktop.core.services.contacts import ContactService
    from earlyhelp_desktop.core.services.directory import DirectoryService
    from earlyhelp_desktop.core.services.documents import DocumentService
    from earlyhelp_desktop.core.services.drafts import DraftService
    from earlyhelp_desktop.core.services.episodes import EpisodeService
    from earlyhelp_desktop.core.services.families import FamilyService
    from earlyhelp_desktop.core.services.links import LinkService
    from earlyhelp_desktop.core.services.outcomes import OutcomeService
    from earlyhelp_desktop.core.services.people import PeopleService
    from earlyhelp_desktop.core.services.plans import PlanService
    from earlyhelp_desktop.core.services.professionals import ProfessionalService
    from earlyhelp_desktop.core.services.record import RecordService
    from earlyhelp_desktop.core.services.redaction import RedactionService
    from earlyhelp_desktop.core.services.reference import ReferenceService
    from earlyhelp_desktop.core.services.reviews import ReviewService
    from earlyhelp_desktop.core.services.steps import StepService
    from earlyhelp_desktop.core.services.users import UserService
    from earlyhelp_desktop.core.store.store import Workspace


class Services:
    """Every use case of one unlocked workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    @cached_property
    def redaction(self) -> RedactionService:
        from earlyhelp_desktop.core.services.redaction import RedactionService

        return RedactionService(self._ws)

    @cached_property
    def conflicts(self) -> ConflictService:
        from earlyhelp_desktop.core.services.conflicts import ConflictService

        return ConflictService(self._ws)

    @cached_property
    def documents(self) -> DocumentService:
        from earlyhelp_desktop.core.services.documents import DocumentService

        return DocumentService(self._ws)

    @cached_property
    def families(self) -> FamilyService:
        from earlyhelp_desktop.core.services.families import FamilyService

        return FamilyService(self._ws)

    @cached_property
    def people(self) -> PeopleService:
        from earlyhelp_desktop.core.services.people import PeopleService

        return PeopleService(self._ws)

    @cached_property
    def record(self) -> RecordService:
        from earlyhelp_desktop.core.services.record import RecordService

        return RecordService(self._ws)

    @cached_property
    def users(self) -> UserService:
        from earlyhelp_desktop.core.services.users import UserService

        return UserService(self._ws)

    @cached_property
    def consent(self) -> ConsentService:
        from earlyhelp_desktop.core.services.consent import ConsentService

        return ConsentService(self._ws)

    @cached_property
    def drafts(self) -> DraftService:
        from earlyhelp_desktop.core.services.drafts import DraftService

        return DraftService(self._ws)

    @cached_property
    def episodes(self) -> EpisodeService:
        from earlyhelp_desktop.core.services.episodes import EpisodeService

        return EpisodeService(self._ws)

    @cached_property
    def reference(self) -> ReferenceService:
        from earlyhelp_desktop.core.services.reference import ReferenceService

        return ReferenceService(self._ws)

    @cached_property
    def professionals(self) -> ProfessionalService:
        from earlyhelp_desktop.core.services.professionals import ProfessionalService

        return ProfessionalService(self._ws)

    @cached_property
    def assessments(self) -> AssessmentService:
        from earlyhelp_desktop.core.services.assessments import AssessmentService

        return AssessmentService(self._ws)

    @cached_property
    def plans(self) -> PlanService:
        from earlyhelp_desktop.core.services.plans import PlanService

        return PlanService(self._ws)

    @cached_property
    def reviews(self) -> ReviewService:
        from earlyhelp_desktop.core.services.reviews import ReviewService

        return ReviewService(self._ws)

    @cached_property
    def steps(self) -> StepService:
        from earlyhelp_desktop.core.services.steps import StepService

        return StepService(self._ws)

    @cached_property
    def closures(self) -> ClosureService:
        from earlyhelp_desktop.core.services.closures import ClosureService

        return ClosureService(self._ws)

    @cached_property
    def contacts(self) -> ContactService:
        from earlyhelp_desktop.core.services.contacts import ContactService

        return ContactService(self._ws)

    @cached_property
    def directory(self) -> DirectoryService:
        from earlyhelp_desktop.core.services.directory import DirectoryService

        return DirectoryService(self._ws)

    @cached_property
    def outcomes(self) -> OutcomeService:
        from earlyhelp_desktop.core.services.outcomes import OutcomeService

        return OutcomeService(self._ws)

    @cached_property
    def links(self) -> LinkService:
        from earlyhelp_desktop.core.services.links import LinkService

        return LinkService(self._ws)

    @cached_property
    def caseload(self) -> CaseloadService:
        from earlyhelp_desktop.core.services.caseload import CaseloadService

        return CaseloadService(self._ws)

    @cached_property
    def audit(self) -> AuditService:
        from earlyhelp_desktop.core.services.audit import AuditService

        return AuditService(self._ws)
