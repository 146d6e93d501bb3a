"""The wire format shared by the desktop and the server: the single source of truth.

Protocol versions (a client says which it speaks; the server accepts PROTOCOL_MIN..PROTOCOL_MAX):

* 1: ops with per-field values and base versions; push, pull by opaque cursor, scope digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sync.clock import Version
from sync.merge import FieldChange, OpView

PROTOCOL_MIN = 1
PROTOCOL_MAX = 1

OpKind = Literal["insert", "update", "delete", "restore", "redact"]


class WireField(BaseModel):
    """One changed field: its new value and the version ids it replaces (empty for a first value)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: Any = None
    base: list[str] = Field(default_factory=list, max_length=64)


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

    def canonical_json(self) -> bytes:
        """The op as sent, in a stable form: hashed for idempotency."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":")).encode()

    def digest(self) -> str:
        return hashlib.sha256(self.canonical_json()).hexdigest()
