"""Checks before a push is applied: may this laptop write this op, and does the sync delete too much?

``check_scope`` refuses what a device may never write (and flags what it may write only because the
family was in its scope when it read it); ``hold_ops`` keeps aside family deletions beyond the mass-delete
limit of one sync until a supervisor releases them.
"""

from __future__ import annotations

import math
import uuid

from sqlalchemy import Connection, func, insert, select, update

from sync import merge
from sync.merge import MergeError, OpView, Scope
from sync.protocol import Op, OpProblem
from sync.server import db
from sync.server.accounts import now_ms
from sync.server.oplog import SCHEMA, SERVER_MANAGED, Batch, Refusal


def check_scope(batch: Batch, op: Op, roles: dict[str, str], view: OpView) -> None:
    """Raises Refusal for an op this device may not write (``view`` is ``op.view()``). Applied-and-flagged
    cases add an event."""
    spec = SCHEMA.get(op.table)
    if spec is None:
        raise Refusal(f"there is no table called {op.table}")
    try:
        merge.check_op(spec, view)
    except MergeError as exc:
        raise Refusal(str(exc)) from exc
    pusher = batch.pusher
    if pusher.server:
        return
    if op.device != pusher.device_id:
        raise Refusal("a laptop may only send the changes it made itself")
    role = roles.get(op.user)
    if role is None:
        raise Refusal(f"the change was made by {op.user}, who has no account on this server")
    if op.table in SERVER_MANAGED:
        raise Refusal("hubs, localities and staff accounts are managed by the administrator on the server")
    if op.kind == "redact" and role != "supervisor":
        raise Refusal("only a supervisor can redact")
    if spec.scope is not Scope.FAMILY:
        return
    family_id = op.family_id
    if not family_id or (op.table == "family" and op.row_id != family_id):
        raise Refusal("a family record must say which family it belongs to")
    hub = batch.family_hub(family_id)
    if hub is None:
        if op.table == "family" and op.kind == "insert":
            wanted = op.fields.get("hub_id")
            if wanted is None or wanted.value != pusher.hub_id:
                raise Refusal("a laptop can only create families in its own hub")
            batch.family_hubs[family_id] = (None, pusher.hub_id, False)
            return
        raise Refusal("this change belongs to a family the server does not hold")
    if hub == pusher.hub_id:
        return
    ever = batch.conn.execute(
        select(db.scope_changes.c.id).where(
            db.scope_changes.c.family_id == family_id, db.scope_changes.c.new_hub == pusher.hub_id
        )
    ).first()
    if ever is None:
        raise Refusal("this family has never been held by your hub")
    batch.events.append(
        {"kind": "out_of_scope_write", "detail": {"family_id": family_id, "hub_id": hub, "op_id": op.op_id}}
    )


def mass_delete_limit(conn: Connection, hub_id: str, share: float, most: int) -> int:
    live = (
        conn.execute(
            select(func.count())
            .select_from(db.families)
            .where(db.families.c.hub_id == hub_id, db.families.c.deleted.is_(False))
        ).scalar()
        or 0
    )
    return max(1, min(most, math.floor(share * live)))


# A device's open holds, read with every push; their families (HELD_FAMILIES) only when it has some. Two
# one-table statements, the second seldom sent: the join they replace took 130 us to plan, every push.
OPEN_HOLDS = "SELECT hold_id FROM holds WHERE device_id = :device AND status = 'held'"
HELD_FAMILIES = "SELECT family_id, hold_id FROM held_ops WHERE hold_id = :hold"


def hold_ops(
    batch: Batch,
    ops: list[Op],
    digests: dict[str, str],
    open_holds: dict[str, str],
    sync_id: str,
    share: float,
    most: int,
) -> tuple[list[Op], list[OpProblem]]:
    """Family deletes beyond the mass-delete limit of one sync, with their families' other ops, are held
    (``digests``: each op's, as sent; ``open_holds``: the device's held families and their holds, by
    ``OPEN_HOLDS`` and ``HELD_FAMILIES``)."""
    conn, device = batch.conn, batch.pusher.device_id
    deletes: dict[str, set[str]] = {}
    for op in ops:
        if op.table == "family" and op.kind == "delete":
            hub = batch.family_hub(op.row_id)
            if hub is not None:
                deletes.setdefault(hub, set()).add(op.row_id)
    held_families: dict[str, str] = dict(open_holds)
    for hub, families in deletes.items():
        counted = conn.execute(
            select(db.push_counts.c.deletes).where(
                db.push_counts.c.device_id == device,
                db.push_counts.c.sync_id == sync_id,
                db.push_counts.c.hub_id == hub,
            )
        ).scalar()
        total = (counted or 0) + len(families)
        if counted is None:
            conn.execute(
                insert(db.push_counts).values(device_id=device, sync_id=sync_id, hub_id=hub, deletes=total)
            )
        else:
            conn.execute(
                update(db.push_counts)
                .where(
                    db.push_counts.c.device_id == device,
                    db.push_counts.c.sync_id == sync_id,
                    db.push_counts.c.hub_id == hub,
                )
                .values(deletes=total)
            )
        if total <= mass_delete_limit(conn, hub, share, most):
            continue
        hold_id = conn.execute(
            select(db.holds.c.hold_id).where(
                db.holds.c.device_id == device, db.holds.c.sync_id == sync_id, db.holds.c.hub_id == hub
            )
        ).scalar()
        if hold_id is None:
            hold_id = str(uuid.uuid4())
            conn.execute(
                insert(db.holds).values(
                    hold_id=hold_id,
                    device_id=device,
                    hub_id=hub,
                    sync_id=sync_id,
                    created_ms=now_ms(),
                    status="held",
                    families=0,
                )
            )
        conn.execute(
            update(db.holds)
            .where(db.holds.c.hold_id == hold_id)
            .values(families=db.holds.c.families + len(families))
        )
        batch.events.append({"kind": "mass_delete_held", "detail": {"hold_id": hold_id, "families": total}})
        for family_id in families:
            held_families[family_id] = hold_id
    problems: list[OpProblem] = []
    kept: list[Op] = []
    position = now_ms() * 1000
    for op in ops:
        hold_id = held_families.get(op.family_id or "")
        if hold_id is None or (op.kind != "delete" and op.family_id not in open_holds):
            kept.append(op)
            continue
        position += 1
        conn.execute(
            insert(db.held_ops).values(
                op_id=op.op_id,
                hold_id=hold_id,
                position=position,
                digest=digests[op.op_id],
                family_id=op.family_id,
                payload=op.model_dump_json(exclude_defaults=True),
            )
        )
        problems.append(OpProblem(op_id=op.op_id, status="held", reason=HELD_REASON, hold_id=hold_id))
    return kept, problems


HELD_REASON = (
    "This sync deletes more families than the safety limit allows; the deletions wait for a supervisor "
    "to confirm them on the server."
)
