"""Accounts, hubs, enrolment, online login and escrow, devices, holds: the administrator's side.

Used by the HTTP app (enrol, login, escrow) and by the admin CLI (everything else).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, RowMapping, insert, select, update

from earlyhelp_desktop.core.ids import derived_id, hub_code, hub_id, staff_id
from sync import auth
from sync.protocol import (
    Account,
    EnrolRequest,
    EnrolResponse,
    EscrowRelease,
    LoginRequest,
    LoginResponse,
    Op,
)
from sync.server import db, throttle
from sync.server.accounts import (
    DUMMY_HASH,
    check_password,
    code_hash,
    hash_password,
    issue_token,
    new_code,
    now_ms,
)
from sync.server.oplog import Batch, Pusher
from sync.server.store import ApiError, ServerStore

T = TypeVar("T")

ROLES = ("supervisor", "family_worker", "community_connector")
WRONG_LOGIN = "That user name and password do not match an account on the sync server."


@dataclass
class Admin:
    store: ServerStore

    # -- hubs and accounts -----------------------------------------------------------------------------

    def add_hub(self, name: str, locality: str | None = None) -> str:
        name = " ".join(name.split())
        if not name:
            raise ApiError(400, "invalid", "Enter the hub's name")
        new_id = hub_id(name)

        def work(conn: Connection) -> str:
            if conn.execute(select(db.hubs.c.hub_id).where(db.hubs.c.hub_id == new_id)).first():
                raise ApiError(409, "exists", f"There is already a hub called {name}.")
            conn.execute(
                insert(db.hubs).values(hub_id=new_id, name=name, code=hub_code(name), locality=locality)
            )
            changes: list[tuple[str, str, str | None, str, dict[str, Any]]] = []
            locality_id = None
            if locality:
                locality_id = derived_id("locality", " ".join(locality.split()).casefold())
                if not conn.execute(
                    select(db.row_states.c.row_id).where(
                        db.row_states.c.table_name == "locality", db.row_states.c.row_id == locality_id
                    )
                ).first():
                    changes.append(("locality", locality_id, None, "insert", {"name": locality}))
            changes.append(
                (
                    "hub",
                    new_id,
                    None,
                    "insert",
                    {"locality_id": locality_id, "name": name, "code": hub_code(name)},
                )
            )
            self.store.server_ops(conn, changes)
            return new_id

        return self.store.transact(work)

    def hub_by_name(self, conn: Connection, name: str) -> RowMapping:
        found = conn.execute(select(db.hubs).where(db.hubs.c.hub_id == hub_id(name))).mappings().first()
        if found is None:
            raise ApiError(404, "not_found", f"There is no hub called {name}. Add it with 'admin add-hub'.")
        return found

    def add_user(self, username: str, full_name: str, role: str, hub_name: str, password: str) -> str:
        username = username.strip()
        if not username or any(ch.isspace() for ch in username) or len(username) > 64:
            raise ApiError(400, "invalid", "Enter a user name without spaces, for example j.smith")
        if role not in ROLES:
            raise ApiError(400, "invalid", f"Choose a role: {', '.join(ROLES)}")
        if len(password) < 8:
            raise ApiError(400, "invalid", "Choose a password of at least 8 characters")
        hashed = hash_password(password, self.store.settings.password_cost)
        user_id = staff_id(username)

        def work(conn: Connection) -> str:
            hub = self.hub_by_name(conn, hub_name)
            if self.store.account(conn, user_id=user_id) is not None:
                raise ApiError(409, "exists", f"There is already an account called {username}.")
            conn.execute(
                insert(db.accounts).values(
                    user_id=user_id,
                    username=username,
                    full_name=full_name.strip(),
                    role=role,
                    hub_id=hub["hub_id"],
                    password=hashed,
                    active=True,
                    created_ms=now_ms(),
                )
            )
            row = {
                "username": username,
                "full_name": full_name.strip(),
                "role": role,
                "hub_id": hub["hub_id"],
                "job_title": None,
                "phone": None,
                "email": None,
                "active": True,
            }
            self.store.server_ops(conn, [("staff", user_id, None, "insert", row)])
            return user_id

        return self.store.transact(work)

    def enrol_code(self, hub_name: str) -> str:
        code = new_code()

        def work(conn: Connection) -> None:
            hub = self.hub_by_name(conn, hub_name)
            now = now_ms()
            conn.execute(
                insert(db.enrol_codes).values(
                    code_hash=code_hash(code),
                    hub_id=hub["hub_id"],
                    created_ms=now,
                    expires_ms=now + self.store.settings.enrol_code_hours * 3600 * 1000,
                )
            )

        self.store.transact(work)
        return code

    # -- enrolment and online login ------------------------------------------------------------------

    def _login_account(self, conn: Connection, username: str, password: str) -> RowMapping:
        account = (
            conn.execute(select(db.accounts).where(db.accounts.c.username == username.strip()))
            .mappings()
            .first()
        )
        if account is None:  # the same Argon2 work as a real account: the time taken names nobody
            cost = self.store.settings.password_cost
            check_password(
                password, DUMMY_HASH | {"m": cost.memory_kib, "t": cost.iterations, "p": cost.lanes}
            )
            raise ApiError(401, "wrong_login", WRONG_LOGIN)
        if not check_password(password, account["password"]) or not account["active"]:
            raise ApiError(401, "wrong_login", WRONG_LOGIN)
        return account

    def enrol(self, request: EnrolRequest, counter: int) -> EnrolResponse:
        identity = self.store.identity()
        settings = self.store.settings

        def work(conn: Connection) -> EnrolResponse:
            code = (
                conn.execute(
                    select(db.enrol_codes).where(db.enrol_codes.c.code_hash == code_hash(request.code))
                )
                .mappings()
                .first()
            )
            now = now_ms()
            if code is None or code["used_ms"] is not None or code["expires_ms"] < now:
                raise ApiError(
                    403,
                    "bad_code",
                    "That enrolment code is not valid or was used already. Ask for a new one.",
                )
            self._not_waiting(conn, keys)
            account = self._login_account(conn, request.username, request.password)
            throttle.clear(conn, keys)
            if account["hub_id"] != code["hub_id"]:
                raise ApiError(
                    403, "wrong_hub", "Your account does not belong to the hub this code enrols into."
                )
            if request.local_users:
                known = {
                    r.username.casefold()
                    for r in conn.execute(
                        select(db.accounts.c.username).where(db.accounts.c.active.is_(True))
                    )
                }
                unmatched = sorted(u for u in request.local_users if u.casefold() not in known)
                if unmatched:
                    raise ApiError(
                        409,
                        "unmatched_users",
                        "These people on the laptop have no account on the sync server: "
                        + ", ".join(unmatched)
                        + ". Ask the administrator to add them, then enrol again.",
                        {"unmatched": unmatched},
                    )
            if conn.execute(
                select(db.devices.c.device_id).where(db.devices.c.device_id == request.device_id)
            ).first():
                raise ApiError(409, "device_exists", "This laptop is already enrolled.")
            secret = os.urandom(32)
            conn.execute(
                insert(db.devices).values(
                    device_id=request.device_id,
                    hub_id=code["hub_id"],
                    public_key=request.public_key,
                    label=request.label or request.device_id,
                    status="active",
                    counter=counter,
                    enrolled_ms=now,
                    enrolled_by=account["user_id"],
                    pending=0,
                    escrow_secret=auth.b64(secret),
                )
            )
            conn.execute(
                update(db.enrol_codes)
                .where(db.enrol_codes.c.code_hash == code["code_hash"])
                .values(used_ms=now, device_id=request.device_id)
            )
            self.event(conn, "enrol", request.device_id, account["user_id"], code["hub_id"])
            token, expires = issue_token(
                identity.token_secret, account["user_id"], request.device_id, settings.token_seconds
            )
            hub = conn.execute(select(db.hubs).where(db.hubs.c.hub_id == code["hub_id"])).mappings().one()
            return EnrolResponse(
                device_id=request.device_id,
                hub_id=hub["hub_id"],
                hub_name=hub["name"],
                epoch=identity.epoch,
                server_public_key=identity.public_key,
                escrow_secret=auth.b64(secret),
                token=token,
                token_expires_ms=expires,
                account=_account(account),
                directory=self.directory(conn),
            )

        keys = [throttle.name_key(request.username), "code:" + code_hash(request.code)]
        return self._counting_failures(keys, work)

    def login(self, device: db.Record, request: LoginRequest) -> LoginResponse:
        identity = self.store.identity()

        def work(conn: Connection) -> LoginResponse:
            self._not_waiting(conn, keys)
            account = self._login_account(conn, request.username, request.password)
            throttle.clear(conn, keys)
            if account["hub_id"] != device["hub_id"]:
                raise ApiError(403, "wrong_hub", "Your account is not authorised for this laptop's hub.")
            token, expires = issue_token(
                identity.token_secret,
                account["user_id"],
                device["device_id"],
                self.store.settings.token_seconds,
            )
            escrow = None
            if request.escrow:
                new_secret = os.urandom(32)
                current = conn.execute(
                    select(db.devices.c.escrow_secret, db.devices.c.escrow_pending).where(
                        db.devices.c.device_id == device["device_id"]
                    )
                ).one()
                secrets = [
                    current.escrow_secret,
                    *([current.escrow_pending] if current.escrow_pending else []),
                ]
                conn.execute(
                    update(db.devices)
                    .where(db.devices.c.device_id == device["device_id"])
                    .values(escrow_pending=auth.b64(new_secret))
                )
                escrow = EscrowRelease(secrets=secrets, new_secret=auth.b64(new_secret))
                self.event(conn, "escrow_release", device["device_id"], account["user_id"], device["hub_id"])
            else:
                self.event(conn, "login", device["device_id"], account["user_id"], device["hub_id"])
            return LoginResponse(
                token=token,
                token_expires_ms=expires,
                account=_account(account),
                escrow=escrow,
                directory=self.directory(conn),
            )

        keys = [throttle.name_key(request.username), "device:" + device["device_id"]]
        return self._counting_failures(keys, work)

    def _not_waiting(self, conn: Connection, keys: list[str]) -> None:
        wait = throttle.seconds_to_wait(conn, keys, now_ms())
        if wait:
            raise ApiError(
                403,
                "too_many_attempts",
                f"Too many wrong passwords. Wait {throttle.in_words(wait)}, then try again.",
                {"retry_after": wait},
            )

    def _counting_failures(self, keys: list[str], work: Callable[[Connection], T]) -> T:
        """Runs a login; a wrong password is counted in its own transaction (the login's rolls back)."""
        try:
            return self.store.transact(work)
        except ApiError as exc:
            if exc.code == "wrong_login":
                self.store.transact(lambda conn: throttle.record_failure(conn, keys, now_ms()))
            raise

    def confirm_escrow(self, device: db.Record, new_secret_sha256: str) -> None:
        def work(conn: Connection) -> None:
            pending = conn.execute(
                select(db.devices.c.escrow_pending).where(db.devices.c.device_id == device["device_id"])
            ).scalar()
            if not pending or hashlib.sha256(auth.unb64(pending)).hexdigest() != new_secret_sha256:
                raise ApiError(409, "no_escrow", "There is no new escrow secret waiting for this laptop.")
            conn.execute(
                update(db.devices)
                .where(db.devices.c.device_id == device["device_id"])
                .values(escrow_secret=pending, escrow_pending=None)
            )
            self.event(conn, "escrow_rotated", device["device_id"], None, device["hub_id"])

        self.store.transact(work)

    def directory(self, conn: Connection) -> list[Op]:
        """The server's hub, locality and staff rows, as the ops that wrote them."""
        rows = conn.execute(
            select(db.ops.c.payload)
            .where(db.ops.c.table_name.in_(("hub", "locality", "staff")))
            .order_by(db.ops.c.seq)
        ).all()
        return [Op.model_validate_json(r.payload) for r in rows]

    def event(
        self,
        conn: Connection,
        kind: str,
        device_id: str | None,
        user_id: str | None,
        hub: str | None,
        **detail: Any,
    ) -> None:
        conn.execute(
            insert(db.events).values(
                at_ms=now_ms(),
                kind=kind,
                device_id=device_id,
                user_id=user_id,
                hub_id=hub,
                detail=detail or None,
            )
        )

    # -- devices and holds -----------------------------------------------------------------------------

    def devices(self) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            hubs = {r.hub_id: r.name for r in conn.execute(select(db.hubs))}
            found = []
            for d in conn.execute(select(db.devices).order_by(db.devices.c.enrolled_ms)).mappings():
                found.append(
                    {
                        "device": d["device_id"],
                        "label": d["label"],
                        "hub": hubs.get(d["hub_id"], d["hub_id"]),
                        "status": d["status"],
                        "last_seen": _iso(d["last_seen_ms"]),
                        "last_sync": _iso(d["last_sync_ms"]),
                        "pending": d["pending"],
                        "clock": d["clock_note"],
                    }
                )
        return found

    def end_device(self, device_id: str, action: str) -> None:
        """Retire (push everything, then wipe) or revoke (wipe at next contact) a laptop."""
        status = {"retire": "retire", "revoke": "revoke"}[action]

        def work(conn: Connection) -> None:
            found = (
                conn.execute(select(db.devices).where(db.devices.c.device_id == device_id)).mappings().first()
            )
            if found is None:
                raise ApiError(404, "not_found", f"There is no laptop {device_id}.")
            if found["status"] in ("retired", "revoked"):
                raise ApiError(409, "ended", f"Laptop {device_id} is already {found['status']}.")
            if action == "retire" and found["status"] == "revoke":
                raise ApiError(409, "ended", f"Laptop {device_id} is already being revoked.")
            conn.execute(update(db.devices).where(db.devices.c.device_id == device_id).values(status=status))
            self.event(conn, action, device_id, None, found["hub_id"])

        self.store.transact(work)

    def device_wiped(self, device: db.Record) -> None:
        final = "revoked" if device["status"] == "revoke" else "retired"

        def work(conn: Connection) -> None:
            conn.execute(
                update(db.devices).where(db.devices.c.device_id == device["device_id"]).values(status=final)
            )
            self.event(conn, "wiped", device["device_id"], None, device["hub_id"])

        self.store.transact(work)

    def holds(self) -> list[dict[str, Any]]:
        with self.store.engine.connect() as conn:
            hubs = {r.hub_id: r.name for r in conn.execute(select(db.hubs))}
            result = []
            for h in conn.execute(select(db.holds).order_by(db.holds.c.created_ms)).mappings():
                count = len(
                    conn.execute(
                        select(db.held_ops.c.op_id).where(db.held_ops.c.hold_id == h["hold_id"])
                    ).all()
                )
                result.append(
                    {
                        "hold": h["hold_id"],
                        "device": h["device_id"],
                        "hub": hubs.get(h["hub_id"], h["hub_id"]),
                        "families": h["families"],
                        "changes": count,
                        "status": h["status"],
                        "created": _iso(h["created_ms"]),
                        "released": _iso(h["released_ms"]),
                    }
                )
        return result

    def release(self, hold_id: str, by: str = "administrator") -> int:
        """A supervisor confirmed the deletions: the held ops are applied, in the order they came."""

        def work(conn: Connection) -> int:
            hold = conn.execute(select(db.holds).where(db.holds.c.hold_id == hold_id)).mappings().first()
            if hold is None:
                raise ApiError(404, "not_found", f"There is no hold {hold_id}.")
            if hold["status"] != "held":
                raise ApiError(409, "released", f"Hold {hold_id} was already released.")
            rows = conn.execute(
                select(db.held_ops).where(db.held_ops.c.hold_id == hold_id).order_by(db.held_ops.c.position)
            ).mappings()
            batch = Batch(conn, Pusher(hold["device_id"], hold["hub_id"], server=True), 0)
            ops = [(Op.model_validate_json(r["payload"]), r["digest"]) for r in rows]
            batch.load((op.table, op.row_id) for op, _ in ops)
            for op, digest in ops:
                if not batch.known(op.op_id):
                    batch.apply(op, digest)
            batch.commit()
            conn.execute(
                update(db.holds)
                .where(db.holds.c.hold_id == hold_id)
                .values(status="released", released_ms=now_ms(), released_by=by)
            )
            self.event(conn, "release", hold["device_id"], None, hold["hub_id"], hold=hold_id)
            return len(ops)

        return self.store.transact(work)


def _account(row: RowMapping) -> Account:
    return Account(
        user_id=row["user_id"],
        username=row["username"],
        full_name=row["full_name"],
        role=row["role"],
        hub_id=row["hub_id"],
    )


def _iso(ms: int | None) -> str | None:
    import datetime as dt

    if ms is None:
        return None
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat(timespec="seconds")


def dumps(data: Any) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False)
