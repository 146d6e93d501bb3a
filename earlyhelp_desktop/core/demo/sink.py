"""Fast writes of synthetic rows: buffered core INSERTs with replication metadata filled in.

The demo is a *settled baseline*: rows carry versions as if they had been synced long ago, and no ops
wait in the outbox. That is why it writes below change capture, and why a demo store can never be
enrolled with a real server.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, Table

from earlyhelp_desktop.core.store.models import Base
from sync.clock import stamp


class Sink:
    """Collects rows per table and inserts them in batches, in table dependency order."""

    def __init__(self, rng: random.Random, device_id: str) -> None:
        self.rng = rng
        self.device_id = device_id
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.max_stamp = 0

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, table: str, when: dt.datetime, by: str, *, row_id: str | None = None, **fields: Any) -> str:
        """Queues one row written at ``when`` by ``by``; returns its id."""
        row_id = row_id or self.new_id()
        op_stamp = stamp(int(when.timestamp() * 1000), self.rng.getrandbits(12))
        self.max_stamp = max(self.max_stamp, op_stamp)
        op_id = f"{self.rng.getrandbits(128):032x}"
        self.rows[table].append(
            {
                "id": row_id,
                "version": f"{op_stamp:016x}.{self.device_id}.{op_id}",
                "sync_meta": None,
                "deleted": False,
                "created_at": when,
                "created_by": by,
                "updated_at": when,
                "updated_by": by,
                **fields,
            }
        )
        return row_id

    def update(self, table: str, row_id: str, **fields: Any) -> None:
        """Changes a row not yet flushed (e.g. a plan's review date once its reviews are known)."""
        for row in reversed(self.rows[table]):
            if row["id"] == row_id:
                row.update(fields)
                return
        raise KeyError(f"{table} {row_id} is not waiting to be written")

    def flush(self, conn: Connection) -> None:
        tables: dict[str, Table] = Base.metadata.tables
        for name, rows in self.rows.items():
            if rows:
                conn.execute(tables[name].insert(), rows)
                self.counts[name] += len(rows)
        self.rows.clear()
