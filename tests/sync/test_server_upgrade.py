"""A server database written before ops carried their family's hub is upgraded in place, losing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sync.server import db


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_ops_logged_at_0001_are_filed_under_their_familys_hub(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = db.make_engine(url)
    db.migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO families (family_id, hub_id, deleted) VALUES ('f-1', 'hub-a', false)"))
        for seq, (table, family, scope) in enumerate(
            [
                ("family", "f-1", "family"),
                ("person", "f-1", "family"),
                ("audit_event", "f-1", "audit"),
                ("ref_item", None, "reference"),
            ],
            start=1,
        ):
            conn.execute(
                text(
                    "INSERT INTO ops (seq, op_id, digest, table_name, row_id, family_id, scope, "
                    "device_id, user_id, payload, received_ms) "
                    "VALUES (:seq, :op, 'd', :t, :r, :f, :s, 'dev', 'u', '{}', 0)"
                ),
                {"seq": seq, "op": f"op-{seq}", "t": table, "r": f"row-{seq}", "f": family, "s": scope},
            )
    db.migrate(engine)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT seq, hub_id FROM ops ORDER BY seq")).all()
    engine.dispose()
    assert [tuple(r) for r in found] == [(1, "hub-a"), (2, "hub-a"), (3, None), (4, None)]
