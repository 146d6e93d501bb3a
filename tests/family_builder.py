"""A synthetic family with everything a plan shows, written through capture like any other change,
and helpers that read PDFs back (text per page, font sizes, embedded fonts).

Used by the document tests, the printing UI tests, ``bench/documents.py`` and ``docs/examples``.

Only synthetic people. Names carry the diacritics the fonts must print: Zoë Ó Briain, Siân Llŷr,
Nguyễn Thị Hoa, Łukasz Wójcik.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from dataclasses import dataclass

from pypdf import PdfReader

from earlyhelp_desktop.core.ids import derived_id, new_id
from earlyhelp_desktop.core.services.people import PersonInput
from earlyhelp_desktop.core.store.models import (
    Agreement,
    Assessment,
    ChildVoice,
    Closure,
    CommunityAsset,
    DomainEntry,
    Episode,
    OutcomeMeasure,
    Plan,
    PlanAction,
    PlanOutcome,
    Professional,
    Review,
    ReviewProgress,
    SharingPermission,
    SocialLink,
    Staff,
    TafMember,
)
from earlyhelp_desktop.core.store.store import Workspace

NAMES = ("Zoë Ó Briain", "Siân Llŷr", "Nguyễn Thị Hoa", "Łukasz Wójcik")
ABOUT_US = "We are a close family. Nan Siân lives with us and helps with the school run."
GOING_WELL = "Aoife has made two new friends at school and bedtimes are calmer."
WANT_TO_CHANGE = "We want mornings to be calmer, and money is tight since the rent went up."
GOALS = (
    "Mornings are calm and Aoife gets to school on time every day",
    "We have enough money for food and heating",
    "Cian can tell us what he needs with words",
)
ACTIONS = (
    ("Make a picture chart of the morning routine together", "Mum and Aoife", 0),
    ("Check in with Aoife's teacher every Friday", "Mrs Kowalska, school", 0),
    ("Book a benefits check with Citizens Advice", "Łukasz", 1),
    ("Go to the Little Talkers group on Tuesdays", "Zoë and Cian", 2),
)
ADDRESS_LINE = "12 Ellacombe Road"
POSTCODE = "TQ1 4AB"
HIDDEN_AGENCY = "Devon Police"
TODAY = dt.date.today()


@dataclass
class FamilyIds:
    family_id: str
    episode_id: str
    plan_id: str
    reference: str
    people: dict[str, str]
    outcome_ids: list[str]
    assessment_id: str
    review_ids: list[str]


def add_family(
    ws: Workspace,
    *,
    name: str = "Ó Briain",
    confidential_address: bool = False,
    with_plan: bool = True,
    father_must_not_know: bool = False,
    extra_goals: int = 0,
) -> FamilyIds:
    """A family with members, an assessment, a plan, two reviews, links, sharing permissions."""
    fam = ws.services.families
    family_id = fam.add(
        name,
        postcode=POSTCODE,
        address_line1=ADDRESS_LINE,
        town="Torquay",
        level_of_need=3,
        confidential_address=confidential_address,
    ).id
    people = {}
    for key, given, family_name, rel, child, dob in (
        ("zoe", "Zoë", "Ó Briain", "mother", False, "1990-05-04"),
        ("sian", "Siân", "Llŷr", "grandmother", False, "1961-11-23"),
        ("lukasz", "Łukasz", "Wójcik", "partner", False, "1988-02-14"),
        ("aoife", "Aoife", "Ó Briain", "daughter", True, "2016-09-01"),
        ("cian", "Cian", "Ó Briain", "son", True, "2021-01-30"),
    ):
        people[key] = ws.services.people.add(
            family_id,
            PersonInput(
                given, family_name, date_of_birth=dt.date.fromisoformat(dob), school="Ellacombe Primary"
            ),
            relationship=rel,
            is_child=child,
            parental_responsibility=key == "zoe",
        ).id
    if father_must_not_know:
        people["darragh"] = ws.services.people.add(
            family_id,
            PersonInput("Darragh", "Ó Briain", must_not_know_whereabouts=True),
            relationship="father",
            lives_in_household=False,
        ).id
    start = TODAY - dt.timedelta(days=120)
    with ws.write() as session:
        staff = session.get(Staff, ws.user.user_id)
        assert staff is not None
        staff.job_title = "Family worker"
        staff.phone = "01803 000 111"
        staff.email = "sunita.patel@example.org"
        episode = session.query(Episode).filter(Episode.family_id == family_id).one()
        episode.opened_on = start
        episode_id = episode.id
        assessment_id = new_id()
        session.add(
            Assessment(
                id=assessment_id,
                family_id=family_id,
                episode_id=episode_id,
                reason="School asked for help with attendance and the family asked for help with money.",
                started_on=start,
                completed_by=ws.user.user_id,
                significant_harm=False,
                family_view="We want things to feel less rushed.",
                worried_about="Aoife is late most days.",
                working_well="Nan is a big help; the children are warm and loved.",
                needs_to_happen="A morning routine and a benefits check.",
                analysis="Strong family bonds; pressures are practical.",
                worry_scales={"child": 4, "parent": 6, "worker": 3},
                level_of_need=3,
                status="signed_off",
                decided_by=ws.user.user_id,
                decided_at=dt.datetime.now(dt.UTC),
            )
        )
        for code, score, family_score in (("housing", 3, 2), ("income", 2, 1), ("education", 3, 3)):
            session.add(
                DomainEntry(
                    id=derived_id("domain_entry", assessment_id, code),
                    family_id=family_id,
                    assessment_id=assessment_id,
                    domain_code=code,
                    strengths=f"Strengths in {code}",
                    needs=f"Needs in {code}",
                    score=score,
                    family_score=family_score,
                )
            )
        session.add(
            ChildVoice(
                id=derived_id("child_voice", assessment_id, people["aoife"]),
                family_id=family_id,
                assessment_id=assessment_id,
                person_id=people["aoife"],
                wants="I want to get to school before the bell.",
            )
        )
        plan_id = new_id()
        outcome_ids: list[str] = []
        review_ids: list[str] = []
        if with_plan:
            session.add(
                Plan(
                    id=plan_id,
                    family_id=family_id,
                    episode_id=episode_id,
                    about_us=ABOUT_US,
                    going_well=GOING_WELL,
                    want_to_change=WANT_TO_CHANGE,
                    share_with_note="Please ask us before sharing it with anyone else.",
                    review_on=TODAY + dt.timedelta(days=3),
                )
            )
            goals = list(GOALS) + [f"Extra goal number {i} for a long plan" for i in range(extra_goals)]
            for order, text in enumerate(goals):
                outcome_id = new_id()
                outcome_ids.append(outcome_id)
                session.add(
                    PlanOutcome(
                        id=outcome_id,
                        family_id=family_id,
                        plan_id=plan_id,
                        text=text,
                        needs=["income"],
                        categories=["financial_stability"],
                        sort_order=order,
                        status="achieved" if order == 1 else "open",
                    )
                )
            for order, (text, owner, goal) in enumerate(ACTIONS):
                session.add(
                    PlanAction(
                        id=new_id(),
                        family_id=family_id,
                        plan_id=plan_id,
                        outcome_id=outcome_ids[goal],
                        text=text,
                        owner=owner,
                        due_on=TODAY + dt.timedelta(days=14 * (order + 1)),
                        status=("done", "in_progress", "done", "not_started")[order],
                        sort_order=order,
                    )
                )
            session.add(
                PlanAction(
                    id=new_id(),
                    family_id=family_id,
                    plan_id=plan_id,
                    text="Dropped idea that must not print",
                    owner="Mum",
                    status="dropped",
                )
            )
            for i in range(extra_goals):
                session.add(
                    PlanAction(
                        id=new_id(),
                        family_id=family_id,
                        plan_id=plan_id,
                        outcome_id=outcome_ids[3 + i],
                        text=f"A step with quite a few words in it so that the table wraps, number {i}",
                        owner="Nan",
                        due_on=TODAY,
                        sort_order=10 + i,
                    )
                )
            session.add(
                TafMember(
                    id=new_id(),
                    family_id=family_id,
                    plan_id=plan_id,
                    name="Nguyễn Thị Hoa",
                    role="Health visitor",
                    agency="Health visiting",
                    phone="07700 900 123",
                )
            )
            session.add(
                TafMember(
                    id=new_id(),
                    family_id=family_id,
                    plan_id=plan_id,
                    name="PC Hidden Officer",
                    role="Neighbourhood officer",
                    agency=HIDDEN_AGENCY,
                )
            )
            for n, (days_ago, score) in enumerate(((60, 3), (20, 6))):
                review_id = new_id()
                review_ids.append(review_id)
                held = TODAY - dt.timedelta(days=days_ago)
                session.add(
                    Review(
                        id=review_id,
                        family_id=family_id,
                        episode_id=episode_id,
                        plan_id=plan_id,
                        held_on=held,
                        attendees=["Zoë Ó Briain", "Sunita Patel", f"PC Hidden Officer ({HIDDEN_AGENCY})"],
                        decision="continue",
                        notes=f"Review {n + 1} notes: mornings improving.",
                        family_comments="Things feel a bit better.",
                        next_review_on=TODAY + dt.timedelta(days=3)
                        if n == 1
                        else held + dt.timedelta(days=40),
                    )
                )
                session.add(
                    ReviewProgress(
                        id=derived_id("review_progress", review_id, outcome_ids[0]),
                        family_id=family_id,
                        review_id=review_id,
                        outcome_id=outcome_ids[0],
                        progress="better",
                        worker_score=score,
                        family_score=score,
                    )
                )
            session.add(
                OutcomeMeasure(
                    id=new_id(),
                    family_id=family_id,
                    instrument_code="family_scale",
                    taken_on=TODAY - dt.timedelta(days=20),
                    context="review",
                    scores={"housing": 4, "income": 3},
                )
            )
        asset_id = new_id()
        session.add(
            CommunityAsset(
                id=asset_id,
                organisation="Torbay Children's Centre",
                activity="Little Talkers",
                category_code="baby_toddler",
                venue_name="St Marychurch Library",
                address="Torquay",
                days_times="Tuesdays 10:00 to 11:30",
                cost="Free",
                phone="01803 000 333",
            )
        )
        session.add(
            SocialLink(
                id=new_id(),
                family_id=family_id,
                person_id=people["cian"],
                asset_id=asset_id,
                status="attended",
                offered_on=start,
            )
        )
        for agency, access, gets_copy, must_not_see in (
            ("school", "everything", True, False),
            ("gp", "plan", False, False),
            ("Health visiting", "everything", True, False),
            ("housing", "nothing", False, False),
            (HIDDEN_AGENCY, "nothing", False, True),
        ):
            session.add(
                SharingPermission(
                    id=derived_id("sharing_permission", family_id, agency),
                    family_id=family_id,
                    agency=agency,
                    access=access,
                    gets_copy=gets_copy,
                    must_not_see=must_not_see,
                )
            )
        session.add(
            Professional(
                id=new_id(),
                family_id=family_id,
                agency="gp",
                name="Dr Amara Okafor",
                role="GP",
                phone="01803 000 444",
            )
        )
        session.add(
            Professional(
                id=new_id(),
                family_id=family_id,
                agency=HIDDEN_AGENCY,
                name="PC Hidden Officer",
                role="Neighbourhood officer",
            )
        )
        for key in ("zoe", "lukasz"):
            session.add(
                Agreement(
                    id=derived_id("agreement", episode_id, people[key]),
                    family_id=family_id,
                    episode_id=episode_id,
                    person_id=people[key],
                    agreed=True,
                    agreed_on=start,
                    method="written",
                )
            )
    reference = fam.summaries([family_id])[0].reference
    return FamilyIds(
        family_id, episode_id, plan_id, reference, people, outcome_ids, assessment_id, review_ids
    )


def close_episode(ws: Workspace, ids: FamilyIds) -> str:
    closure_id = new_id()
    with ws.write() as session:
        session.add(
            Closure(
                id=closure_id,
                family_id=ids.family_id,
                episode_id=ids.episode_id,
                reason_code="needs_met",
                closed_on=TODAY,
                moving_on_note="The family feel ready to carry on by themselves.",
                follow_up_on=TODAY + dt.timedelta(days=182),
                final_scores={"worker": {"housing": 4, "income": 4}, "family": {"housing": 5, "income": 4}},
                status="signed_off",
            )
        )
        episode = session.get(Episode, ids.episode_id)
        assert episode is not None
        episode.status = "closed"
        episode.closed_on = TODAY
    return closure_id


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page, as a reader's copy-and-paste would give it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """All the text, with line breaks as spaces (a phrase may wrap across lines)."""
    return " ".join(" ".join(pdf_text(pdf)).split())


def font_sizes(pdf: bytes) -> list[tuple[float, str]]:
    """(effective size in points, text) of every piece of text drawn."""
    found: list[tuple[float, str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
                found.append((round(size * scale, 2), text))

        page.extract_text(visitor_text=visit)
    return found


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def render_png(pdf_path: str, out_prefix: str, dpi: int = 40) -> bool:
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", pdf_path, out_prefix], check=True
        )
    except (FileNotFoundError, subprocess.CalledProcessError):
        return False
    return True
