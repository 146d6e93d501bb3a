"""Enrolling a laptop with a sync server, and logging in online (the escrow path).

``enrol`` creates the store when the folder has none, or binds an existing standalone store: its people
must all have accounts on the server (same user names, so the same staff ids), its hub becomes the
server's hub, and everything it ever recorded is pushed by the first sync. A demo store is never
enrolled. ``login_online`` is for a person who cannot open their slot on this laptop (a new colleague,
or a password changed on the server): the server releases the escrow secret to this enrolled laptop for
an authorised account, the person's slot is created or re-wrapped with their server password, and the
escrow secret is rotated.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import delete, select

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.crypto.vault import Opened, SlotUser
from earlyhelp_desktop.core.errors import AuthError, NotPermitted, StoreError, WrongPassword
from earlyhelp_desktop.core.replication.apply import Applier
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.replication.engine import Replicator
from earlyhelp_desktop.core.replication.local import TOKENS, get_json, set_meta
from earlyhelp_desktop.core.replication.status import SyncReport
from earlyhelp_desktop.core.store.capture import REMOTE
from earlyhelp_desktop.core.store.database import Database
from earlyhelp_desktop.core.store.models import Family, Hub, Locality, Meta, OutboxOp, Staff, Venue
from earlyhelp_desktop.core.store.store import Store, Workspace
from sync import auth, errors
from sync.client import SyncClient
from sync.clock import new_device_id
from sync.protocol import EnrolRequest, EnrolResponse, EscrowConfirm, LoginRequest, Op

SERVER_TABLES = ("hub", "locality", "staff")


class EnrolError(StoreError):
    """Enrolment could not go ahead; nothing on the laptop was changed."""


def _client(server_url: str, session: requests.Session | None) -> SyncClient:
    return SyncClient(server_url, session=session, retries=2)


def enrol(
    directory: Path,
    server_url: str,
    code: str,
    username: str,
    password: str,
    session: requests.Session | None = None,
    *,
    local_password: str | None = None,
    fixed_kdf: KdfParams | None = None,
    first_sync: bool = True,
) -> Workspace:
    """Enrols this laptop: creates the store or binds the one in ``directory``, then pulls.

    Raises AuthError (wrong password), NotPermitted (bad code, wrong hub, demo store), EnrolError
    (people without server accounts, already enrolled) and sync.errors.Unreachable.
    """
    store = Store(directory, fixed_kdf=fixed_kdf)
    if DeviceFile.load(directory) is not None:
        raise EnrolError(f"The store in {directory} is already enrolled with a sync server.")
    client = _client(server_url, session)
    if store.exists():
        ws = _open_existing(store, username, password, local_password)
        try:
            if ws.demo:
                raise NotPermitted("A demo store holds made-up families and can never be enrolled.")
            local_users = [u.username for u in store.vault.users()]
            response, device = _register(
                client, directory, server_url, code, username, password, ws.device_id, local_users
            )
            _bind(ws, response)
            if local_password is not None and local_password != password:
                _rewrap(ws, password)
            ws.store.vault.set_escrow(ws.data_key, auth.unb64(response.escrow_secret))
        except BaseException:
            ws.lock()
            raise
    else:
        device_id = new_device_id()
        response, device = _register(client, directory, server_url, code, username, password, device_id, [])
        account = response.account
        ws = Store.create(
            directory,
            username=account.username,
            full_name=account.full_name,
            password=password,
            role=account.role,
            hub_name=response.hub_name,
            fixed_kdf=fixed_kdf,
            device_id=device_id,
        )
        try:
            _adopt_directory(ws, response.directory, drop_local=True)
            ws.store.vault.set_escrow(ws.data_key, auth.unb64(response.escrow_secret))
        except BaseException:
            ws.lock()
            raise
    device.save()
    _store_token(ws, response.token)
    if first_sync:
        client.signer = device
        Replicator(ws, client, password=password).run()
    return ws


def _open_existing(store: Store, username: str, password: str, local_password: str | None) -> Workspace:
    try:
        return store.unlock(username, password)
    except WrongPassword:
        if local_password is None:
            raise
    return store.unlock(username, local_password)


def _register(
    client: SyncClient,
    directory: Path,
    server_url: str,
    code: str,
    username: str,
    password: str,
    device_id: str,
    local_users: list[str],
) -> tuple[EnrolResponse, DeviceFile]:
    private = auth.new_private_key()
    pending = DeviceFile(
        path=DeviceFile.path_in(directory),
        device_id=device_id,
        server_url=server_url,
        hub_id="",
        hub_name="",
        server_public_key="",
        private_key=auth.b64(private),
        epoch="",
    )
    client.signer = _Unsaved(pending)
    hello = client.hello()
    try:
        response = client.enrol(
            EnrolRequest(
                code=code,
                device_id=device_id,
                public_key=auth.b64(auth.public_key(private)),
                username=username,
                password=password,
                label=f"laptop {device_id[:6]}",
                local_users=local_users,
            )
        )
    except errors.AuthFailed as exc:
        raise AuthError(str(exc)) from exc
    except errors.NotAllowed as exc:
        raise NotPermitted(str(exc)) from exc
    except errors.Refused as exc:
        raise EnrolError(str(exc)) from exc
    pending.hub_id = response.hub_id
    pending.hub_name = response.hub_name
    pending.server_public_key = response.server_public_key
    pending.epoch = hello.epoch
    pending.counter = client.signer.next_counter() if False else pending.counter
    return response, pending


class _Unsaved:
    """Signs with a device key that is not written to disk until enrolment succeeded."""

    def __init__(self, device: DeviceFile) -> None:
        self.device = device

    @property
    def device_id(self) -> str:
        return self.device.device_id

    def next_counter(self) -> int:
        self.device.counter += 1
        return self.device.counter

    def skip_counter_past(self, value: int) -> None:
        self.device.counter = max(self.device.counter, value)

    def sign(self, data: bytes) -> str:
        return self.device.sign(data)


def _adopt_directory(
    ws: Workspace, directory: list[Op], *, drop_local: bool, old_hub: str | None = None
) -> None:
    """The server's hub, locality and staff rows replace this laptop's own copies of them."""
    new_hub = next((op.row_id for op in directory if op.table == "hub"), None)
    with ws.write() as session:
        session.info[REMOTE] = True
        session.execute(delete(OutboxOp).where(OutboxOp.table_name.in_(SERVER_TABLES)))
        for model in (Hub, Locality, Staff):
            session.connection().execute(model.__table__.delete())  # type: ignore[attr-defined]
        Applier(session).apply_all(directory)
        hub = ws.user.hub_id
        for op in directory:
            if op.table == "staff" and op.row_id == ws.user.user_id:
                value = op.fields.get("hub_id")
                hub = value.value if value is not None else hub
        if hub:
            row = session.get(Meta, "home_hub_id")
            if row is not None:
                row.value = hub
        del drop_local, new_hub, old_hub


def _bind(ws: Workspace, response: EnrolResponse) -> None:
    """A standalone store joins the server's hub: its families and venues move there, without new ops."""
    old_hub = ws.home_hub_id
    new_hub = response.hub_id
    _adopt_directory(ws, response.directory, drop_local=False, old_hub=old_hub)
    ws.home_hub_id = new_hub
    if old_hub == new_hub:
        return
    with ws.write() as session:
        session.info[REMOTE] = True
        for model in (Family, Venue):
            for obj in session.scalars(select(model).where(model.hub_id == old_hub)):
                obj.hub_id = new_hub  # type: ignore[attr-defined]
        for row in session.scalars(select(OutboxOp).where(OutboxOp.table_name.in_(("family", "venue")))):
            payload: dict[str, Any] = json.loads(json.dumps(row.payload))
            wire = payload.get("fields", {}).get("hub_id")
            if wire is not None and wire.get("value") == old_hub:
                wire["value"] = new_hub
                row.payload = payload


