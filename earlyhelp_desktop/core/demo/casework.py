"""The casework of a synthetic household: episodes, assessments, plans, reviews, contacts, links."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from earlyhelp_desktop.core.ids import derived_id
from earlyhelp_desktop.core.services.consent import sharing_id

if TYPE_CHECKING:
    from earlyhelp_desktop.core.demo.generator import Generator, Household

__all__ = ["episodes", "professionals", "sharing"]

NOTES = (
    "Home visit. We talked about mornings before school; {name} said getting out of the door is easier "
    "since the new routine started.",
    "Phone call with {name}. The housing appointment is booked for next week.",
    "Met {name} at the family hub. Went through the plan together and updated who does what.",
    "Text from {name}: the food pantry voucher worked and the children enjoyed Saturday club.",
    "Visit with the health visitor. {name} asked for help with sleep; we agreed to try the bedtime chart.",
    "Group session (Parenting Together, week 3). {name} joined in and said it helped to meet other parents.",
    "Call with school. Attendance is up this half term; {name} is pleased.",
    "Home visit. {name} is worried about bills; referred to the money advice drop-in.",
)
# Goals in a family's words, each with the kind of actions that go with it: (what, who, days to do it).
OUTCOMES = (
    (
        "We want the children to get to school on time every day.",
        ["education"],
        "education",
        (
            ("Make a morning checklist with the children", "Mum", 14),
            ("Ask the school about the breakfast club", "Family worker", 10),
        ),
    ),
    (
        "We want bedtimes to be calmer so everyone sleeps better.",
        ["family_relationships"],
        "basic_care",
        (
            ("Try the bedtime chart for two weeks", "Mum and Dad", 14),
            ("Book an appointment with the GP about sleep", "Mum", 21),
        ),
    ),
    (
        "I want to feel less anxious and get out of the house more.",
        ["health"],
        "emotional_warmth",
        (
            ("Go to the Wellbeing Café together once", "Mum and family worker", 14),
            ("Talk to the GP about how I have been feeling", "Mum", 21),
        ),
    ),
    (
        "We want to stop worrying about money and pay the bills on time.",
        ["financial_stability"],
        "income",
        (
            ("Go to the money advice drop-in together", "Family worker and Dad", 14),
            ("Check entitlement to free school meals", "Family worker", 10),
        ),
    ),
    (
        "We want a home that is warm and not damp.",
        ["housing"],
        "housing",
        (
            ("Report the damp to the landlord in writing", "Dad", 7),
            ("Ask the housing officer to visit", "Family worker", 21),
        ),
    ),
    (
        "We want to argue less and have more fun together.",
        ["family_relationships"],
        "family_history",
        (
            ("Talk with the children about what a good evening looks like", "Mum and Dad", 14),
            ("Plan one free family outing each month", "All of us", 30),
        ),
    ),
    (
        "I want to find work that fits around school hours.",
        ["financial_stability"],
        "employment",
        (
            ("Go to the Job Club on Thursday", "Mum", 14),
            ("Write a CV with the family worker", "Mum and family worker", 28),
        ),
    ),
    (
        "We want our youngest to be ready for nursery.",
        ["early_years"],
        "stimulation",
        (
            ("Try the Stay and Play group on Tuesdays", "Mum", 28),
            ("Ask the health visitor about the two-year check", "Mum", 21),
        ),
    ),
)
TAF_ROLES = (
    ("School", "Attendance officer"),
    ("GP surgery", "GP"),
    ("Health visiting", "Health visitor"),
    ("Housing", "Housing officer"),
    ("South Devon Mind", "Wellbeing coach"),
)


def professionals(gen: Generator, h: Household) -> None:
    rng = gen.rng
    for agency, role in rng.sample(TAF_ROLES, rng.randint(1, 3)):
        gen.sink.add(
            "professional",
            h.created,
            h.worker,
            family_id=h.id,
            agency=agency,
            name=f"{rng.choice(('Sam', 'Jo', 'Alex', 'Priya', 'Tomasz', 'Aoife'))} "
            f"{rng.choice(('Hart', 'Lane', 'Moss', 'Reed', 'Stone', 'Bell'))}",
            role=role,
            phone=f"01803 {rng.randint(200000, 899999)}",
            email=None,
            note=None,
        )


def sharing(gen: Generator, h: Household) -> None:
    rng = gen.rng
    for agency in rng.sample(
        ("School", "GP surgery", "Health visiting", "Housing", "Police"), rng.randint(2, 4)
    ):
        must_not = agency == "Police" and rng.random() < 0.3
        gen.sink.add(
            "sharing_permission",
            h.created,
            h.worker,
            row_id=sharing_id(h.id, agency),
            family_id=h.id,
            agency=agency,
            access="nothing" if must_not else rng.choice(("everything", "plan")),
            gets_copy=not must_not and rng.random() < 0.5,
            must_not_see=must_not,
            note=None,
        )


def episodes(gen: Generator, h: Household) -> None:
    rng = gen.rng
    past = rng.choices((0, 1, 2), weights=(70, 25, 5))[0] + (0 if h.open else 1)
    start = h.created
    for i in range(past + (1 if h.open else 0)):
        current = h.open and i == past
        opened = start.date()
        closed = (
            None
            if current
            else min(gen.today - dt.timedelta(days=10), opened + dt.timedelta(days=rng.randint(90, 300)))
        )
        episode(gen, h, opened, closed)
        if closed:
            start = dt.datetime.combine(closed + dt.timedelta(days=rng.randint(30, 200)), dt.time(10), dt.UTC)
            if start.date() >= gen.today - dt.timedelta(days=20):
                break


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


def episode(gen: Generator, h: Household, opened: dt.date, closed: dt.date | None) -> None:
    rng, add, by, fid = gen.rng, gen.sink.add, h.worker, h.id
    lead = h.adults[0]
    episode_id = add(
        "episode",
        _at(opened),
        by,
        family_id=fid,
        opened_on=opened,
        request_source=rng.choice(("School", "Health visitor", "Self-referral", "GP", "Housing")),
        request_reason="The family asked for help with routines, money worries and school attendance.",
        status="closed" if closed else "open",
        closed_on=closed,
    )
    for adult in h.adults:
        add(
            "agreement",
            _at(opened),
            by,
            row_id=derived_id("agreement", episode_id, adult.id),
            family_id=fid,
            episode_id=episode_id,
            person_id=adult.id,
            agreed=True,
            agreed_on=opened,
            method=rng.choice(("written", "verbal")),
            withdrawn_on=None,
            note=None,
        )
    status = (
        "signed_off"
        if closed
        else rng.choices(("draft", "submitted", "signed_off", "returned"), weights=(20, 20, 50, 10))[0]
    )
    started = opened + dt.timedelta(days=rng.randint(3, 14))
    if started > gen.today:
        started = gen.today
    assessment_id = add(
        "assessment",
        _at(started),
        by,
        family_id=fid,
        episode_id=episode_id,
        reason="Help with routines, school attendance and money worries.",
        started_on=started,
        completed_by=by,
        significant_harm=False,
        front_door_contacted_at=None,
        front_door_note=None,
        family_view=f"{lead.given} says: we are a close family but mornings are a battle and money is tight.",
        worried_about="Late to school most days; rent arrears are growing.",
        working_well="The children are close to their mum and enjoy school once they are there.",
        needs_to_happen="A calmer morning routine, help with money, and school and family working together.",
        analysis="Needs across education, income and routines; strong relationships to build on.",
        worry_scales={"child": rng.randint(3, 8), "parent": rng.randint(3, 8), "worker": rng.randint(3, 8)},
        level_of_need=h.level,
        status=status,
        submitted_at=_at(started + dt.timedelta(days=7)) if status != "draft" else None,
        submitted_by=by if status != "draft" else None,
        decided_at=_at(started + dt.timedelta(days=9)) if status in ("signed_off", "returned") else None,
        decided_by=gen.staff.get("demo") if status in ("signed_off", "returned") else None,
        return_reason="Please add the voice of each child." if status == "returned" else None,
    )
    for code in rng.sample(gen.domains, min(6, len(gen.domains))):
        add(
            "domain_entry",
            _at(started),
            by,
            row_id=derived_id("domain_entry", assessment_id, code),
            family_id=fid,
            assessment_id=assessment_id,
            domain_code=code,
            strengths="Warm relationships; the family ask for help.",
            needs="Routines and follow-through.",
            score=rng.randint(1, 5),
            no_issues=False,
            family_score=rng.randint(1, 5),
        )
    children = [
        c for c in h.children if c.relationship != "unborn" and c.dob and (gen.today - c.dob).days > 4 * 365
    ]
    if children:
        child = rng.choice(children)
        add(
            "child_voice",
            _at(started),
            by,
            row_id=derived_id("child_voice", assessment_id, child.id),
            family_id=fid,
            assessment_id=assessment_id,
            person_id=child.id,
            wants=f"{child.given} wants fewer arguments in the morning.",
            day_to_day="Likes football and drawing; finds getting up hard.",
            view_of_help="It is good when someone listens.",
        )
    gen.sink.add(
        "outcome_measure",
        _at(started),
        by,
        family_id=fid,
        person_id=lead.id,
        instrument_code="family_scale",
        taken_on=started,
        context="baseline",
        scores={code: rng.randint(1, 5) for code in gen.domains[:6]},
        link_id=None,
        recorded_by=by,
    )
    if status == "draft":
        contacts(gen, h, episode_id, opened, closed or gen.today)
        return
    plan_on = started + dt.timedelta(days=10)
    review_on = (closed or gen.today) + dt.timedelta(days=rng.randint(-20, 42)) if not closed else closed
    plan_id = add(
        "plan",
        _at(plan_on),
        by,
        family_id=fid,
        episode_id=episode_id,
        status="ended" if closed else "active",
        about_us=f"We are the {h.surname} family. {lead.given} looks after the children"
        + (" with " + h.adults[1].given if len(h.adults) > 1 else "")
        + ".",
        going_well="We love doing things together at the weekend. The children are doing well in PE.",
        want_to_change="Mornings, money worries and feeling on our own.",
        share_with_note="School and the health visitor.",
        review_on=review_on,
    )
    outcome_ids = []
    for order, (text, categories, need, actions) in enumerate(rng.sample(OUTCOMES, rng.randint(2, 4))):
        outcome_id = add(
            "plan_outcome",
            _at(plan_on),
            by,
            family_id=fid,
            plan_id=plan_id,
            text=text,
            needs=[need],
            categories=categories,
            sort_order=order,
            status="achieved" if closed else "open",
        )
        outcome_ids.append(outcome_id)
        for j, (what, who, days) in enumerate(rng.sample(actions, rng.randint(1, 2))):
            add(
                "plan_action",
                _at(plan_on),
                by,
                family_id=fid,
                plan_id=plan_id,
                outcome_id=outcome_id,
                text=what,
                owner=who,
                due_on=plan_on + dt.timedelta(days=days),
                status="done" if closed else rng.choice(("not_started", "in_progress", "done")),
                sort_order=order * 10 + j,
            )
    for agency, role in rng.sample(TAF_ROLES, rng.randint(2, 3)):
        add(
            "taf_member",
            _at(plan_on),
            by,
            family_id=fid,
            plan_id=plan_id,
            name=f"{rng.choice(('Sam', 'Jo', 'Alex', 'Priya'))} {rng.choice(('Hart', 'Lane', 'Reed'))}",
            role=role,
            agency=agency,
            phone=f"01803 {rng.randint(200000, 899999)}",
            email=None,
        )
    following = reviews(gen, h, episode_id, plan_id, outcome_ids, plan_on, closed)
    if following is not None:  # recording a review sets the plan's next review date, as the service does
        gen.sink.update("plan", plan_id, review_on=following)
    contacts(gen, h, episode_id, opened, closed or gen.today)
    if closed:
        stepped = rng.random() < 0.08
        if stepped:
            add(
                "step_change",
                _at(closed),
                by,
                family_id=fid,
                episode_id=episode_id,
                direction="up",
                reason="Worries about the children's safety grew despite the plan.",
                requested_on=closed,
                decision="accepted",
                decided_on=closed,
                mash_reference=f"MASH-{rng.randint(10000, 99999)}",
                fgc_considered=False,
                signed_off_by=gen.staff.get("demo"),
            )
        add(
            "closure",
            _at(closed),
            by,
            family_id=fid,
            episode_id=episode_id,
            reason_code="stepped_up"
            if stepped
            else rng.choice(("needs_met", "needs_met", "single_agency", "agreement_withdrawn", "moved_away")),
            closed_on=closed,
            moving_on_note="The family know how to get back in touch.",
            follow_up_on=closed + dt.timedelta(days=182),
            final_scores=None,
            status="signed_off",
            decided_by=gen.staff.get("demo"),
            decided_at=_at(closed),
            return_reason=None,
        )
    elif rng.random() < 0.03:
        add(
            "step_change",
            _at(gen.today - dt.timedelta(days=5)),
            by,
            family_id=fid,
            episode_id=episode_id,
            direction="down",
            reason="Stepped down from children's social care; the plan continues with early help.",
            requested_on=opened,
            decision="accepted",
            decided_on=opened,
            mash_reference=None,
            fgc_considered=True,
            signed_off_by=gen.staff.get("demo"),
        )


def reviews(
    gen: Generator,
    h: Household,
    episode_id: str,
    plan_id: str,
    outcomes: list[str],
    plan_on: dt.date,
    closed: dt.date | None,
) -> dt.date | None:
    """Reviews every six weeks; for a current episode the last one is recent, so most families are due
    in the coming weeks and some are overdue, as on a real caseload. Returns the next review date."""
    rng = gen.rng
    end = closed or gen.today
    count = rng.randint(1, 3) if closed else rng.choice((0, 0, 1, 2))
    if closed:
        dates = [plan_on + dt.timedelta(days=42 * (i + 1)) for i in range(count)]
    else:
        last = gen.today - dt.timedelta(days=rng.randint(5, 60))
        dates = sorted(last - dt.timedelta(days=42 * i) for i in range(count))
    dates = [d for d in dates if plan_on < d <= end]
    count = len(dates)
    following: dt.date | None = None
    for i, held in enumerate(dates):
        decision = "close" if closed and i == count - 1 else "continue"
        review_id = gen.sink.add(
            "review",
            _at(held),
            h.worker,
            family_id=h.id,
            episode_id=episode_id,
            plan_id=plan_id,
            held_on=held,
            attendees=[a.name for a in h.adults] + ["Family worker", "School"],
            decision=decision,
            notes="Good progress on mornings; money still a worry.",
            family_comments="It feels more manageable.",
            next_review_on=None if decision == "close" else held + dt.timedelta(days=42),
        )
        following = None if decision == "close" else held + dt.timedelta(days=42)
        for outcome_id in outcomes:
            gen.sink.add(
                "review_progress",
                _at(held),
                h.worker,
                row_id=derived_id("review_progress", review_id, outcome_id),
                family_id=h.id,
                review_id=review_id,
                outcome_id=outcome_id,
                progress=rng.choice(("better", "better", "same", "worse")),
                worker_score=rng.randint(3, 9),
                family_score=rng.randint(3, 9),
                note=None,
            )

    return following


def contacts(gen: Generator, h: Household, episode_id: str, start: dt.date, end: dt.date) -> None:
    rng = gen.rng
    span = max(1, (end - start).days)
    for _ in range(rng.randint(5, 11)):
        day = start + dt.timedelta(days=rng.randint(0, span))
        kind = rng.choice(("visit", "visit", "call", "message", "group"))
        gen.sink.add(
            "contact",
            _at(day, rng.randint(9, 16)),
            h.worker,
            family_id=h.id,
            episode_id=episode_id,
            kind=kind,
            occurred_at=_at(day, rng.randint(9, 16)),
            venue_id=rng.choice(gen.venues) if kind in ("visit", "group") else None,
            venue_text=None,
            duration_minutes=rng.choice((15, 30, 45, 60, 90)),
            worker_id=h.worker,
            note=rng.choice(NOTES).format(name=rng.choice(h.adults).given),
            person_ids=None,
            amends_id=None,
        )
