"""The community side of a synthetic hub: the directory of activities and social-prescribing links."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earlyhelp_desktop.core.demo.generator import Generator, Household

__all__ = ["directory", "links"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), dt.UTC)


ASSETS = {
    "baby_toddler": ("Stay and Play", "Baby Bounce and Rhyme", "Little Explorers"),
    "parenting": ("Parenting Together course", "Dads' Saturday Club", "Calmer Mornings workshop"),
    "mental_wellbeing": ("Wellbeing Café", "Mums' Mental Health Peer Group", "Mindful Walking"),
    "physical_activity": ("Family Swim", "Couch to 5k", "Walking Football"),
    "food": ("Community Pantry", "Cook and Eat Together", "Holiday Lunch Club"),
    "money_advice": ("Money Advice Drop-in", "Benefits Check Clinic", "Energy Bills Help"),
    "employment_skills": ("Job Club", "Confidence to Work", "English Conversation Club"),
    "arts_creativity": ("Family Art Club", "Community Choir", "Craft and Natter"),
    "peer_support": ("Parent Carers' Coffee Morning", "Kinship Carers' Circle", "New Mums' Group"),
    "youth": ("Youth Club", "Young Carers' Group", "Skate Park Sessions"),
    "nature": ("Community Garden", "Beach Clean Families", "Forest School Saturdays"),
    "digital": ("Digital Skills Café", "Get Online Clinic", "Laptop Loan Scheme"),
    "domestic_abuse_support": ("Moving Forward Group", "Safe Space Drop-in", "Recovery Toolkit"),
    "housing_advice": ("Housing Advice Surgery", "Tenancy Ready", "Home Fix Help"),
    "send_support": ("SEND Parents' Forum", "Sensory Play Hour", "Autism Family Support"),
    "volunteering": ("Volunteer Centre", "Community Fridge Volunteers", "Litter Pickers"),
    "faith_community": ("Community Lunch", "Warm Space", "Friendship Circle"),
}
AGE_RANGES = {  # who each kind of activity is for (anything else: all ages)
    "baby_toddler": ("0 to 4",),
    "youth": ("11 to 18",),
    "parenting": ("Parents and carers",),
    "peer_support": ("Parents and carers",),
    "send_support": ("Parents and carers", "All ages"),
    "mental_wellbeing": ("Adults",),
    "money_advice": ("Adults",),
    "employment_skills": ("Adults",),
    "domestic_abuse_support": ("Adults",),
    "housing_advice": ("Adults",),
    "digital": ("Adults", "All ages"),
    "volunteering": ("Adults", "All ages"),
}
FOR_CHILDREN = frozenset({"youth", "physical_activity", "arts_creativity", "nature", "food"})
ORGANISATIONS = (
    "Torbay Community Trust",
    "Hele Neighbourhood Partnership",
    "Bay Families Together",
    "Ellacombe Community Centre",
    "Brixham Harbour Hub",
    "Paignton Library",
    "South Devon Mind",
    "Torbay Food Alliance",
    "Citizens Advice Torbay",
    "Riviera Youth",
    "The Pavilion Trust",
)
DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays")
TIMES = ("9.30 to 11am", "10am to 12 noon", "1 to 3pm", "3.30 to 5pm", "6 to 8pm")
COSTS = ("Free", "Free", "Free", "£1 per family", "£2, free with a referral", "Pay what you can")


def directory(gen: Generator, categories: list[str], count: int) -> list[tuple[str, str]]:
    rng, found = gen.rng, []
    created = gen.when(700, 400)
    for _ in range(count):
        category = rng.choice(categories)
        activity = rng.choice(ASSETS.get(category, ("Community group",)))
        asset_id = gen.sink.add(
            "community_asset",
            created,
            gen.connectors[0] if gen.connectors else gen.ws.user.user_id,
            organisation=rng.choice(ORGANISATIONS),
            activity=activity,
            description=None,
            category_code=category,
            venue_name=rng.choice(
                (
                    "Ellacombe Church Hall",
                    "Torbay North Family Hub",
                    "St Marychurch Library",
                    "Watcombe Youth Club",
                    "Brixham Harbour Hub",
                )
            ),
            address=None,
            postcode=None,
            days_times=f"{rng.choice(DAYS)}, {rng.choice(TIMES)}",
            age_range=rng.choice(AGE_RANGES.get(category, ("All ages",))),
            cost=rng.choice(COSTS),
            contact_name=None,
            phone=f"01803 {rng.randint(200000, 899999)}",
            email=None,
            website=None,
            takes_referrals=rng.random() < 0.7,
            kitemark=rng.choice(("none", "applied", "awarded", "awarded", "expired")),
            capacity=rng.choice((None, 10, 12, 15, 20, 30)),
            review_on=gen.today + dt.timedelta(days=rng.randint(-60, 300)),
            active=True,
        )
        found.append((asset_id, category))
    return found


PATHS = (
    ("offered",),
    ("offered", "declined"),
    ("offered", "referred"),
    ("offered", "referred", "accepted"),
    ("offered", "referred", "declined"),
    ("offered", "referred", "accepted", "attended"),
    ("offered", "referred", "accepted", "attended", "completed"),
    ("offered", "referred", "accepted", "attended", "stopped"),
)


def _ons4(
    gen: Generator,
    h: Household,
    person_id: str,
    link_id: str,
    connector: str,
    day: dt.date,
    context: str,
    well: tuple[int, int],
    anxious: tuple[int, int],
) -> None:
    """An ONS4 wellbeing score taken for a link: ``well`` bounds the three positive items."""
    rng = gen.rng
    gen.sink.add(
        "outcome_measure",
        _at(day),
        connector,
        family_id=h.id,
        person_id=person_id,
        instrument_code="ons4",
        taken_on=day,
        context=context,
        scores={
            "satisfied": rng.randint(*well),
            "worthwhile": rng.randint(*well),
            "happy": rng.randint(*well),
            "anxious": rng.randint(*anxious),
        },
        link_id=link_id,
        recorded_by=connector,
    )


def links(gen: Generator, h: Household) -> None:
    rng = gen.rng
    if not gen.assets:
        return
    for _ in range(rng.choices((0, 1, 2, 3, 4), weights=(30, 30, 20, 12, 8))[0]):
        person = rng.choice(
            h.adults + [c for c in h.children if c.dob and (gen.today - c.dob).days > 8 * 365]
        )
        if person in h.adults:  # adults go to anything but the youth club
            fitting = [a for a in gen.assets if a[1] != "youth"]
        else:  # children to youth, sport, arts, nature and food activities
            fitting = [a for a in gen.assets if a[1] in FOR_CHILDREN]
        asset_id, category = rng.choice(fitting or gen.assets)
        path = rng.choice(PATHS)
        day = gen.today - dt.timedelta(days=rng.randint(5, 300))
        dates: dict[str, dt.date] = {}
        for status in path:
            dates[status] = day
            day += dt.timedelta(days=rng.randint(2, 12))
        link_id = gen.sink.new_id()
        connector = rng.choice(gen.connectors) if gen.connectors else h.worker
        for status, when in dates.items():
            gen.sink.add(
                "link_event",
                _at(when),
                connector,
                family_id=h.id,
                link_id=link_id,
                status=status,
                occurred_on=when,
                note=None,
                recorded_by=connector,
            )
        last = path[-1]
        gen.sink.add(
            "social_link",
            _at(dates["offered"]),
            connector,
            row_id=link_id,
            family_id=h.id,
            person_id=person.id,
            asset_id=asset_id,
            need_area=category,
            connector_id=connector,
            status=last,
            offered_on=dates["offered"],
            referred_on=dates.get("referred"),
            responded_on=dates.get("accepted") or dates.get("declined"),
            attended_on=dates.get("attended"),
            ended_on=dates.get("completed") or dates.get("stopped"),
            outcome="Enjoys the group and has made friends there." if last == "completed" else None,
            snomed_code="871711000000103"
            if last == "declined"
            else "871731000000106"
            if "referred" in path
            else None,
        )
        if "referred" in path:  # wellbeing scored before the activity, and after it when completed
            _ons4(gen, h, person.id, link_id, connector, dates["referred"], "link_before", (2, 6), (4, 9))
        if last == "completed":
            _ons4(gen, h, person.id, link_id, connector, dates["completed"], "link_after", (5, 9), (1, 5))
