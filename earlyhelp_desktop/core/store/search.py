"""Search as you type over families: names, preferred names, reference, postcode and address.

An FTS5 index inside the encrypted store, kept up to date in the same transaction as every change to a
family, person or membership. Text is folded before indexing and before matching, so "Zoe" finds
"Zoë", "Lukasz" finds "Łukasz" and "obriain" finds "Ó Briain". A confidential address is not indexed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, TextClause, bindparam, event, text
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.store.capture import TOUCHED, StoreSession

CREATE_SQL = (
    "CREATE VIRTUAL TABLE family_search USING fts5("
    "names, reference, postcode, address, tokenize = 'unicode61', prefix = '1 2 3')",
    "CREATE TABLE family_search_map (n INTEGER PRIMARY KEY, family_id VARCHAR(36) NOT NULL UNIQUE)",
)

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
        "Ħ": "h",
    }
)
_TOKEN = re.compile(r"[0-9a-z]+")


def fold(value: str) -> str:
    """Lower case, no accents, apostrophes joined: "Ó'Briain Zoë" -> "obriain zoe"."""
    value = value.translate(_SPECIAL)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.replace("'", "").replace("\u2019", "")
    return value.casefold()


def tokens(value: str) -> list[str]:
    return _TOKEN.findall(fold(value))


def name_key(value: str) -> str:
    """A name reduced for comparison: "O'Briain", "Ó Briain" and "obriain" are the same key."""
    return "".join(tokens(value))


def match_expression(query: str) -> str | None:
    """An FTS5 query: every typed word as a prefix, all required. None when nothing searchable."""
    words = tokens(query)
    if not words:
        return None
    return " ".join(f'"{w}"*' for w in words)


def matching(expression: str) -> TextClause:
    """A subquery of the family ids whose search entry matches an FTS5 expression."""
    return text(
        "SELECT m.family_id FROM family_search s JOIN family_search_map m ON m.n = s.rowid "
        "WHERE family_search MATCH :q"
    ).bindparams(q=expression)


def _in(statement: str) -> TextClause:
    """``statement`` with its ``IN :ids`` list expanded to one parameter a value when it runs."""
    return text(statement).bindparams(bindparam("ids", expanding=True))


def _documents(conn: Connection, ids: list[str]) -> dict[str, dict[str, str]]:
    """The search entries of families ``ids`` (none for a deleted or missing family), read a few hundred
    families to a query."""
    families = conn.execute(
        _in(
            "SELECT id, reference, display_name, postcode, address_line1, address_line2, town, "
            "confidential_address FROM family WHERE id IN :ids AND NOT deleted"
        ),
        {"ids": ids},
    ).all()
    people: dict[str, list[Any]] = {}
    for row in conn.execute(
        _in(
            "SELECT m.family_id, p.given_name, p.family_name, p.preferred_name FROM membership m "
            "JOIN person p ON p.id = m.person_id WHERE m.family_id IN :ids "
            "AND m.deleted = 0 AND p.deleted = 0"
        ),
        {"ids": ids},
    ):
        people.setdefault(row.family_id, []).append(row)
    return {family.id: _document(family, people.get(family.id, [])) for family in families}


def _document(family: Any, people: list[Any]) -> dict[str, str]:
    names = [family.display_name or "", "".join(tokens(family.display_name or ""))]
    for person in people:
        names.extend(filter(None, (person.given_name, person.family_name, person.preferred_name)))
        # "obriain" as one word as well as "o briain"
        names.append("".join(tokens(person.family_name or "")))
    reference = family.reference or ""
    postcode = family.postcode or ""
    address = ""
    if not family.confidential_address:
        address = " ".join(filter(None, (family.address_line1, family.address_line2, family.town)))
    return {
        "names": " ".join(fold(n) for n in names),
        "reference": " ".join([fold(reference), "".join(tokens(reference)), "".join(tokens(reference)[1:])]),
        "postcode": " ".join([fold(postcode), "".join(tokens(postcode))]),
        "address": fold(address),
    }


def reindex(conn: Connection, family_ids: Iterable[str]) -> None:
    """Brings the search entries of ``family_ids`` up to date, a few hundred families to a statement: a
    laptop's first pull reindexes thousands of families, and a handful of statements per family took a
    fifth of its time."""
    ids = sorted(set(family_ids))
    for start in range(0, len(ids), 500):
        _reindex(conn, ids[start : start + 500])


def _reindex(conn: Connection, ids: list[str]) -> None:
    mapped = _in("SELECT family_id, n FROM family_search_map WHERE family_id IN :ids")
    numbers: dict[str, int] = {family_id: n for family_id, n in conn.execute(mapped, {"ids": ids})}
    if numbers:
        conn.execute(_in("DELETE FROM family_search WHERE rowid IN :ids"), {"ids": list(numbers.values())})
    docs = _documents(conn, ids)
    dropped = [numbers[f] for f in ids if f in numbers and f not in docs]
    if dropped:
        conn.execute(_in("DELETE FROM family_search_map WHERE n IN :ids"), {"ids": dropped})
    new = [f for f in ids if f in docs and f not in numbers]
    if new:
        conn.execute(text("INSERT INTO family_search_map (family_id) VALUES (:id)"), [{"id": f} for f in new])
        numbers.update(conn.execute(mapped, {"ids": new}).all())
    if docs:
        conn.execute(
            text(
                "INSERT INTO family_search (rowid, names, reference, postcode, address) "
                "VALUES (:n, :names, :reference, :postcode, :address)"
            ),
            [{"n": numbers[f], **doc} for f, doc in docs.items()],
        )


def reindex_all(conn: Connection) -> int:
    """Rebuilds the whole index (after a demo build or a repair). Returns the number of families."""
    conn.execute(text("DELETE FROM family_search"))
    conn.execute(text("DELETE FROM family_search_map"))
    ids = [r[0] for r in conn.execute(text("SELECT id FROM family WHERE deleted = 0"))]
    reindex(conn, ids)
    return len(ids)


def _after_flush(session: Session, flush_context: Any) -> None:
    touched: set[tuple[str, str]] = session.info.pop(TOUCHED, set())
    if not touched:
        return
    conn = session.connection()
    families = {key for kind, key in touched if kind == "family"}
    people = [key for kind, key in touched if kind == "person"]
    members = _in("SELECT family_id FROM membership WHERE person_id IN :ids")
    for start in range(0, len(people), 500):
        families.update(r[0] for r in conn.execute(members, {"ids": people[start : start + 500]}))
    reindex(conn, families)


event.listen(StoreSession, "after_flush", _after_flush)
