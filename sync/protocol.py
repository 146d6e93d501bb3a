"""The wire format shared by the desktop and the server: the single source of truth.

Protocol versions (a client says which it speaks; the server accepts PROTOCOL_MIN..PROTOCOL_MAX):

* 1: ops with per-field values and base versions; push, pull by opaque cursor, scope digest. Lists of
  ops travel compacted (``compact_ops``): no "stamp" but "ds", the difference from the op before
  (left out when 1); table, kind, device and user only when they change; op ids left out when they
  are the stamp and device; a family row's family id left out; each field as [value] or
  [value, [base op ids]]. An op's
  identity and its hash never depend on that encoding. A push may carry the pull to answer once its ops
  are applied (``PushRequest.pull``, answered in ``PushResponse.page``): a sync that sends changes is
  then one request, not two. Only servers whose answers say ``X-EH-Push-Pulls: 1`` take the field (the
  first ones refuse it), so a laptop asks so only once it has seen that.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sync.clock import Version, op_id_for, version_op
from sync.merge import FieldChange, OpView

PROTOCOL_MIN = 1
PROTOCOL_MAX = 1

OpKind = Literal["insert", "update", "delete", "restore", "redact"]


class WireField(BaseModel):
    """One changed field: its new value and the versions it replaces (empty for a first value).

    A base entry is a version id or, on the wire, just its op id: only the op id is compared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Any = None  # finite: checked by the op that holds it (``Op._finite``)
    base: list[str] = Field(default_factory=list, max_length=64)


_PLAIN = frozenset({str, int, bool, type(None)})  # values that cannot hold NaN or infinity


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


