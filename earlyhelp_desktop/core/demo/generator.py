"""A synthetic hub: households of 1-7 people, episodes past and current, a directory and links.

Deterministic for a given ``seed`` and ``today``. Only invented people, ever.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update

from earlyhelp_desktop.core.crypto.vault import SlotUser
from earlyhelp_desktop.core.demo import casework, community
from earlyhelp_desktop.core.demo.names import CULTURES, FEATURED, STREETS, TOWNS, Culture
from earlyhelp_desktop.core.demo.sink import Sink
from earlyhelp_desktop.core.ids import derived_id, family_reference, hub_code, hub_id, staff_id
from earlyhelp_desktop.core.store.models import (
    CommunityAsset,
    Family,
    Hub,
    Meta,
    OutboxOp,
    Plan,
    RefItem,
    Staff,
    Venue,
)
from earlyhelp_desktop.core.store.search import reindex_all
from earlyhelp_desktop.core.store.store import Workspace

CHUNK = 400
ISSUED_SAMPLE = 60  # plans really issued (rendered) to their families: featured families first
DEMO_STAFF = (
    ("demo", "Dee Demo", "supervisor"),
    ("worker", "Wren Walker", "family_worker"),
    ("connector", "Cal Connor", "community_connector"),
    ("a.okafor", "Adaeze Okafor", "family_worker"),
    ("m.evans", "Megan Evans", "family_worker"),
    ("t.nguyen", "Thảo Nguyễn", "family_worker"),
    ("j.silva", "João Silva", "family_worker"),
    ("k.wisniewska", "Katarzyna Wiśniewska", "family_worker"),
    ("r.hughes", "Rhys Hughes", "family_worker"),
    ("s.begum", "Sana Begum", "community_connector"),
    ("p.murphy", "Pádraig Murphy", "supervisor"),
)
UNLOCKABLE = ("worker", "connector")
VENUES = (
    ("Torbay North Family Hub", "hub"),
    ("Ellacombe Church Hall", "spoke"),
    ("Torre Primary School", "spoke"),
    ("St Marychurch Library", "spoke"),
    ("Barton Children's Centre", "spoke"),
    ("Watcombe Youth Club", "spoke"),
)
TAGS = (
    "Young carer",
    "Armed forces family",
    "Special educational needs",
    "New to the area",
    "Kinship care",
    "Home education",
)


@dataclass
class DemoSummary:
    families: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        c = self.counts
        return (
            f"{self.families} families, {c.get('person', 0)} people, {c.get('contact', 0)} contacts, "
            f"{c.get('community_asset', 0)} directory entries, {c.get('social_link', 0)} links"
        )


@dataclass
class Person:
    """A generated person, kept in memory while their household's casework is written."""

    id: str
    given: str
    family: str
    dob: dt.date | None
    is_child: bool
    relationship: str
    female: bool | None = None
    family_first: bool = False

    @property
    def name(self) -> str:
        return f"{self.family} {self.given}" if self.family_first else f"{self.given} {self.family}"


@dataclass
class Household:
    id: str
    surname: str
    open: bool
    level: int
    worker: str
    created: dt.datetime
    adults: list[Person]
    children: list[Person]
    confidential: bool = False
    shared_child: bool = False  # also home to the previous household's child (separated parents)


