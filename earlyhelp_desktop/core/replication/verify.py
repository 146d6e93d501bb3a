"""The laptop's side of the scope digest (see ``sync.digest``): computed from the rows it holds."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.replication.local import MODELS
from earlyhelp_desktop.core.store.capture import SCHEMA
from sync.digest import bucket_of, part_of, row_hash
from sync.merge import RowState, Scope

Parts = dict[str, dict[str, int]]  # bucket -> part -> xor of row hashes


def local_parts(session: Session, buckets: set[str]) -> Parts:
    """Every wanted bucket's parts, from the rows in the store (family rows go by their family's hub)."""
    family_model = MODELS["family"]
    hubs: dict[str, str | None] = {
        r[0]: r[1] or None
        for r in session.execute(
            select(family_model.id, family_model.hub_id).where(family_model.version.is_not(None))  # type: ignore[attr-defined]
        )
    }
    parts: Parts = {bucket: {} for bucket in buckets}
    for table, model in MODELS.items():
        spec = SCHEMA[table]
        if spec.scope is Scope.AUDIT:
            continue
        family_scoped = spec.scope is Scope.FAMILY
        columns = [model.id, model.version, model.sync_meta]
        if family_scoped:
            columns.append(model.family_id)  # type: ignore[attr-defined]
        for row in session.execute(select(*columns)):
            family_id = row[3] if family_scoped else None
            bucket = bucket_of(spec.scope, hubs.get(family_id or "") if family_scoped else None)
            if bucket not in parts:
                continue
            state = RowState(table, row[0], row[1])
            state.load_meta(row[2])
            part = part_of(spec.scope, table, family_id)
            found = parts[bucket]
            found[part] = found.get(part, 0) ^ row_hash(state)
    return parts


def totals(parts: Parts) -> dict[str, str]:
    result = {}
    for bucket, found in parts.items():
        total = 0
        for value in found.values():
            total ^= value
        result[bucket] = f"{total:032x}"
    return result


def differing(local: dict[str, int], server: dict[str, str]) -> list[str]:
    """Parts whose digests differ (a part missing on one side counts as zero)."""
    names = set(local) | set(server)
    return sorted(n for n in names if local.get(n, 0) != int(server.get(n, "0") or "0", 16))