def _rewrap(ws: Workspace, password: str) -> None:
    user = ws.user
    ws.store.vault.set_password(
        ws.data_key, SlotUser(user.user_id, user.username, user.full_name, user.role), password
    )


def _store_token(ws: Workspace, token: str) -> None:
    with ws.write() as session:
        session.info[REMOTE] = True
        tokens = get_json(session, TOKENS, {})
        tokens = tokens if isinstance(tokens, dict) else {}
        tokens[ws.user.user_id] = token
        set_meta(session, TOKENS, json.dumps(tokens))


def login_online(
    directory: Path,
    server_url: str | None,
    username: str,
    password: str,
    session: requests.Session | None = None,
    *,
    fixed_kdf: KdfParams | None = None,
) -> Workspace:
    """Online login on an enrolled laptop: opens the store for an authorised account and sets its slot.

    Used for a new colleague (no slot yet) and after a password change on the server. The person's own
    slot is tried first; the escrow secret is asked for only when it does not open.
    """
    store = Store(directory, fixed_kdf=fixed_kdf)
    device = DeviceFile.load(directory)
    if device is None or not store.exists():
        raise EnrolError("This laptop is not enrolled with a sync server, so it cannot log you in online.")
    client = _client(server_url or device.server_url, session)
    client.signer = device
    try:
        ws = store.unlock(username, password)
    except AuthError:
        ws = None
    try:
        response = client.login(LoginRequest(username=username, password=password, escrow=ws is None))
    except errors.AuthFailed as exc:
        if ws is not None:
            ws.lock()
        raise AuthError(str(exc)) from exc
    except errors.NotAllowed as exc:
        if ws is not None:
            ws.lock()
        raise NotPermitted(str(exc)) from exc
    except errors.DeviceEnded as exc:
        if ws is not None:
            ws.lock()
        message = auth.open_message(device.server_key, exc.signed, device.device_id)
        if message is not None:
            store.vault.destroy()
            device.remove()
        raise NotPermitted(str(exc)) from exc
    if ws is None:
        ws = _open_with_escrow(store, device, client, response, password)
    else:
        _store_token(ws, response.token)
    return ws


