"""The server's store: identity, devices and accounts, push, pull, backfill and digests.

Every method is one transaction (writers retry when PostgreSQL reports a serialisation failure or a
unique row raced in from another process). Nothing here knows about HTTP; ``app.py`` maps the typed
``ApiError`` to responses.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, RowMapping, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from earlyhelp_desktop.core.store.migrations import seed_0001
from sync import auth
from sync.clock import HybridClock
from sync.merge import RowState
from sync.protocol import (
    Op,
    OpProblem,
    PushRequest,
    PushResponse,
    SignedMessage,
)
from sync.server import admission, db
from sync.server.accounts import now_ms
from sync.server.admission import Admitted
from sync.server.checks import HELD_FAMILIES, HELD_REASON, OPEN_HOLDS, check_scope, hold_ops
from sync.server.config import Settings
from sync.server.oplog import SCHEMA, Batch, Pusher, Refusal
from sync.server.pulls import PURGED, CursorError, Page, Puller

T = TypeVar("T")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Identity:
    epoch: str
    token_secret: bytes
    signing_key: bytes
    server_device: str

    @property
    def public_key(self) -> str:
        return auth.b64(auth.public_key(self.signing_key))


@dataclass(frozen=True, slots=True)
class _Seen:
    """An op id pushed before: its digest, and the op as logged or the hold keeping it."""

    digest: str
    payload: str | None
    hold_id: str | None


class ServerStore:
    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or db.make_engine(settings.database_url)
        self.writer = db.writer(self.engine)
        postgres = self.engine.dialect.name == "postgresql"
        # made once: an engine with options is a new object each time it is asked for
        self._snapshots = (
            self.engine.execution_options(isolation_level="REPEATABLE READ") if postgres else self.engine
        )
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT") if postgres else None
        self._identity: Identity | None = None
        self._keys: dict[str, str] = {}
        self._puller: Puller | None = None

    # -- start ---------------------------------------------------------------------------------------

    def start(self) -> None:
        """Runs migrations, then creates the server's identity and seed rows once."""
        db.migrate(self.engine)
        self.transact(self._initialise)

    def _initialise(self, conn: Connection) -> None:
        if db.is_postgres(conn):
            from sqlalchemy import text

            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": db.LOCK_MIGRATE})
        have = {r.key for r in conn.execute(select(db.meta.c.key))}
        if PURGED not in have:  # moves when a redaction rewrites stored ops (pulls drop their fragments)
            conn.execute(insert(db.meta).values(key=PURGED, value="0"))
        if "seq" not in have:  # the op counter (its row lock orders the numbering of pushes)
            from sqlalchemy import func

            head = conn.execute(select(func.max(db.ops.c.seq))).scalar() or 0
            conn.execute(insert(db.meta).values(key="seq", value=str(head)))
        if "epoch" in have:
            return
        facts = {
            "epoch": os.urandom(8).hex(),
            "token_secret": os.urandom(32).hex(),
            "signing_key": auth.new_private_key().hex(),
            "server_device": "f" + os.urandom(8).hex()[1:],
            "hlc": "0",
        }
        conn.execute(insert(db.meta), [{"key": k, "value": v} for k, v in facts.items()])
        # The seeded reference rows every laptop already holds, with the same ids and versions.
        batch = Batch(
            conn, Pusher(facts["server_device"], None, server=True), self.settings.clock_allowance_ms
        )
        from sync.server.oplog import _Row

        for table, rows in (
            ("ref_item", seed_0001.ref_item_rows()),
            ("instrument", seed_0001.instrument_rows()),
        ):
            spec = SCHEMA[table]
            for data in rows:
                state = RowState(table, data["id"], data["version"])
                state.values = {k: data.get(k) for k in spec.fields}
                batch.rows[(table, data["id"])] = _Row(state, None, str(spec.scope), None, dirty=True)
        batch.commit()

    def identity(self) -> Identity:
        if self._identity is None:
            with self.engine.connect() as conn:
                facts = {r.key: r.value for r in conn.execute(select(db.meta))}
            self._identity = Identity(
                facts["epoch"],
                bytes.fromhex(facts["token_secret"]),
                bytes.fromhex(facts["signing_key"]),
                facts["server_device"],
            )
        return self._identity

    # -- transactions ------------------------------------------------------------------------------

    def transact(self, work: Callable[[Connection], T], attempts: int = 8) -> T:
        """Runs ``work`` in one write transaction, again when another process raced it."""

        def once() -> T:
            with self.writer.begin() as conn:
                return work(conn)

        return _retrying(once, attempts)

    def pushing(self, work: Callable[[Connection], T], attempts: int = 8) -> T:
        """``transact`` for a push. On PostgreSQL its BEGIN travels in the push's first message (its reads,
        ``db.Reads.run(begin=True)``), not in a round trip of its own, and its COMMIT with the numbering
        (or after ``work``, when none was sent)."""
        autocommit = self._autocommit
        if autocommit is None:
            return self.transact(work, attempts)

        def once() -> T:
            with autocommit.connect() as conn:
                return db.finished(conn, work)

        return _retrying(once, attempts)

    def read(self, work: Callable[[Connection], T]) -> T:
        """One consistent snapshot (REPEATABLE READ on PostgreSQL; a read transaction on SQLite)."""
        return self._reconnecting(self._snapshots, work, begin=True)

    def single(self, work: Callable[[Connection], T]) -> T:
        """Statements that are each atomic on their own (PostgreSQL: no BEGIN/COMMIT round trips)."""
        if self._autocommit is None:
            return self.transact(work)
        return self._reconnecting(self._autocommit, work, begin=False)

    @staticmethod
    def _reconnecting(engine: Engine, work: Callable[[Connection], T], begin: bool) -> T:
        """Runs ``work``, once more on a fresh connection when the database dropped the first."""
        for attempt in (1, 2):
            try:
                with engine.connect() as conn:
                    if not begin:
                        return work(conn)
                    with conn.begin():
                        return work(conn)
            except DBAPIError as exc:
                if attempt == 1 and exc.connection_invalidated:  # the database restarted: reconnect
                    continue
                raise
        raise AssertionError("unreachable")

    # -- devices -----------------------------------------------------------------------------------

    def device_key(self, device_id: str) -> str | None:
        """A device's public key (it never changes, so it is remembered once read)."""
        key = self._keys.get(device_id)
        if key is None:
            with self.engine.connect() as conn:
                key = conn.execute(
                    select(db.devices.c.public_key).where(db.devices.c.device_id == device_id)
                ).scalar()
            if key is not None:
                if len(self._keys) >= 20_000:
                    self._keys.clear()
                self._keys[device_id] = key
        return key

    def admit(self, device_id: str, counter: int, user_id: str | None) -> Admitted:
        """One transaction for a signed request (``admission.admit``)."""
        return self.single(lambda conn: admission.admit(conn, device_id, counter, user_id))

    @property
    def admits_with_push(self) -> bool:
        """Whether a push's counter is taken in the push's own transaction (``admit_and_push``)."""
        return self._autocommit is not None

    def device_message(self, device_id: str, action: str) -> SignedMessage:
        return auth.sign_message(self.identity().signing_key, action, device_id, now_ms())

    def account(self, conn: Connection, **where: str) -> RowMapping | None:
        query = select(db.accounts)
        for key, value in where.items():
            query = query.where(db.accounts.c[key] == value)
        return conn.execute(query).mappings().first()

    # -- push ----------------------------------------------------------------------------------------

    def push(self, device: db.Record, request: PushRequest) -> PushResponse:
        batches: list[Batch] = []
        pushed = self.pushing(lambda conn: self._push(conn, device, request, batches))
        assert pushed is not None  # refused only at admission
        self._seed(batches[-1])
        return pushed

    def admit_and_push(
        self,
        device_id: str,
        counter: int,
        user_id: str | None,
        request: PushRequest,
        allowed: Callable[[Admitted], db.Record | None],
    ) -> PushResponse | None:
        """``admit`` and ``push`` in one transaction (PostgreSQL), the admission sent with the push's reads:
        one message, not a statement and a connection of its own. ``allowed`` says, from what was admitted,
        as which device the push is made; when it says none, only the counter is kept (the push's reads
        were in vain) and None is returned."""

        batches: list[Batch] = []

        def work(conn: Connection) -> PushResponse | None:
            return self._push(conn, None, request, batches, (device_id, counter, user_id, allowed))

        pushed = self.pushing(work)
        if pushed is not None:
            self._seed(batches[-1])
        return pushed

    def _seed(self, batch: Batch) -> None:
        """Once a push has committed, the blocks of its ops that the other laptops of its hub pull are
        made ready (``Puller.seed``); not after a redaction, which rewrote stored ops."""
        if batch.numbered and not batch.redactions:
            self._pulls().seed(batch.pulled_by(batch.pusher.hub_id))

    def _push(
        self,
        conn: Connection,
        device: db.Record | None,
        request: PushRequest,
        batches: list[Batch],
        admitting: tuple[str, int, str | None, Callable[[Admitted], db.Record | None]] | None = None,
    ) -> PushResponse | None:
        """The push as ``device``, or, ``admitting``, as the device it admits (None when refused); its
        batch is added to ``batches``."""
        device_id = device["device_id"] if device is not None else admitting[0] if admitting else ""
        pusher = Pusher(device_id, device["hub_id"] if device is not None else None)
        batch = Batch(conn, pusher, self.settings.clock_allowance_ms, finish=True)
        batches.append(batch)
        problems: list[OpProblem] = []
        sent_ids, params = db.one_of(conn, "op_id", "ids", [op.op_id for op in request.ops])
        logged: dict[str, _Seen] = {}
        held: dict[str, _Seen] = {}
        roles: dict[str, str] = {}
        open_holds: dict[str, str] = {}

        def take_seen(rows: list[tuple[Any, ...]]) -> None:
            for op_id, digest, payload, hold_id in rows:
                (held if hold_id is not None else logged)[op_id] = _Seen(digest, payload, hold_id)

        # Everything the push reads, sent together: the ops sent that the server already logged or holds,
        # the accounts of the people who made them, the families and row states they touch (the rows
        # locked), and the device's held families. Ops logged before or refused below are read in vain.
        reads = db.Reads()
        admitted: list[tuple[Any, ...]] = []
        if admitting is not None:
            reads.add(admission.ADMIT_WITH_ACCOUNT, admission.values(*admitting[:3]), admitted.extend)
        reads.add(
            f"SELECT op_id, digest, payload, NULL FROM ops WHERE {sent_ids} UNION ALL "
            f"SELECT op_id, digest, NULL, hold_id FROM held_ops WHERE {sent_ids}",
            params,
            take_seen,
        )
        authors = sorted({op.user for op in request.ops})
        by_signer = admitting is not None and authors == [admitting[2]]  # its account comes with admission
        if not by_signer:
            users, user_params = db.one_of(conn, "user_id", "users", authors)
            reads.add(
                f"SELECT user_id, role FROM accounts WHERE {users} AND active",
                user_params,
                lambda rows: roles.update(rows),
            )
        hold_ids: list[tuple[Any, ...]] = []
        reads.add(OPEN_HOLDS, {"device": pusher.device_id}, hold_ids.extend)
        batch.preload_families((op.family_id or "" for op in request.ops), reads)
        batch.load(((op.table, op.row_id) for op in request.ops), reads)
        reads.run(conn, begin=True)
        if admitting is not None:
            if admitted:
                verdict = admission.admitted(admitted[0])
            else:
                verdict = admission.not_admitted(conn, device_id)
            device = admitting[3](verdict)
            if device is None:
                return None  # refused: the transaction keeps the counter taken, and nothing else
            pusher.hub_id = device["hub_id"]
            account = verdict.account
            if by_signer and account is not None and account["active"]:
                roles[account["user_id"]] = account["role"]
        assert device is not None
        for (hold_id,) in hold_ids:  # seldom any
            open_holds.update(db.run(conn, HELD_FAMILIES, {"hold": hold_id}))
        canonical: dict[str, int] = {}
        fresh: list[Op] = []
        seen: set[str] = set()
        acknowledged = 0
        sent: dict[str, str] = {}  # op id -> digest of the op as sent (hashed once)
        for op in request.ops:
            digest = sent.setdefault(op.op_id, op.digest())
            if op.op_id in seen:
                acknowledged += 1
                continue
            seen.add(op.op_id)
            before = logged.get(op.op_id) or held.get(op.op_id)
            if before is not None and not op.same_as_logged(before.digest, digest):
                self._keep_aside(conn, op, digest, device["device_id"])
                problems.append(
                    OpProblem(
                        op_id=op.op_id,
                        status="kept_aside",
                        reason="The server already holds a different change with this id; this one was "
                        "kept aside for the administrator and not applied.",
                    )
                )
            elif op.op_id in logged:
                acknowledged += 1
                stored = json.loads(logged[op.op_id].payload or "{}")["stamp"]
                if stored != op.stamp:
                    canonical[op.op_id] = stored
            elif op.op_id in held:
                problems.append(
                    OpProblem(
                        op_id=op.op_id, status="held", reason=HELD_REASON, hold_id=held[op.op_id].hold_id
                    )
                )
            else:
                fresh.append(op)
        accepted: list[Op] = []
        views = {op.op_id: op.view() for op in fresh}
        for op in fresh:
            try:
                check_scope(batch, op, roles, views[op.op_id])
            except Refusal as exc:
                problems.append(OpProblem(op_id=op.op_id, status="refused", reason=str(exc)))
                continue
            accepted.append(op)
        accepted, held_now = hold_ops(
            batch,
            accepted,
            sent,
            open_holds,
            request.sync_id,
            self.settings.mass_delete_share,
            self.settings.mass_delete_families,
        )
        problems.extend(held_now)
        for op in accepted:
            batch.apply(op, sent[op.op_id], views[op.op_id])
        batch.commit()
        canonical.update(batch.canonical)
        return PushResponse(acknowledged=acknowledged + len(accepted), problems=problems, canonical=canonical)

    def _keep_aside(self, conn: Connection, op: Op, digest: str, device_id: str) -> None:
        exists = conn.execute(
            select(db.kept_aside.c.id).where(
                db.kept_aside.c.op_id == op.op_id,
                db.kept_aside.c.digest.in_({digest, op.legacy_digest()}),
            )
        ).first()
        if exists is None:
            conn.execute(
                insert(db.kept_aside).values(
                    op_id=op.op_id,
                    digest=digest,
                    device_id=device_id,
                    payload=op.model_dump_json(),
                    reason="same op id, different content",
                    received_ms=now_ms(),
                )
            )

    # -- pull ------------------------------------------------------------------------------------------

    def _pulls(self) -> Puller:
        if self._puller is None:
            identity = self.identity()
            self._puller = Puller(identity.epoch, identity.signing_key)
        return self._puller

    def check_cursor(self, cursor: str | None) -> None:
        """Refuses (400) a cursor no server wrote, before a push that carries it is applied."""
        try:
            self._pulls().read_cursor(cursor)
        except CursorError as exc:
            raise ApiError(400, "bad_cursor", str(exc)) from exc

    def pull(self, device: db.Record, cursor: str | None, limit: int, pending: int | None = None) -> Page:
        """A page of what the device pulls after ``cursor``; with ``pending`` (the laptop's unsent ops), the
        pull is also noted (``note_pull``), on PostgreSQL on the page's own connection."""
        puller = self._pulls()
        try:
            if self._autocommit is None:
                page = self.read(lambda conn: puller.page(conn, device, cursor, limit))
            else:  # PostgreSQL: the page's reads open and close its snapshot

                def work(conn: Connection) -> Page:
                    page = puller.page(conn, device, cursor, limit)
                    if pending is not None:
                        db.run_lightly(conn, *admission.note(device["device_id"], pending, not page.more))
                    return page

                return self.single(work)
        except CursorError as exc:
            raise ApiError(400, "bad_cursor", str(exc)) from exc
        if pending is not None:
            self.note_pull(device["device_id"], pending, at_head=not page.more)
        return page

    def note_pull(self, device_id: str, pending: int, at_head: bool) -> None:
        """Records when the device last pulled and how many ops it had still to send (and, when the pull
        reached the head, that it synced)."""
        self.single(lambda conn: db.run_lightly(conn, *admission.note(device_id, pending, at_head)))

    # -- backfill and repair ---------------------------------------------------------------------------

    def family_ops(
        self, device: db.Record, families: list[str], after_seq: int, limit: int
    ) -> tuple[list[Op], list[int], bool, dict[str, list[str]]]:
        def work(conn: Connection) -> tuple[list[Op], list[int], bool, dict[str, list[str]]]:
            allowed = [
                r.family_id
                for r in conn.execute(
                    select(db.families.c.family_id).where(
                        db.families.c.family_id.in_(families), db.families.c.hub_id == device["hub_id"]
                    )
                )
            ]
            rows = conn.execute(
                select(db.ops.c.seq, db.ops.c.payload, db.ops.c.family_id, db.ops.c.op_id)
                .where(db.ops.c.family_id.in_(allowed), db.ops.c.seq > after_seq, db.ops.c.scope == "family")
                .order_by(db.ops.c.seq)
                .limit(limit + 1)
            ).all()
            more = len(rows) > limit
            rows = rows[:limit]
            ids: dict[str, list[str]] = {}
            if after_seq == 0:
                for r in conn.execute(
                    select(db.ops.c.family_id, db.ops.c.op_id).where(db.ops.c.family_id.in_(allowed))
                ):
                    ids.setdefault(r.family_id, []).append(r.op_id)
            return [Op.model_validate_json(r.payload) for r in rows], [r.seq for r in rows], more, ids

        return self.read(work)

    def digest_parts(self, device: db.Record, bucket: str) -> dict[str, str]:
        if bucket not in (f"hub:{device['hub_id']}", "reference", "directory"):
            raise ApiError(403, "forbidden", "That part of the data is not this laptop's.")

        def work(conn: Connection) -> dict[str, str]:
            return {
                r.part: r.value
                for r in conn.execute(
                    select(db.digests.c.part, db.digests.c.value).where(
                        db.digests.c.bucket == bucket, db.digests.c.part != ""
                    )
                )
            }

        return self.read(work)

    # -- the server's own changes (admin) ----------------------------------------------------------------

    def server_ops(
        self, conn: Connection, changes: list[tuple[str, str, str | None, str, dict[str, Any]]]
    ) -> None:
        """Writes rows as the server (hubs, staff): ops with the server's device, applied and logged."""
        from sync.clock import op_id_for
        from sync.protocol import WireField

        identity = self.identity()
        last = conn.execute(select(db.meta.c.value).where(db.meta.c.key == "hlc")).scalar() or "0"
        clock = HybridClock(int(last))
        batch = Batch(
            conn, Pusher(identity.server_device, None, server=True), self.settings.clock_allowance_ms
        )
        for table, row_id, family_id, kind, values in changes:
            key = (table, row_id)
            batch.load([key])
            existing = batch.rows.get(key)
            fields = {}
            for name, value in values.items():
                base = existing.state.frontier_of(name) if existing else []
                fields[name] = WireField(value=value, base=list(base))
            tick = clock.tick()
            op = Op(
                op_id=op_id_for(tick, identity.server_device),
                table=table,
                row_id=row_id,
                family_id=family_id,
                kind=kind,
                stamp=tick,
                device=identity.server_device,
                user="server",
                fields=fields,
            )
            batch.apply(op, op.digest())
        batch.commit()
        conn.execute(update(db.meta).where(db.meta.c.key == "hlc").values(value=str(clock.last)))


def _retrying(once: Callable[[], T], attempts: int) -> T:
    """``once()``, again (up to ``attempts`` times in all) while another process races it."""
    for attempt in range(1, attempts + 1):
        try:
            return once()
        except Exception as exc:
            if attempt < attempts and _retryable(exc):
                time.sleep(0.01 * attempt)
                continue
            raise
    raise AssertionError("unreachable")


def _retryable(exc: Exception) -> bool:
    """Another process raced this transaction (a unique row, a serialisation failure, a deadlock), or the
    connection was lost (the database restarted). Every error comes wrapped by SQLAlchemy (``db.run`` and
    the numbering message wrap the driver's own)."""
    if isinstance(exc, IntegrityError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return True
    return isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in ("40001", "40P01")
