"""What a document says, as plain frozen data: built from a family's record, rendered to PDF.

The family plan's content is also its issued snapshot: ``to_json`` gives the JSON kept in
``IssuedPlan.snapshot`` and ``from_json`` reads it back, so a paper copy can be re-rendered exactly and
matched to the record by its hash. Dates are ISO strings; wording is already plain (no codes).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
from dataclasses import dataclass
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


# -- the family plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """Which issue of the plan this is: printed on every page."""

    number: int | None  # None on a preview
    issued_on: str  # ISO date
    issued_by: str  # the staff member's name
    large_print: bool = False


@dataclass(frozen=True)
class Member:
    name: str
    relationship: str  # in words: "Mum", "Daughter"


@dataclass(frozen=True)
class Step:
    """One action: who does what by when."""

    text: str
    who: str
    by_when: str | None  # ISO date
    progress: str  # plain words: "Not started yet", "Under way", "Done"


@dataclass(frozen=True)
class Rating:
    """A family-scored rating: the latest beside the previous one."""

    label: str
    scale_max: int
    latest: int
    latest_on: str | None
    previous: int | None = None
    previous_on: str | None = None


@dataclass(frozen=True)
class Goal:
    text: str
    achieved: bool
    steps: tuple[Step, ...]
    rating: Rating | None = None


@dataclass(frozen=True)
class Helper:
    name: str
    role: str | None
    contact: tuple[str, ...]  # phone, email as printed
    main_contact: bool = False


@dataclass(frozen=True)
class Activity:
    name: str
    organisation: str | None
    for_whom: str | None
    where: str | None
    when: str | None
    cost: str | None
    contact: str | None
    progress: str  # "Going", "Referred", "Offered"


@dataclass(frozen=True)
class PlanContent:
    """Everything "Our family plan" prints, in the family's words."""

    family_name: str
    reference: str
    issue: Issue
    members: tuple[Member, ...]
    about_us: str | None
    going_well: str | None
    want_to_change: str | None
    goals: tuple[Goal, ...]
    other_steps: tuple[Step, ...]
    ratings: tuple[Rating, ...]
    ratings_scale: str
    helpers: tuple[Helper, ...]
    activities: tuple[Activity, ...]
    next_review: str | None  # ISO date
    share_with: tuple[str, ...]
    share_note: str | None
    title: str = "Our family plan"


# -- professional documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A labelled piece of free text (the family's view, notes)."""

    label: str
    text: str | None


@dataclass(frozen=True)
class Facts:
    """Label/value pairs shown as a two-column table."""

    rows: tuple[tuple[str, str], ...]
    title: str | None = None


@dataclass(frozen=True)
class Grid:
    """A table with a header row; ``widths`` are relative column widths."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    empty: str = "None recorded."
    title: str | None = None


Block = Text | Facts | Grid


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ProfessionalContent:
    """An assessment summary, review record or closure summary."""

    kind: str  # assessment | review | closure
    title: str
    family_name: str
    reference: str
    prepared_for: str
    printed_on: str  # ISO date
    printed_by: str
    record_version: str | None
    address: tuple[str, ...]  # empty when withheld
    address_note: str | None  # why it is not shown
    sections: tuple[Section, ...]
    copies_to: tuple[str, ...]
    marking: str = "OFFICIAL-SENSITIVE"


# -- snapshots -----------------------------------------------------------------------------------


def to_json(content: object) -> dict[str, Any]:
    """The content as JSON-ready data (tuples become lists)."""
    data = dataclasses.asdict(content)  # type: ignore[call-overload]
    return json.loads(json.dumps(data, ensure_ascii=False))  # type: ignore[no-any-return]


def canonical(data: dict[str, Any]) -> bytes:
    """Sorted keys, ASCII escapes: the same bytes on every laptop and the server for the same data."""
    return json.dumps(data, sort_keys=True).encode("ascii")


def digest(data: dict[str, Any]) -> str:
    """The sha256 of a snapshot in canonical JSON: the same content always gives the same hash."""
    return hashlib.sha256(canonical(data)).hexdigest()


def from_json(cls: type[T], data: Any) -> T:
    """Rebuilds a content dataclass from ``to_json`` output (for reprinting an issued version)."""
    return _decode(cls, data)  # type: ignore[no-any-return]


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        if len(options) == 1:
            return _decode(options[0], value)
        for option in options:  # a Block: the dataclass whose fields match
            if dataclasses.is_dataclass(option) and set(value) == {
                f.name for f in dataclasses.fields(option)
            }:
                return _decode(option, value)
        raise ValueError(f"cannot tell which of {options} this is")
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = get_type_hints(kind)
        return kind(**{f.name: _decode(hints[f.name], value[f.name]) for f in dataclasses.fields(kind)})
    return value