class Generator:
    def __init__(self, ws: Workspace, rng: random.Random, today: dt.date) -> None:
        self.ws = ws
        self.rng = rng
        self.today = today
        self.sink = Sink(rng, ws.device_id)
        self.hub_id = ws.home_hub_id
        self.staff: dict[str, str] = {}
        self.workers: list[str] = []
        self.connectors: list[str] = []
        self.venues: list[str] = []
        self.assets: list[tuple[str, str]] = []  # (id, category)
        self.domains: list[str] = []
        self.previous_child: Person | None = None
        self.featured_ids: list[str] = []
        self.used_names: set[str] = set()
        self.hub_code = "EH"

    def when(self, days_ago_max: int, days_ago_min: int = 0) -> dt.datetime:
        days = self.rng.randint(days_ago_min, max(days_ago_min, days_ago_max))
        moment = dt.datetime.combine(self.today - dt.timedelta(days=days), dt.time(9), dt.UTC)
        return moment + dt.timedelta(minutes=self.rng.randint(0, 8 * 60))

    # -- reference data --------------------------------------------------------------------------

    def reference(self, asset_count: int, password: str | None) -> None:
        with self.ws.read() as session:
            hub = session.get(Hub, self.hub_id)
            self.hub_code = hub.code if hub else hub_code("Demo")
            existing = set(session.scalars(select(Staff.id)))
            has_venues = session.get(Venue, derived_id("venue", VENUES[0][0])) is not None
            self.domains = list(
                session.scalars(
                    select(RefItem.code)
                    .where(RefItem.list_name == "assessment_domain")
                    .order_by(RefItem.sort_order)
                )
            )
            categories = list(
                session.scalars(select(RefItem.code).where(RefItem.list_name == "asset_category"))
            )
            existing_assets = list(session.execute(select(CommunityAsset.id, CommunityAsset.category_code)))
        created = self.when(900, 800)
        for username, name, role in DEMO_STAFF:
            sid = staff_id(username)
            self.staff[username] = sid
            if sid not in existing:
                self.sink.add(
                    "staff",
                    created,
                    self.ws.user.user_id,
                    row_id=sid,
                    username=username,
                    full_name=name,
                    role=role,
                    hub_id=self.hub_id,
                    job_title=None,
                    phone=None,
                    email=None,
                    active=True,
                )
            (self.workers if role != "community_connector" else self.connectors).append(sid)
        self.venues = [derived_id("venue", name) for name, _ in VENUES]
        if not has_venues:  # the first build: localities, hubs, venues
            self.sink.add(
                "locality",
                created,
                self.ws.user.user_id,
                row_id=derived_id("locality", "Torbay"),
                name="Torbay",
            )
            for other in ("Torbay South", "Paignton and Brixham"):
                self.sink.add(
                    "hub",
                    created,
                    self.ws.user.user_id,
                    row_id=hub_id(other),
                    name=other,
                    code=hub_code(other),
                    locality_id=derived_id("locality", "Torbay"),
                )
            for (name, kind), vid in zip(VENUES, self.venues, strict=True):
                self.sink.add(
                    "venue",
                    created,
                    self.ws.user.user_id,
                    row_id=vid,
                    hub_id=self.hub_id,
                    name=name,
                    kind=kind,
                    address=None,
                    postcode=None,
                    active=True,
                )
        self.assets = existing_assets + community.directory(
            self, categories, max(0, asset_count - len(existing_assets))
        )
        if password is not None:
            for username in UNLOCKABLE:
                full = next(n for u, n, _ in DEMO_STAFF if u == username)
                role = next(r for u, _, r in DEMO_STAFF if u == username)
                if staff_id(username) not in {u.user_id for u in self.ws.store.vault.users()}:
                    self.ws.store.vault.set_password(
                        self.ws.data_key, SlotUser(staff_id(username), username, full, role), password
                    )

    # -- households ------------------------------------------------------------------------------

    def culture(self) -> Culture:
        return self.rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]

    def person(
        self,
        culture: Culture,
        surname: str,
        *,
        age: int | None,
        female: bool,
        relationship: str,
        given: str | None = None,
        is_child: bool = False,
    ) -> Person:
        dob = None
        if age is not None:
            dob = self.today - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))
        pool = culture.female if female else culture.male
        if given is None:  # no two people in a household share a first name
            given = self.rng.choice(pool)
            for _ in range(8):
                if given not in self.used_names:
                    break
                given = self.rng.choice(pool)
        self.used_names.add(given)
        return Person(
            self.sink.new_id(), given, surname, dob, is_child, relationship, female, culture.family_first
        )

    def household(self, index: int, featured: bool, featured_slot: bool = False) -> Household:
        rng = self.rng
        self.used_names = set()
        lead_female = True
        if featured:
            given, surname, culture_name, lead_female = FEATURED[index]
            culture = next(c for c in CULTURES if c.name == culture_name)
        else:
            culture = self.culture()
            surname, given = rng.choice(culture.surnames), None
        adults = [
            self.person(
                culture,
                surname,
                age=rng.randint(19, 52),
                female=lead_female,
                relationship="mother" if lead_female else "father",
                given=given,
            )
        ]
        if rng.random() < 0.55:
            partner_culture = culture if rng.random() < 0.8 else self.culture()
            partner_surname = surname if partner_culture is culture else rng.choice(partner_culture.surnames)
            roles = (
                ("father", "father", "stepfather", "partner")
                if lead_female
                else ("mother", "mother", "stepmother", "partner")
            )
            adults.append(
                self.person(
                    partner_culture,
                    partner_surname,
                    age=rng.randint(20, 58),
                    female=not lead_female,
                    relationship=rng.choice(roles),
                )
            )
        if rng.random() < 0.06:
            adults.append(
                self.person(
                    culture, surname, age=rng.randint(55, 80), female=True, relationship="grandmother"
                )
            )
        children = []
        wanted = rng.choices((0, 1, 2, 3, 4, 5), weights=(8, 27, 32, 19, 9, 5))[0]
        for _ in range(min(wanted, 7 - len(adults))):
            female = rng.random() < 0.5
            children.append(
                self.person(
                    culture,
                    surname,
                    age=rng.randint(0, 17),
                    female=female,
                    relationship="daughter" if female else "son",
                    is_child=True,
                )
            )
        if rng.random() < 0.06 and len(adults) + len(children) < 7:
            unborn = Person(
                self.sink.new_id(), "Baby", surname, None, True, "unborn", None, culture.family_first
            )
            children.append(unborn)
        level = rng.choices((1, 2, 3, 4), weights=(10, 40, 40, 10))[0]
        return Household(
            id=self.sink.new_id(),
            surname=surname,
            open=rng.random() < 0.7,
            level=level,
            worker=rng.choice(self.workers),
            created=self.when(1400, 30),
            adults=adults,
            children=children,
            # a fresh hub always has one family whose address is confidential (index 4), then about 2%
            confidential=index == len(FEATURED) if featured_slot else rng.random() < 0.02,
        )

    def write_household(self, h: Household) -> None:
        rng, by = self.rng, h.worker
        town, district = rng.choice(TOWNS)
        letters = "ABDEFGHJLNPQRSTUWXYZ"
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
        self.sink.add(
            "family",
            h.created,
            by,
            row_id=h.id,
            family_id=h.id,
            reference=family_reference(self.hub_code, rng.choice),
            display_name=h.surname,
            hub_id=self.hub_id,
            address_line1=f"{rng.randint(1, 140)} {rng.choice(STREETS)}",
            address_line2=None,
            town=town,
            postcode=postcode,
            confidential_address=h.confidential,
            status="open" if h.open else "closed",
            level_of_need=h.level if h.open else None,
            lead_worker_id=by,
            lawful_basis="public_task",
            evaluation_opt_out=rng.random() < 0.05,
            safeguarding_override=False,
            override_reason=None,
            merged_into_id=None,
        )
        people = h.adults + h.children
        for p in people:
            school_age = p.is_child and p.dob is not None and 4 <= (self.today - p.dob).days // 365 <= 11
            self.write_person(
                h,
                p,
                due_date=self.today + dt.timedelta(days=rng.randint(20, 150))
                if p.relationship == "unborn"
                else None,
                interpreter_needed=rng.random() < 0.04,
                disability="Autism" if p.is_child and rng.random() < 0.04 else None,
                school="Torre Primary School" if school_age else None,
            )
            self.membership(h, p, lives=True)
        shared = h.shared_child or rng.random() < 0.04
        if self.previous_child is not None and shared and len(people) < 7:
            self.membership(h, self.previous_child, lives=False)  # a child of separated parents
        born = [c for c in h.children if c.relationship != "unborn"]
        if born:  # the next household may share this child (kept until another child comes along)
            self.previous_child = rng.choice(born)
        if h.confidential:
            # a parent who must not know where the family lives (e.g. a perpetrator of domestic abuse)
            absent = self.person(
                CULTURES[0], h.surname, age=rng.randint(25, 55), female=False, relationship="father"
            )
            self.write_person(h, absent, must_not_know_whereabouts=True)
            self.membership(h, absent, lives=False)
            self.flag(h, "safeguarding_concern", "Safeguarding concern recorded")
        if rng.random() < 0.05:
            self.flag(h, "do_not_visit_alone", "Do not visit alone")
        if rng.random() < 0.03:
            self.flag(h, "animals", "Animals at the property", "A large dog")
        if rng.random() < 0.1:
            tag = rng.choice(TAGS)
            self.sink.add(
                "family_tag",
                h.created,
                by,
                row_id=derived_id("family_tag", h.id, tag.casefold()),
                family_id=h.id,
                tag=tag,
            )
        casework.professionals(self, h)
        casework.sharing(self, h)
        casework.episodes(self, h)
        community.links(self, h)

    def write_person(self, h: Household, p: Person, **fields: object) -> None:
        values: dict[str, object] = {
            "due_date": None,
            "ethnicity": None,
            "religion": None,
            "language": None,
            "interpreter_needed": False,
            "communication_needs": None,
            "disability": None,
            "school": None,
            "nhs_number": None,
            "upn": None,
            "must_not_know_whereabouts": False,
            "merged_into_id": None,
        }
        values.update(fields)
        self.sink.add(
            "person",
            h.created,
            h.worker,
            row_id=p.id,
            family_id=h.id,
            given_name=p.given,
            family_name=p.family,
            preferred_name=None,
            family_name_first=p.family_first,
            date_of_birth=p.dob,
            gender=None if p.female is None else ("female" if p.female else "male"),
            **values,
        )

    def flag(self, h: Household, code: str, label: str, note: str | None = None) -> None:
        self.sink.add(
            "family_flag",
            h.created,
            h.worker,
            row_id=derived_id("family_flag", h.id, code),
            family_id=h.id,
            code=code,
            label=label,
            note=note,
        )

    def membership(self, h: Household, p: Person, *, lives: bool) -> None:
        self.sink.add(
            "membership",
            h.created,
            h.worker,
            row_id=derived_id("membership", h.id, p.id),
            family_id=h.id,
            person_id=p.id,
            relationship=p.relationship,
            is_child=p.is_child,
            lives_in_household=lives,
            parental_responsibility=p.relationship in ("mother", "father"),
        )


