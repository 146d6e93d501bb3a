"""The deterministic merge, applied by the desktop and the server alike.

Every field value carries the version id of the op that wrote it. An op names, per field, the versions
it replaces (its *base*). The *frontier* of a field is the set of versions that no known op replaces;
normally one, more when two writes were made without seeing each other (*concurrent*). The frontier is
a function of the set of ops applied, not of their order, so replicas that applied the same ops agree.

Policies (declared per table and field next to the models):

* ``lww``: concurrent values are all kept in the frontier; the one shown is the greatest by
  (stamp, device); the others stay in ``others`` and are reported as field history.
* ``guarded``: as ``lww``, and a frontier of more than one raises a conflict for a supervisor.
* a *group* is a field key whose value is a dict of several columns, merged as one value.
* table kind ``set``: rows have deterministic ids, so concurrent additions meet in one row; a
  removal concurrent with an addition loses (add wins) without a conflict.
* table kind ``append``: rows are inserted once and never updated (only redacted).

Deletes write the hidden field ``_deleted`` and list, in ``saw``, the op ids of every version the
deleting device had seen in the row. A delete meets an edit it did not see: the row stays alive and,
for ordinary tables, a conflict is raised (deletion never silently wins over someone's work).

Redaction (``kind == "redact"``) replaces the values it names and purges them and every earlier value of
that field, from the row and from history, on every copy; a value written concurrently (not named) stays.
Values named by a redaction before they arrive are remembered (``redacted``) and never enter history.

Order independence: an op's base is processed whether the op arrives before or after the ops that name
it, and a base version that this replica already applied and superseded is not "unseen". Replicas tell
``apply`` which op ids they have applied (``known``); without it every missing base counts as unseen.

Callers apply each op at most once per replica (they keep op ids); repeating the op that is still in a
frontier is harmless, but a superseded op applied twice would come back, so callers must deduplicate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from sync.clock import version_op, version_order

DELETED = "_deleted"


class Policy(StrEnum):
    LWW = "lww"
    GUARDED = "guarded"


class TableKind(StrEnum):
    FIELDS = "fields"
    SET = "set"
    APPEND = "append"


class Scope(StrEnum):
    """Which devices a table's rows travel to."""

    FAMILY = "family"  # rows of one family: devices of the hub holding it
    REFERENCE = "reference"  # configuration: every device
    DIRECTORY = "directory"  # the community directory: every device
    AUDIT = "audit"  # pushed to the server, never sent back


class FieldType(StrEnum):
    TEXT = "text"
    INT = "int"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    JSON = "json"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    type: FieldType
    policy: Policy = Policy.LWW
    nullable: bool = True
    members: tuple[FieldSpec, ...] = ()  # for a group


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    kind: TableKind
    scope: Scope
    fields: Mapping[str, FieldSpec]
    parent: str | None = None  # the table whose deletion this row's liveness affects ("family")


Schema = Mapping[str, TableSpec]


class MergeError(ValueError):
    """An op that cannot be applied under the schema (kept aside, never applied)."""


@dataclass
class FieldChange:
    value: Any
    base: list[str] = field(default_factory=list)


@dataclass
class OpView:
    """The parts of an op the merge needs (the wire model lives in sync.protocol)."""

    kind: Literal["insert", "update", "delete", "restore", "redact"]
    table: str
    row_id: str
    version: str
    fields: dict[str, FieldChange]
    saw: list[str] = field(default_factory=list)