def _open_with_escrow(
    store: Store, device: DeviceFile, client: SyncClient, response: Any, password: str
) -> Workspace:
    release = response.escrow
    if release is None:
        raise NotPermitted("The server did not release this laptop's key for your account.")
    keys: tuple[bytes, ...] = ()
    for secret in release.secrets:
        try:
            keys = store.vault.open_escrow(auth.unb64(secret))
            break
        except WrongPassword:
            continue
    if not keys:
        raise StoreError("The server's key does not open this laptop's store. Ask your administrator.")
    account = response.account
    user = SlotUser(account.user_id, account.username, account.full_name, account.role)
    # the person's staff row may not have reached this laptop yet: apply the server's directory first
    database = Database(store.db_path, keys[0])
    try:
        with database.write(_capture_for(account.user_id, device.device_id)) as session:
            session.info[REMOTE] = True
            Applier(session).apply_all(response.directory)
    finally:
        database.dispose()
    ws = store.open_with_keys(Opened(user, keys))
    store.vault.set_password(ws.data_key, user, password)
    new_secret = auth.unb64(release.new_secret)
    store.vault.set_escrow(ws.data_key, new_secret)
    client.confirm_escrow(EscrowConfirm(new_secret_sha256=hashlib.sha256(new_secret).hexdigest()))
    _store_token(ws, response.token)
    return ws


def _capture_for(user_id: str, device_id: str) -> Any:
    from earlyhelp_desktop.core.store.capture import CaptureContext

    return CaptureContext(user_id, device_id)


def sync_once(ws: Workspace, password: str | None = None) -> SyncReport:
    return Replicator(ws, password=password).run()