def issue_plans(ws: Workspace, featured: list[str], limit: int) -> None:
    """Issues real plans (snapshot, hash, audit) for some families, as if printed at a review."""
    with ws.read() as session:
        with_plans = list(
            session.scalars(
                select(Plan.family_id)
                .where(Plan.status == "active", Plan.deleted.is_(False))
                .order_by(Plan.family_id)
            )
        )
    chosen = [f for f in featured if f in set(with_plans)]
    chosen += [f for f in with_plans if f not in chosen][: max(0, limit - len(chosen))]
    for index, family_id in enumerate(chosen):
        ws.services.documents.issue_plan(family_id)
        if index % 3 == 0:  # some families have had their plan updated and issued again
            ws.services.documents.issue_plan(family_id, large_print=index % 2 == 0)


def build_demo(
    ws: Workspace,
    *,
    families: int = 200,
    seed: int = 1,
    today: dt.date | None = None,
    password: str | None = None,
) -> DemoSummary:
    """Adds ``families`` synthetic households (and, the first time, staff, venues and a directory)."""
    if not ws.demo:
        raise ValueError("demo data goes only into a demo store")
    rng = random.Random(seed)
    gen = Generator(ws, rng, today or dt.date.today())
    with ws.read() as session:
        already = session.scalar(select(func.count()).select_from(Family)) or 0
    gen.reference(asset_count=max(40, families // 10), password=password)
    with ws.db.engine.begin() as conn:
        gen.sink.flush(conn)
    for start in range(0, families, CHUNK):
        for index in range(start, min(families, start + CHUNK)):
            featured = already == 0 and index < len(FEATURED)
            fresh = already == 0 and index <= len(FEATURED) + 1
            household = gen.household(index, featured, featured_slot=fresh)
            if featured:
                gen.featured_ids.append(household.id)
            household.shared_child = fresh and index == len(FEATURED) + 1
            gen.write_household(household)
        with ws.db.engine.begin() as conn:
            gen.sink.flush(conn)
    with ws.db.engine.begin() as conn:
        reindex_all(conn)
    issue_plans(ws, gen.featured_ids, limit=max(4, min(ISSUED_SAMPLE, families // 4)))
    with ws.db.engine.begin() as conn:
        conn.execute(delete(OutboxOp))  # a settled baseline: nothing waits to sync
        current = conn.execute(select(Meta.value).where(Meta.key == "hlc")).scalar() or "0"
        conn.execute(
            update(Meta).where(Meta.key == "hlc").values(value=str(max(int(current), gen.sink.max_stamp)))
        )
    ws.db.checkpoint()
    return DemoSummary(families, dict(gen.sink.counts))