@dataclass
class RowState:
    """One row as the merge sees it. JSON-serialisable through ``to_json``/``from_json``.

    ``frontier`` holds only the keys whose frontier differs from ``[version]``; ``others`` holds the
    values of frontier versions that are not shown; ``unseen`` remembers versions that an op replaced
    before they arrived; ``saw`` maps each delete version in the frontier to the op ids it had seen.
    """

    table: str
    row_id: str
    version: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    frontier: dict[str, list[str]] = field(default_factory=dict)
    others: dict[str, dict[str, Any]] = field(default_factory=dict)
    unseen: dict[str, list[str]] = field(default_factory=dict)
    saw: dict[str, list[str]] = field(default_factory=dict)
    redacted: dict[str, list[str]] = field(default_factory=dict)

    def frontier_of(self, key: str) -> list[str]:
        """The versions no known op replaces. ``_deleted`` has none until a delete or restore."""
        found = self.frontier.get(key)
        if found is not None:
            return found
        if key == DELETED:
            return []
        return [self.version] if self.version is not None else []

    def meta_json(self) -> dict[str, Any] | None:
        """Everything but values and version, or None when trivial (the common case)."""
        meta = {
            k: v
            for k, v in (
                ("frontier", self.frontier),
                ("others", self.others),
                ("unseen", self.unseen),
                ("saw", self.saw),
                ("redacted", self.redacted),
            )
            if v
        }
        return meta or None

    def load_meta(self, meta: Mapping[str, Any] | None) -> None:
        meta = meta or {}
        self.frontier = {k: list(v) for k, v in meta.get("frontier", {}).items()}
        self.others = {k: dict(v) for k, v in meta.get("others", {}).items()}
        self.unseen = {k: list(v) for k, v in meta.get("unseen", {}).items()}
        self.saw = {k: list(v) for k, v in meta.get("saw", {}).items()}
        self.redacted = {k: list(v) for k, v in meta.get("redacted", {}).items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "row_id": self.row_id,
            "version": self.version,
            "values": self.values,
            "meta": self.meta_json(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RowState:
        state = cls(data["table"], data["row_id"], data.get("version"), dict(data.get("values") or {}))
        state.load_meta(data.get("meta"))
        return state


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A value that left the row (superseded) or lost to a concurrent one (kept for the record)."""

    key: str
    version: str
    value: Any
    reason: Literal["superseded", "concurrent"]


@dataclass
class ApplyResult:
    changed: list[str] = field(default_factory=list)  # field keys whose shown value changed
    history: list[HistoryEntry] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)  # field keys whose history must be purged
    duplicate: bool = False  # nothing new: this op was already applied


@dataclass(frozen=True, slots=True)
class Conflict:
    table: str
    row_id: str
    key: str  # a field key, or "_deleted" for an edit that met a delete
    kind: Literal["concurrent", "edit_delete"]
    values: dict[str, Any]  # version id -> value, every value kept


class Liveness(StrEnum):
    LIVE = "live"
    DELETED = "deleted"
    CONTESTED = "contested"  # deleted by someone who had not seen every edit: kept alive


def _ops(versions: Iterable[str]) -> set[str]:
    return {version_op(v) for v in versions}


def _winner(versions: Iterable[str]) -> str:
    return max(versions, key=version_order)


def check_op(spec: TableSpec, op: OpView) -> None:
    """Raises MergeError when ``op`` does not fit the table's declared shape."""
    if op.kind == "insert":
        allowed = set(spec.fields)
    elif op.kind in ("delete", "restore"):
        if spec.kind is TableKind.APPEND:
            raise MergeError(f"{spec.name} rows are never deleted, only redacted")
        allowed = {DELETED}
    elif op.kind == "update":
        if spec.kind is TableKind.APPEND:
            raise MergeError(f"{spec.name} rows are append-only and cannot be edited")
        allowed = set(spec.fields)
    elif op.kind == "redact":
        allowed = set(spec.fields)
    else:
        raise MergeError(f"unknown op kind {op.kind!r}")
    unknown = set(op.fields) - allowed
    if unknown:
        raise MergeError(f"{spec.name} has no field(s) {', '.join(sorted(unknown))} for a {op.kind}")
    if not op.fields:
        raise MergeError("an op must change at least one field")
    if op.kind == "insert":
        missing = sorted(k for k, f in spec.fields.items() if not f.nullable and k not in op.fields)
        if missing:
            raise MergeError(f"a new {spec.name} record needs {', '.join(missing)}")
    if op.kind in ("delete", "restore"):
        wanted = op.kind == "delete"
        if op.fields[DELETED].value is not wanted:
            raise MergeError(f"a {op.kind} must set _deleted to {str(wanted).lower()}")
    for key, change in op.fields.items():
        if key != DELETED:
            check_value(spec.fields[key], change.value)


def check_value(spec: FieldSpec, value: Any) -> None:
    """Raises MergeError when a wire value does not fit the field's declared type."""
    if value is None:
        if not spec.nullable:
            raise MergeError(f"{spec.key} must have a value")
        return
    kind = spec.type
    ok: bool
    if kind is FieldType.TEXT:
        ok = isinstance(value, str)
    elif kind is FieldType.INT:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is FieldType.BOOL:
        ok = isinstance(value, bool)
    elif kind is FieldType.DATE:
        ok = isinstance(value, str) and _parses(dt.date.fromisoformat, value)
    elif kind is FieldType.DATETIME:
        ok = isinstance(value, str) and _parses(dt.datetime.fromisoformat, value)
    elif kind is FieldType.JSON:
        ok = isinstance(value, (dict, list, str, int, float, bool))
    else:  # group
        ok = isinstance(value, dict) and set(value) == {m.key for m in spec.members}
        if ok:
            for member in spec.members:
                check_value(member, value[member.key])
    if not ok:
        raise MergeError(f"{spec.key} has a value of the wrong type ({type(value).__name__})")


def _parses(parse: Any, text: str) -> bool:
    try:
        parse(text)
    except ValueError:
        return False
    return True


Known = Callable[[str], bool]


def apply(
    spec: TableSpec, state: RowState, op: OpView, known: Known | None = None, checked: bool = False
) -> ApplyResult:
    """Applies one op to one row in place and says what changed.

    ``known(op_id)`` says whether this replica has already applied that op (to any row); it lets a late
    op's base be told apart from versions that are still to come. ``checked``: the caller has just passed
    this very view through ``check_op``.
    """
    if not checked:
        check_op(spec, op)
    result = ApplyResult()
    purge = op.kind == "redact"
    first_version = state.version
    for key, change in op.fields.items():
        _merge_field(state, key, op.version, change, result, purge, known)
    if op.kind == "delete":
        state.saw[op.version] = sorted(set(op.saw))
    if op.kind == "insert":
        _settle_insert(spec, state, op, first_version)
    # a delete that left the frontier of _deleted no longer matters: forget what it saw
    live_deletes = set(state.frontier_of(DELETED))
    for version in list(state.saw):
        if version not in live_deletes:
            del state.saw[version]
    result.history = [h for h in result.history if h.key != DELETED]
    result.duplicate = not result.changed and not result.history and not result.purged
    return result


def _settle_insert(spec: TableSpec, state: RowState, op: OpView, first_version: str | None) -> None:
    """The row's version is its insert's; two inserts of one row (a set row added twice) keep the greater."""
    if first_version is None:
        state.version = op.version
        for key in spec.fields:
            if key not in op.fields and key not in state.frontier:
                state.values.setdefault(key, None)
    elif version_op(first_version) != version_op(op.version):
        chosen = _winner([first_version, op.version])
        if chosen == first_version:
            return
        for key in list(state.values):
            if key != DELETED and key not in state.frontier:
                state.frontier[key] = [first_version]  # keep implicit frontiers as they were
        state.version = chosen
    else:
        return
    for key, versions in list(state.frontier.items()):
        if key != DELETED and versions == [state.version]:
            del state.frontier[key]


def _first_value(state: RowState, key: str, change: FieldChange, purge: bool) -> bool:
    """Whether ``change`` is the field's first value in this row (an insert's, usually) and names none."""
    return (
        not purge
        and not change.base
        and key not in state.values
        and key not in state.frontier
        and (state.version is None or key == DELETED)
        and key not in state.unseen
        and key not in state.redacted
    )


def _merge_field(
    state: RowState,
    key: str,
    version: str,
    change: FieldChange,
    result: ApplyResult,
    purge: bool,
    known: Known | None,
) -> None:
    if _first_value(state, key, change, purge):
        # nothing to supersede, remember or purge: the general path below comes to the same, at four
        # times the cost (tests/sync/test_merge_model.py compares the two)
        state.values[key] = change.value
        state.others.pop(key, None)
        state.frontier[key] = [version]
        result.changed.append(key)
        return
    current = state.frontier_of(key)
    current_ops = _ops(current)
    op_id = version_op(version)
    if op_id in current_ops:
        return
    values = {v: _value_of(state, key, v, current) for v in current}
    unseen = state.unseen.get(key, [])
    redacted = state.redacted.get(key, [])
    named_before = op_id in _ops(unseen)
    purging = purge or op_id in _ops(redacted)
    if named_before:
        # replaced before it arrived: its own value goes to history only (or nowhere, when redacted)
        _set_list(state.unseen, key, [v for v in unseen if version_op(v) != op_id])
        _set_list(state.redacted, key, [v for v in redacted if version_op(v) != op_id])
    named = _ops(change.base)
    new_frontier: list[str] = []
    for v in current:
        if version_op(v) in named:
            if not purging:
                result.history.append(HistoryEntry(key, v, values[v], "superseded"))
        else:
            new_frontier.append(v)
    for base in change.base:
        base_op = version_op(base)
        if base_op in current_ops or base_op == op_id or (known is not None and known(base_op)):
            continue
        if base_op not in _ops(state.unseen.get(key, [])):
            _set_list(state.unseen, key, sorted([*state.unseen.get(key, []), base]))
        if purging and base_op not in _ops(state.redacted.get(key, [])):
            _set_list(state.redacted, key, sorted([*state.redacted.get(key, []), base]))
    if purge:
        result.purged.append(key)
    if named_before:
        if not purging:
            result.history.append(HistoryEntry(key, version, change.value, "superseded"))
    else:
        new_frontier.append(version)
        values[version] = change.value
    new_frontier.sort(key=version_order)
    old_shown = state.values.get(key)
    had_value = key in state.values
    if new_frontier:
        winner = _winner(new_frontier)
        state.values[key] = values[winner]
        if not purging and not named_before:
            if winner != version:
                result.history.append(HistoryEntry(key, version, change.value, "concurrent"))
            else:
                for v in new_frontier:
                    if v != version and v not in (h.version for h in result.history):
                        result.history.append(HistoryEntry(key, v, values[v], "concurrent"))
        others = {v: values[v] for v in new_frontier if v != winner}
    else:
        others = {}
    if others:
        state.others[key] = others
    else:
        state.others.pop(key, None)
    if not new_frontier or (key != DELETED and state.version is not None and new_frontier == [state.version]):
        state.frontier.pop(key, None)
    else:
        state.frontier[key] = new_frontier
    if not had_value or old_shown != state.values.get(key) or purge:
        result.changed.append(key)


def _set_list(target: dict[str, list[str]], key: str, items: list[str]) -> None:
    if items:
        target[key] = items
    else:
        target.pop(key, None)


def _value_of(state: RowState, key: str, version: str, frontier: list[str]) -> Any:
    if frontier and version == _winner(frontier):
        return state.values.get(key)
    return state.others.get(key, {}).get(version)


def liveness(spec: TableSpec, state: RowState) -> Liveness:
    """Whether a row is deleted, considering edits its deleter had not seen."""
    if state.values.get(DELETED) is not True:
        return Liveness.LIVE
    deletes = [v for v in state.frontier_of(DELETED) if v in state.saw]
    seen: set[str] = set()
    for version in deletes:
        seen.update(state.saw[version])
        seen.add(version_op(version))
    keys = set(spec.fields) | set(state.frontier)
    for key in keys:
        if key == DELETED:
            continue
        for version in state.frontier_of(key):
            if version_op(version) not in seen:
                return Liveness.CONTESTED
    return Liveness.DELETED


def child_liveness(spec: TableSpec, state: RowState, family: RowState | None) -> Liveness:
    """A child row's liveness as its family's delete sees it.

    Ordinary and set rows are deleted by their own delete ops. Append-only rows (contacts) are never
    deleted: one counts as deleted when the family's delete had seen it, and as live (new work under a
    deleted family, which restores the family) when it had not.
    """
    if spec.kind is not TableKind.APPEND:
        return liveness(spec, state)
    if family is None or family.values.get(DELETED) is not True or state.version is None:
        return Liveness.LIVE
    seen: set[str] = set()
    for version in family.frontier_of(DELETED):
        seen.update(family.saw.get(version, []))
    return Liveness.DELETED if version_op(state.version) in seen else Liveness.LIVE


def family_liveness(own: Liveness, children: Iterable[Liveness]) -> Liveness:
    """A family deleted while someone added or edited its records stays alive, contested."""
    if own is not Liveness.DELETED:
        return own
    if any(child is not Liveness.DELETED for child in children):
        return Liveness.CONTESTED
    return own


def conflicts(spec: TableSpec, state: RowState, own: Liveness | None = None) -> list[Conflict]:
    """The open conflicts a row holds: guarded fields with concurrent values, contested deletes."""
    found: list[Conflict] = []
    for key, versions in state.frontier.items():
        if len(versions) < 2 or key == DELETED:
            continue
        fspec = spec.fields.get(key)
        if fspec is None or fspec.policy is not Policy.GUARDED:
            continue
        values = {v: _value_of(state, key, v, versions) for v in versions}
        found.append(Conflict(spec.name, state.row_id, key, "concurrent", values))
    own = own if own is not None else liveness(spec, state)
    if own is Liveness.CONTESTED and spec.kind is TableKind.FIELDS:
        versions = state.frontier_of(DELETED)
        values = {v: _value_of(state, DELETED, v, versions) for v in versions}
        found.append(Conflict(spec.name, state.row_id, DELETED, "edit_delete", values))
    return found


def seen_versions(state: RowState, spec: TableSpec) -> list[str]:
    """Op ids of every version in the row's frontiers: what a delete made now has seen."""
    seen: set[str] = set()
    for key in set(spec.fields) | set(state.frontier) | {DELETED}:
        seen.update(_ops(state.frontier_of(key)))
    return sorted(seen)