class Op(BaseModel):
    """One change to one row, made by one person on one device, in one transaction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    op_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    table: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    row_id: str = Field(min_length=1, max_length=64)
    family_id: str | None = Field(default=None, max_length=64)
    kind: OpKind
    stamp: int = Field(ge=0, lt=1 << 64)
    device: str = Field(pattern=r"^[0-9a-f]{16}$")
    user: str = Field(min_length=1, max_length=64)
    fields: dict[str, WireField]
    saw: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _finite(self) -> Op:
        """JSON has no NaN or infinity (a lenient parser reads them): a value holding one is refused.
        Checked once an op, not by each field's own validator: a push of 50 ops (170 values) is read in
        395 us instead of 425 us."""
        for change in self.fields.values():
            if type(change.value) not in _PLAIN and not _finite(change.value):
                raise ValueError("a value may not hold NaN or infinity")
        return self

    @property
    def version(self) -> str:
        return str(Version(self.stamp, self.device, self.op_id))

    def view(self) -> OpView:
        """What sync.merge needs from this op."""
        return OpView(
            kind=self.kind,
            table=self.table,
            row_id=self.row_id,
            version=self.version,
            fields={k: FieldChange(f.value, list(f.base)) for k, f in self.fields.items()},
            saw=list(self.saw),
        )

    def digest(self) -> str:
        """sha256 of the op as sent, in a stable form (keys sorted, UTF-8): hashed for idempotency."""
        try:
            return hashlib.sha256(orjson.dumps(self.model_dump(), option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:  # a number beyond 64 bits: only the stdlib writes it
            return self.legacy_digest()

    def legacy_digest(self) -> str:
        """The digest the first servers logged (the stdlib's ASCII JSON, three times slower to make): an
        op logged then and sent again still matches it."""
        data = self.model_dump(mode="json")
        return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    def same_as_logged(self, logged: str, digest: str) -> bool:
        """Whether this op, hashed as ``digest`` now, is the one logged with digest ``logged``."""
        return logged == digest or logged == self.legacy_digest()


# -- HTTP conventions ----------------------------------------------------------------------------------

HEADER_PROTOCOL = "X-EH-Protocol"  # the version the client speaks
HEADER_DEVICE = "X-EH-Device"  # the enrolled device id
HEADER_COUNTER = "X-EH-Counter"  # strictly increasing per device: replay protection without clocks
HEADER_SIGNATURE = "X-EH-Signature"  # Ed25519 over signing_input(...), base64
HEADER_NEW_TOKEN = "X-EH-Token"  # a refreshed user token, sent back when the old one is half spent
HEADER_PUSH_PULLS = "X-EH-Push-Pulls"  # "1" on every answer of a server that answers a push's pull

MAX_PUSH_OPS = 1000
MAX_PULL_LIMIT = 5000
MAX_FAMILIES_PER_REQUEST = 500


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CarriesOps(Strict):
    """A message with lists of ops: they travel compacted and are read back whole."""

    @field_validator("ops", "directory", mode="before", check_fields=False)
    @classmethod
    def _expand(cls, value: Any) -> Any:
        return expand_ops(value)

    def wire(self) -> dict[str, Any]:
        carried = {name for name in ("ops", "directory") if getattr(self, name, None)}
        data = self.model_dump(mode="json", exclude_defaults=True, exclude=carried)  # ops once, compacted
        for name in carried:
            data[name] = compact_ops(getattr(self, name))
        return data


class ErrorBody(Strict):
    """Every refusal: a stable code for programs and a sentence for people."""

    error: str
    message: str
    detail: dict[str, Any] | None = None


class Hello(Strict):
    protocol_min: int
    protocol_max: int
    epoch: str
    server_time_ms: int


class Account(Strict):
    user_id: str
    username: str
    full_name: str
    role: str
    hub_id: str


class SignedMessage(Strict):
    """A message from the server that only its Ed25519 key can have written (retire, revoke)."""

    payload: str = Field(max_length=4096)  # JSON text: {"action", "device_id", "issued_at_ms"}
    signature: str = Field(max_length=200)


class EnrolRequest(Strict):
    code: str = Field(min_length=4, max_length=64)
    device_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    public_key: str = Field(min_length=40, max_length=64)  # Ed25519, base64
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    label: str = Field(default="", max_length=120)
    local_users: list[str] = Field(default_factory=list, max_length=500)  # binding: must all be accounts


class EnrolResponse(CarriesOps):
    device_id: str
    hub_id: str
    hub_name: str
    epoch: str
    server_public_key: str
    escrow_secret: str
    token: str
    token_expires_ms: int
    account: Account
    directory: list[Op]  # the hub and staff rows, so the laptop starts from the server's own rows


class LoginRequest(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    escrow: bool = False


class EscrowRelease(Strict):
    secrets: list[str]  # the current secret (and one not yet confirmed), base64
    new_secret: str  # wrap the data key under this one, then confirm


class LoginResponse(CarriesOps):
    token: str
    token_expires_ms: int
    account: Account
    escrow: EscrowRelease | None = None
    directory: list[Op] = Field(default_factory=list)


class EscrowConfirm(Strict):
    new_secret_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class PullRequest(Strict):
    cursor: str | None = Field(default=None, max_length=400)
    limit: int = Field(default=1000, ge=1, le=MAX_PULL_LIMIT)
    pending: int = Field(default=0, ge=0)  # what waits on the laptop, for the administrator's view


class PullResponse(CarriesOps):
    ops: list[Op]
    cursor: str
    more: bool
    reset: bool = False  # the server lost changes (restored from a backup): resend and start again
    entered: list[str] = Field(default_factory=list)  # families that came into scope: fetch them whole
    left: list[str] = Field(default_factory=list)  # families that went to another hub: evict when acked
    digest: dict[str, str] | None = None  # bucket -> digest, at the snapshot of the last page
    message: SignedMessage | None = None  # retire


class PushRequest(CarriesOps):
    sync_id: str = Field(pattern=r"^[0-9a-f]{8,32}$")  # one sync: mass deletes are counted across batches
    ops: list[Op] = Field(max_length=MAX_PUSH_OPS)
    # the pull to answer once these ops are applied, in the same answer: one request, one round trip
    # fewer per sync (only to a server that says it does, HEADER_PUSH_PULLS; others refuse the field)
    pull: PullRequest | None = None


class OpProblem(Strict):
    op_id: str
    status: Literal["held", "kept_aside", "refused"]
    reason: str
    hold_id: str | None = None


class PushResponse(Strict):
    """Every op not listed in ``problems`` is acknowledged (applied now or before). ``page``: the answer
    to the push's ``pull``, read after its ops were applied."""

    acknowledged: int
    problems: list[OpProblem] = Field(default_factory=list)
    canonical: dict[str, int] = Field(default_factory=dict)  # op id -> clamped stamp, only when changed
    page: PullResponse | None = None


class FamilyOpsRequest(Strict):
    families: list[str] = Field(max_length=MAX_FAMILIES_PER_REQUEST)
    after_seq: int = Field(default=0, ge=0)
    limit: int = Field(default=2000, ge=1, le=MAX_PULL_LIMIT)


class FamilyOpsResponse(CarriesOps):
    ops: list[Op]
    seqs: list[int]
    more: bool
    op_ids: dict[str, list[str]] = Field(default_factory=dict)  # family -> every op id the server holds


class DigestRequest(Strict):
    bucket: str = Field(max_length=80)


class DigestResponse(Strict):
    bucket: str
    parts: dict[str, str]  # family id (or table name) -> digest


class Retired(Strict):
    wiped: bool


CARRIED = ("table", "kind", "device", "user")  # left out when the same as in the op before


def compact_ops(ops: list[Op]) -> list[dict[str, Any]]:
    """The wire form of a list of ops (see the protocol notes at the top)."""
    return compact_dicts([op.model_dump(mode="json", exclude_defaults=True) for op in ops])


def compact_dicts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``compact_ops`` on ops already in JSON form (as the server stores them): no model needed."""
    found: list[dict[str, Any]] = []
    previous = 0
    before: dict[str, Any] = {}
    for data in items:
        data = dict(data)
        for key in CARRIED:
            value = data.get(key)
            if key in before and before[key] == value:
                del data[key]
            before[key] = value
        stamp = int(data.pop("stamp", 0))
        if data.get("op_id") == op_id_for(stamp, str(before.get("device"))):
            del data["op_id"]
        if stamp - previous != 1:
            data["ds"] = stamp - previous
        previous = stamp
        if before.get("table") == "family" and data.get("family_id") == data.get("row_id"):
            data.pop("family_id", None)
        data["fields"] = compact_fields(data.get("fields", {}))
        found.append(data)
    return found


def compact_fields(fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Each field of an op in JSON form as [value] or [value, [base op ids]]."""
    return {
        key: [wire.get("value"), [version_op(b) for b in wire["base"]]]
        if wire.get("base")
        else [wire.get("value")]
        for key, wire in fields.items()
    }


def expand_ops(items: Any) -> Any:
    """Reads the wire form back into whole ops (anything malformed is left for validation to refuse)."""
    if not isinstance(items, list):
        return items
    found: list[Any] = []
    previous = 0
    before: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or "stamp" in item:
            found.append(item)  # a whole op (or something validation will refuse)
            continue
        data = dict(item)
        for key in CARRIED:
            if key in data:
                before[key] = data[key]
            elif key in before:
                data[key] = before[key]
        delta = data.pop("ds", 1)
        if not isinstance(delta, int) or isinstance(delta, bool):
            found.append(item)
            continue
        stamp = previous + delta
        previous = stamp
        data["stamp"] = stamp
        device = data.get("device")
        if "op_id" not in data and isinstance(device, str) and 0 <= stamp < 1 << 64:
            data["op_id"] = op_id_for(stamp, device)
        if "family_id" not in data and data.get("table") == "family":
            data["family_id"] = data.get("row_id")
        fields = data.get("fields")
        if isinstance(fields, dict):
            data["fields"] = {
                key: {"value": wire[0], "base": wire[1] if len(wire) == 2 else []}
                if isinstance(wire, list) and 1 <= len(wire) <= 2
                else wire
                for key, wire in fields.items()
            }
        found.append(data)
    return found
