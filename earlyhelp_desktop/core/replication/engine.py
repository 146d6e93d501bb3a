"""The replication engine: push the outbox, pull pages, verify the scope digest, report plainly.

One ``Replicator.run`` is one sync. It never raises for network trouble: the report says what happened
("synced" only when the server acknowledged every op, the pull reached the head and the digest matched).
Each pushed batch and each pulled page is one local transaction; the cursor moves only with a durable
commit of what it covers, so an interrupted sync resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import logging
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any

import requests
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from earlyhelp_desktop.core.replication.apply import Applier
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.replication.housekeeping import evict_family, rewrite_version, wipe
from earlyhelp_desktop.core.replication.local import (
    CURSOR,
    EVICT,
    LAST_REPORT,
    LAST_SYNCED,
    PUSH_PULLS,
    TOKENS,
    Known,
    collector_set_aside,
    get_json,
    get_meta,
    set_meta,
)
from earlyhelp_desktop.core.replication.status import Status, SyncReport
from earlyhelp_desktop.core.replication.verify import Counted, count_parts, differing, keep_parts, totals
from earlyhelp_desktop.core.store.capture import REMOTE, load_clock, save_clock
from earlyhelp_desktop.core.store.models import (
    OutboxOp,
)
from earlyhelp_desktop.core.store.store import Workspace
from sync import auth, errors
from sync.client import SyncClient
from sync.merge import MergeError
from sync.protocol import (
    DigestRequest,
    FamilyOpsRequest,
    LoginRequest,
    Op,
    OpProblem,
    PullRequest,
    PullResponse,
    PushRequest,
)

Progress = Callable[[str, int, int], None]
BATCH_OPS = 250
BATCH_BYTES = 256 * 1024  # compressed
PULL_LIMIT = 1000

log = logging.getLogger(__name__)
UNSTORABLE = (
    "A change from the sync server could not be stored on this laptop, so the sync stopped there. "
    "Nothing on this laptop was lost; changes not yet sent are kept. Tell your administrator."
)


@dataclass
class _Run:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)
    verified: bool = False
    at_head: bool = False
    retire: bool = False
    first_page: PullResponse | None = None  # the answer to the last push's pull, still to apply


class Cancelled(Exception):
    pass


class Replicator:
    """Syncs one unlocked workspace with its server.

    Args:
        ws: the unlocked store; the person who unlocked it is the one who syncs.
        client: a SyncClient (tests inject one); by default built from the enrolment.
        password: lets the engine log in online when the online session (token) has ended.
    """

    def __init__(self, ws: Workspace, client: SyncClient | None = None, password: str | None = None) -> None:
        self.ws = ws
        self.device = DeviceFile.load(ws.store.directory)
        self.password = password
        self.client = client
        self._push_pulls_kept = False
        if self.client is None and self.device is not None:
            self.client = SyncClient(self.device.server_url)
        if self.client is not None and self.device is not None:
            self.client.signer = self.device
            self.client.on_token = self._save_token
            if not self.client.token:
                self.client.token = self._load_token()

    # -- tokens ----------------------------------------------------------------------------------------

    def _load_token(self) -> str | None:
        with self.ws.read() as session:
            tokens = get_json(session, TOKENS, {})
        entry = tokens.get(self.ws.user.user_id) if isinstance(tokens, dict) else None
        return entry if isinstance(entry, str) else None

    def _save_token(self, token: str) -> None:
        with self._remote() as session:
            tokens = get_json(session, TOKENS, {})
            if not isinstance(tokens, dict):
                tokens = {}
            tokens[self.ws.user.user_id] = token
            set_meta(session, TOKENS, json.dumps(tokens))

    def login(self, password: str) -> None:
        assert self.client is not None
        self.client.login(LoginRequest(username=self.ws.user.username, password=password))

    def _remote(self) -> Any:
        ctx = self.ws.write()
        return _RemoteSession(ctx)

    # -- the sync ------------------------------------------------------------------------------------

    def run(
        self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None
    ) -> SyncReport:
        run = _Run()
        say = progress or (lambda stage, done, total: None)
        stop = cancelled or (lambda: False)
        if self.device is None or self.client is None:
            return self._finish(
                run, "failed", "not_enrolled", "This laptop is not enrolled with a sync server yet."
            )
        try:
            self._with_login(lambda: self._sync(run, say, stop))
        except Cancelled:
            return self._finish(run, "partial", "cancelled", "Sync stopped. Changes not yet sent are kept.")
        except errors.DeviceEnded as exc:
            return self._ended(run, exc.signed)
        except errors.Unreachable as exc:
            return self._finish(run, "offline", "unreachable", str(exc))
        except errors.ProtocolTooOld as exc:
            return self._finish(run, "failed", "protocol", str(exc))
        except errors.AuthFailed as exc:
            return self._finish(run, "failed", "auth", str(exc))
        except errors.NotAllowed as exc:
            return self._finish(run, "failed", "not_permitted", str(exc))
        except errors.SyncError as exc:
            return self._finish(run, "failed", "error", str(exc))
        except requests.RequestException as exc:  # anything the client did not wrap
            return self._finish(
                run, "offline", "unreachable", f"The sync server could not be reached ({exc})."
            )
        except (SQLAlchemyError, MergeError) as exc:  # the page's transaction was rolled back
            log.error("sync stopped: a change from the server could not be stored (%s)", type(exc).__name__)
            return self._finish(run, "failed", "error", UNSTORABLE)
        if run.retire:
            return self._retire(run)
        return self._conclude(run)

    def _with_login(self, work: Callable[[], None]) -> None:
        try:
            work()
        except errors.TokenExpired:
            if not self.password:
                raise
            self.login(self.password)
            work()

    def _sync(self, run: _Run, say: Progress, stop: Callable[[], bool]) -> None:
        if not self.client or not self.client.token:
            if self.password:
                self.login(self.password)
        self._keep_clock_ahead()
        self._learn_push_pulls()
        self._push(run, say, stop, states=("pending", "held"), then_pull=True)
        self._pull_and_verify(run, say, stop)
        self._learn_push_pulls()

    def _pull_and_verify(self, run: _Run, say: Progress, stop: Callable[[], bool]) -> None:
        for _ in range(3):
            final = self._pull(run, say, stop)
            self._evict()
            if final is None or final.digest is None:
                return
            if self._verify(run, final, say):
                run.verified = True
                return
        # three rounds of repair did not converge: say so, never overwrite either side

    # -- push ------------------------------------------------------------------------------------------

    def _learn_push_pulls(self) -> None:
        """Whether the server answers a push's pull: remembered from any answer that said so."""
        assert self.client is not None
        if self.client.push_pulls:
            if not self._push_pulls_kept:
                with self._remote() as session:
                    set_meta(session, PUSH_PULLS, "1")
                self._push_pulls_kept = True
            return
        with self.ws.read() as session:
            self.client.push_pulls = self._push_pulls_kept = get_meta(session, PUSH_PULLS) == "1"

    def _push(
        self,
        run: _Run,
        say: Progress,
        stop: Callable[[], bool],
        states: tuple[str, ...],
        then_pull: bool = False,
    ) -> None:
        """Sends the outbox in batches. ``then_pull``: the last batch asks for the first pull page too
        (``run.first_page``), when the server answers that."""
        assert self.client is not None
        sync_id = uuid.uuid4().hex
        with self.ws.read() as session:
            total = session.scalar(select(func.count()).where(OutboxOp.state.in_(states))) or 0
        done = 0
        after = 0
        while True:
            if stop():
                raise Cancelled()
            with self.ws.read() as session:
                rows = session.execute(
                    select(OutboxOp.seq, OutboxOp.payload)
                    .where(OutboxOp.state.in_(states), OutboxOp.seq > after)
                    .order_by(OutboxOp.seq)
                    .limit(BATCH_OPS + 1)  # one more: whether this batch is the last
                ).all()
            if not rows:
                return
            batch = _fit([Op.model_validate(r.payload) for r in rows[:BATCH_OPS]])
            after = rows[len(batch) - 1].seq
            last = len(batch) == len(rows)
            pull = self._pull_request(after) if then_pull and self.client.push_pulls and last else None
            response = self.client.push(PushRequest(sync_id=sync_id, ops=batch, pull=pull))
            self._acknowledge(batch, response.problems, response.canonical, run)
            run.first_page = response.page
            done += len(batch)
            say("push", done, total)

    def _keep_clock_ahead(self) -> None:
        """Op ids come from stamps: a store restored from a backup must not reuse a stamp it sent before."""
        assert self.device is not None
        with self._remote() as session:
            clock = load_clock(session)
            if clock.last < self.device.stamp_floor:
                clock.observe(self.device.stamp_floor)
                save_clock(session, clock)

    def _acknowledge(
        self, batch: list[Op], problems: list[OpProblem], canonical: dict[str, int], run: _Run
    ) -> None:
        assert self.device is not None
        highest = max((op.stamp for op in batch), default=0)
        if highest > self.device.stamp_floor:
            self.device.stamp_floor = highest
            self.device.save()
        by_id = {p.op_id: p for p in problems}
        acked = [op.op_id for op in batch if op.op_id not in by_id]
        run.pushed += len(acked)
        with self._remote() as session:
            for start in range(0, len(acked), 500):
                chunk = acked[start : start + 500]
                session.execute(
                    update(OutboxOp).where(OutboxOp.op_id.in_(chunk)).values(state="acked", error=None)
                )
            for op in batch:
                problem = by_id.get(op.op_id)
                if problem is None:
                    continue
                state = "held" if problem.status == "held" else "rejected"
                run.problems.append(
                    {"op_id": op.op_id, "table": op.table, "status": problem.status, "reason": problem.reason}
                )
                session.execute(
                    update(OutboxOp)
                    .where(OutboxOp.op_id == op.op_id)
                    .values(state=state, error=problem.reason)
                )
            for op in batch:
                if op.op_id in canonical and canonical[op.op_id] != op.stamp:
                    rewrite_version(session, op, canonical[op.op_id])

    # -- pull ------------------------------------------------------------------------------------------

    def _pull(self, run: _Run, say: Progress, stop: Callable[[], bool]) -> PullResponse | None:
        with ExitStack() as long_pull:
            return self._pull_pages(run, say, stop, long_pull)

    def _pull_pages(
        self, run: _Run, say: Progress, stop: Callable[[], bool], long_pull: ExitStack
    ) -> PullResponse | None:
        assert self.client is not None
        pages = 0
        while True:
            if stop():
                raise Cancelled()
            response, run.first_page = run.first_page, None
            if response is None:
                response = self.client.pull(self._pull_request())
            if response.reset:
                self._server_lost_data(run, say, stop, response.cursor)
                continue
            if response.entered:
                self._backfill(run, response.entered)
            with self._remote() as session:
                applied = Applier(session).apply_all(response.ops)
                set_meta(session, CURSOR, response.cursor)
                if response.left or response.entered:
                    # a family that came back before it was evicted stays (it was just fetched whole)
                    waiting = (set(get_json(session, EVICT, [])) | set(response.left)) - set(response.entered)
                    set_meta(session, EVICT, json.dumps(sorted(waiting)) if waiting else None)
            run.pulled += applied.applied
            run.conflicts += applied.conflicts
            pages += 1
            say("pull", pages, pages + (1 if response.more else 0))
            if pages == 1 and response.more:
                long_pull.enter_context(collector_set_aside())
            if response.message is not None:
                message = auth.open_message(self.device.server_key, response.message, self.device.device_id)  # type: ignore[union-attr]
                if message is not None and message.action == "retire":
                    run.retire = True
            if not response.more:
                run.at_head = True
                return response

    def _pull_request(self, sending: int = 0) -> PullRequest:
        """The next page after the cursor, saying what waits here (for the administrator's view): the
        changes after outbox number ``sending``, when the ones up to it go in the same request."""
        with self.ws.read() as session:
            cursor = get_meta(session, CURSOR)
            waiting = (OutboxOp.state == "pending", OutboxOp.seq > sending)
            pending = session.scalar(select(func.count()).where(*waiting)) or 0
        return PullRequest(cursor=cursor, limit=PULL_LIMIT, pending=pending)

    def _server_lost_data(self, run: _Run, say: Progress, stop: Callable[[], bool], cursor: str) -> None:
        """The server was restored from a backup: send our acknowledged ops again, then pull it all."""
        with self._remote() as session:
            session.execute(update(OutboxOp).where(OutboxOp.state == "acked").values(state="pending"))
            set_meta(session, CURSOR, cursor)
        self._push(run, say, stop, states=("pending", "held"))

    def _backfill(self, run: _Run, families: list[str]) -> None:
        assert self.client is not None
        for start in range(0, len(families), 100):
            chunk = families[start : start + 100]
            after = 0
            while True:
                response = self.client.family_ops(FamilyOpsRequest(families=chunk, after_seq=after))
                with self._remote() as session:
                    applied = Applier(session).apply_all(response.ops)
                run.pulled += applied.applied
                run.conflicts += applied.conflicts
                if not response.more or not response.seqs:
                    break
                after = response.seqs[-1]

    # -- evict, verify, repair -----------------------------------------------------------------------

    def _evict(self) -> None:
        """Families that went to another hub leave this laptop once their own changes were acknowledged."""
        with self._remote() as session:
            waiting = list(get_json(session, EVICT, []))
            if not waiting:
                return
            remaining = []
            for family_id in waiting:
                busy = session.scalar(
                    select(func.count()).where(
                        OutboxOp.family_id == family_id, OutboxOp.state.in_(("pending", "held"))
                    )
                )
                if busy:
                    remaining.append(family_id)
                    continue
                evict_family(session, family_id)
            set_meta(session, EVICT, json.dumps(remaining) if remaining else None)

    def _verify(self, run: _Run, final: PullResponse, say: Progress) -> bool:
        assert final.digest is not None and self.client is not None
        with self.ws.read() as session:
            counted = count_parts(session)  # kept, or brought up to date from what changed
        if not counted.kept:
            with self._remote() as session:
                keep_parts(session, counted)
        wrong = self._wrong(counted, final.digest)
        say("verify", 1, 1)
        if not wrong:
            return True
        with self.ws.read() as session:
            unsent = session.scalar(select(func.count()).where(OutboxOp.state == "pending")) or 0
        if unsent:
            return False  # changes made during this sync: the next one compares again
        if counted.kept or counted.partly:  # a change the marks missed would look like this: count all
            with self.ws.read() as session:
                counted = count_parts(session, whole=True)
            with self._remote() as session:
                keep_parts(session, counted)
            wrong = self._wrong(counted, final.digest)
            if not wrong:
                return True
        for bucket in wrong:
            server_parts = self.client.digest(DigestRequest(bucket=bucket)).parts
            families = differing(counted.parts.get(bucket, {}), server_parts)
            if bucket.startswith("hub:") and families:
                self._repair(run, families)
        return False

    @staticmethod
    def _wrong(counted: Counted, server: dict[str, str]) -> list[str]:
        mine = totals(counted.parts, server)
        return [b for b in sorted(server) if mine.get(b) != server[b]]

    def _repair(self, run: _Run, families: list[str]) -> None:
        """Merges both sides of the families that differ: theirs applied here, ours sent again."""
        assert self.client is not None
        resend: set[str] = set()
        for start in range(0, len(families), 100):
            chunk = families[start : start + 100]
            after = 0
            server_ids: set[str] = set()
            held_there: set[str] = set()
            while True:
                response = self.client.family_ops(FamilyOpsRequest(families=chunk, after_seq=after))
                for family_id, ids in response.op_ids.items():
                    server_ids.update(ids)
                    held_there.add(family_id)
                with self._remote() as session:
                    applied = Applier(session).apply_all(response.ops)
                run.pulled += applied.applied
                if not response.more or not response.seqs:
                    break
                after = response.seqs[-1]
            with self.ws.read() as session:
                # only for families the server still gives this laptop
                query = select(OutboxOp.op_id).where(
                    OutboxOp.family_id.in_(held_there), OutboxOp.state == "acked"
                )
                mine = session.scalars(query).all()
            resend.update(set(mine) - server_ids)
        if resend:
            with self._remote() as session:
                session.execute(update(OutboxOp).where(OutboxOp.op_id.in_(resend)).values(state="pending"))
            self._push(run, lambda *a: None, lambda: False, states=("pending",))

    # -- endings ---------------------------------------------------------------------------------------

    def _conclude(self, run: _Run) -> SyncReport:
        with self.ws.read() as session:
            counts = dict(
                session.execute(
                    select(OutboxOp.state, func.count())
                    .where(OutboxOp.state != "acked")
                    .group_by(OutboxOp.state)
                ).all()
            )
        pending, held, rejected = (int(counts.get(k, 0)) for k in ("pending", "held", "rejected"))
        if held or rejected:
            parts = []
            if held:
                parts.append(f"{held} change{'s' if held != 1 else ''} held for a supervisor on the server")
            if rejected:
                parts.append(f"{rejected} change{'s' if rejected != 1 else ''} not accepted by the server")
            code = "held" if held else "kept_aside"
            return self._finish(run, "partial", code, "Synced, except: " + "; ".join(parts) + ".", held)
        if pending:
            return self._finish(
                run, "partial", "pending", f"{pending} changes made during the sync will go next time."
            )
        if not run.verified:
            return self._finish(
                run,
                "partial",
                "unverified",
                "Everything was sent and received, but the check afterwards found differences; they are "
                "being merged. Sync again to finish.",
            )
        return self._finish(run, "synced", "", "Synced. Everything on this laptop is on the server.")

    def _finish(self, run: _Run, status: Status, code: str, message: str, held: int = 0) -> SyncReport:
        traffic = self.client.traffic if self.client else None
        if not self.ws.locked:
            with self.ws.read() as session:
                pending = session.scalar(select(func.count()).where(OutboxOp.state != "acked")) or 0
        else:
            pending = 0
        report = SyncReport(
            status=status,
            pushed=run.pushed,
            pulled=run.pulled,
            conflicts=run.conflicts,
            held=held,
            requests=traffic.requests if traffic else 0,
            bytes_sent=traffic.bytes_sent if traffic else 0,
            bytes_received=traffic.bytes_received if traffic else 0,
            message=message,
            code=code,
            pending=int(pending),
            problems=tuple(run.problems),
        )
        if not self.ws.locked and code != "ended":
            with self._remote() as session:
                set_meta(session, LAST_REPORT, json.dumps(report.to_json()))
                if status == "synced":
                    set_meta(session, LAST_SYNCED, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        return report

    def _ended(self, run: _Run, signed: Any) -> SyncReport:
        assert self.device is not None
        message = auth.open_message(self.device.server_key, signed, self.device.device_id)
        if message is None:
            return self._finish(
                run,
                "failed",
                "error",
                "The server said this laptop was withdrawn, but the message was not "
                "signed by it. Nothing was deleted.",
            )
        if message.action == "retire":
            return self._retire(run)
        wipe(self.ws, self.device)
        return replace(
            self._finish(run, "failed", "ended", ""),
            message="This laptop was revoked by the administrator. Its key slots have been destroyed.",
        )

    def _retire(self, run: _Run) -> SyncReport:
        assert self.device is not None and self.client is not None
        with self.ws.read() as session:
            waiting = session.scalar(select(func.count()).where(OutboxOp.state.in_(("pending", "held")))) or 0
        if waiting:
            return self._finish(
                run,
                "partial",
                "retiring",
                f"This laptop is being retired; {waiting} changes still have to reach the server first.",
            )
        report = self._finish(run, "failed", "ended", "")
        try:
            self.client.retired()
        except errors.SyncError:
            pass  # the wipe does not depend on the server hearing about it
        wipe(self.ws, self.device)
        return replace(
            report,
            message="This laptop was retired: everything was sent to the server and its key slots destroyed.",
        )


class _RemoteSession:
    """``with`` a write session that change capture skips (the changes come from elsewhere)."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    def __enter__(self) -> Session:
        session: Session = self.ctx.__enter__()
        session.info[REMOTE] = True
        return session

    def __exit__(self, *exc: Any) -> Any:
        return self.ctx.__exit__(*exc)


def _fit(ops: list[Op]) -> list[Op]:
    """As many ops as fit in one compressed batch (always at least one)."""
    while len(ops) > 1:
        raw = json.dumps([o.model_dump(mode="json", exclude_defaults=True) for o in ops]).encode()
        if len(raw) < BATCH_BYTES or len(gzip.compress(raw, 6)) < BATCH_BYTES:
            return ops
        ops = ops[: len(ops) // 2]
    return ops


def known_ops(session: Session) -> Known:
    return Known(session)
