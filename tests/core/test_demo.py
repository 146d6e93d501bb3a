"""The demo hub: deterministic, varied, and exercising every name and state the brief asks for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from earlyhelp_desktop.core.demo import build_demo
from earlyhelp_desktop.core.store.models import (
    Assessment,
    CommunityAsset,
    Family,
    Membership,
    OutboxOp,
    Person,
    SocialLink,
)
from earlyhelp_desktop.core.store.store import Store, Workspace
from tests.conftest import CHEAP_KDF, PASSWORD

TODAY = dt.date(2026, 11, 1)


def demo(path: Path, families: int, seed: int) -> Workspace:
    ws = Store.create(
        path,
        username="demo",
        full_name="Dee Demo",
        password=PASSWORD,
        demo=True,
        hub_name="Torbay North",
        fixed_kdf=CHEAP_KDF,
    )
    build_demo(ws, families=families, seed=seed, today=TODAY, password=PASSWORD)
    return ws


def snapshot(ws: Workspace) -> list[tuple[str, str, str]]:
    with ws.read() as session:
        return sorted(session.execute(select(Family.reference, Family.display_name, Family.postcode)).all())


def test_same_seed_same_hub(tmp_path: Path) -> None:
    with demo(tmp_path / "a", 25, 4) as a, demo(tmp_path / "b", 25, 4) as b, demo(tmp_path / "c", 25, 5) as c:
        assert snapshot(a) == snapshot(b)
        assert snapshot(a) != snapshot(c)


def test_the_hub_is_varied_and_settled(tmp_path: Path) -> None:
    with demo(tmp_path / "d", 120, 1) as ws, ws.read() as session:
        people = {f"{p.given_name} {p.family_name}" for p in session.scalars(select(Person))}
        assert {"Zoë Ó Briain", "Siân Llŷr", "Thị Hoa Nguyễn", "Łukasz Wójcik"} <= people
        hoa = session.scalars(select(Person).where(Person.family_name == "Nguyễn")).first()
        assert hoa is not None and hoa.family_name_first  # written "Nguyễn Thị Hoa"
        statuses = set(session.scalars(select(Assessment.status).distinct()))
        assert statuses == {"draft", "submitted", "signed_off", "returned"}
        link_states = set(session.scalars(select(SocialLink.status).distinct()))
        assert link_states == {
            "offered",
            "referred",
            "accepted",
            "declined",
            "attended",
            "completed",
            "stopped",
        }
        assert set(session.scalars(select(Family.level_of_need).distinct())) >= {1, 2, 3, 4}
        assert session.scalar(select(func.count()).where(Person.due_date.is_not(None))) > 0  # unborn children
        assert session.scalar(select(func.count()).where(Family.confidential_address.is_(True))) >= 1
        assert session.scalar(select(func.count()).where(Person.must_not_know_whereabouts.is_(True))) >= 1
        in_two = (
            session.execute(
                select(Membership.person_id).group_by(Membership.person_id).having(func.count() > 1)
            )
            .scalars()
            .all()
        )
        assert in_two  # a child of separated parents belongs to both households
        sizes = (
            session.execute(
                select(func.count())
                .select_from(Membership)
                .where(Membership.lives_in_household.is_(True))
                .group_by(Membership.family_id)
            )
            .scalars()
            .all()
        )
        assert min(sizes) >= 1 and max(sizes) <= 7
        assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0
        # children are linked to activities for children, and no adult to the youth club
        linked = session.execute(
            select(Person.date_of_birth, CommunityAsset.category_code)
            .join(SocialLink, SocialLink.person_id == Person.id)
            .join(CommunityAsset, CommunityAsset.id == SocialLink.asset_id)
        ).all()
        adult_on = TODAY - dt.timedelta(days=18 * 365)
        for_children = {"youth", "physical_activity", "arts_creativity", "nature", "food"}
        children = [c for born, c in linked if born is not None and born > adult_on]
        adults = [c for born, c in linked if born is not None and born <= adult_on]
        assert children and all(c in for_children for c in children)
        assert adults and "youth" not in adults
    assert {u.username for u in Store(tmp_path / "d").users()} == {"demo", "worker", "connector"}
