"""Changes to the local store that are not anyone's edit: canonical stamps, evictions, the final wipe."""

from __future__ import annotations

import json

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.replication.local import MODELS, bump_generation
from earlyhelp_desktop.core.store.capture import SCHEMA
from earlyhelp_desktop.core.store.models import AppliedOp, ConflictRecord, FieldHistory, OutboxOp
from earlyhelp_desktop.core.store.search import reindex
from earlyhelp_desktop.core.store.store import Workspace
from sync.clock import with_stamp
from sync.merge import Scope
from sync.protocol import Op


def rewrite_version(session: Session, op: Op, new_stamp: int) -> None:
    """The server clamped this op's stamp: every local copy of its version id takes the canonical one."""
    old = op.version
    new = with_stamp(old, new_stamp)
    spec = SCHEMA.get(op.table)
    if spec is not None and spec.scope is Scope.FAMILY:
        bump_generation(session, [op.family_id])
    else:
        bump_generation(session, [], [op.table])
    model = MODELS.get(op.table)
    if model is None:
        return
    obj = session.get(model, op.row_id)
    if obj is not None:
        if obj.version == old:
            obj.version = new
        if obj.sync_meta:
            obj.sync_meta = json.loads(json.dumps(obj.sync_meta).replace(old, new))
    session.execute(update(FieldHistory).where(FieldHistory.version == old).values(version=new))
    for record in session.scalars(select(ConflictRecord).where(ConflictRecord.row_id == op.row_id)):
        if old in record.values:
            values = dict(record.values)
            values[new] = values.pop(old)
            record.values = values


def evict_family(session: Session, family_id: str) -> None:
    """Removes a family that now belongs to another hub from this laptop (not a delete: no op)."""
    bump_generation(session, [family_id])
    for table, model in MODELS.items():
        column = getattr(model, "family_id", None)
        if column is None:
            continue
        ids = list(session.scalars(select(model.id).where(column == family_id)))
        if ids:
            session.execute(
                delete(FieldHistory).where(FieldHistory.table_name == table, FieldHistory.row_id.in_(ids))
            )
            table_ = model.__table__  # type: ignore[attr-defined]
            session.connection().execute(table_.delete().where(table_.c.family_id == family_id))
            for obj in [o for o in session.identity_map.values() if isinstance(o, model) and o.id in ids]:
                session.expunge(obj)
    session.execute(delete(ConflictRecord).where(ConflictRecord.family_id == family_id))
    session.execute(delete(AppliedOp).where(AppliedOp.family_id == family_id))
    session.execute(delete(OutboxOp).where(OutboxOp.family_id == family_id, OutboxOp.state == "acked"))
    reindex(session.connection(), [family_id])


def wipe(ws: Workspace, device: DeviceFile) -> None:
    """A verified retire or revoke message: every key slot goes, then the enrolment. Nothing else does."""
    store = ws.store
    if not ws.locked:
        ws.lock()
    store.vault.destroy()
    device.remove()
