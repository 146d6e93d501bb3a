"""A store folder on disk and the workspace of the person who unlocked it.

``Store`` knows the folder: the encrypted database, the key slots, backups. It can be asked who may
unlock it without any key. ``Store.unlock`` returns a ``Workspace``: the open database, the person
acting, this device, and the services (``ws.families``, ``ws.people``...). ``Workspace.lock`` disposes
the engine and drops the key; the outbox and drafts stay in the encrypted file.

Folder layout::

    store.db (+ -wal, -shm)   SQLCipher 4 database, raw 256-bit key
    keyslots.json             wrapped copies of that key, one per person (and reset/escrow slots)
    unlock-state.json         wrong-password counts (the back-off), no personal data
    backups/                  encrypted copies taken before each migration
    running/                  markers that reveal an unclean shutdown
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert, select

from earlyhelp_desktop.core.crypto.kdf import KdfParams
from earlyhelp_desktop.core.crypto.vault import Opened, SlotUser, Vault
from earlyhelp_desktop.core.errors import CorruptStore, NoStore, StoreExists, StoreLocked
from earlyhelp_desktop.core.fileio import private_dir
from earlyhelp_desktop.core.ids import hub_code, hub_id, staff_id
from earlyhelp_desktop.core.store.capture import CaptureContext, StoreSession
from earlyhelp_desktop.core.store.database import DB_FILE, CheckReport, Database, WrongKey
from earlyhelp_desktop.core.store.engine import set_wal
from earlyhelp_desktop.core.store.models import Hub, Meta, Staff
from earlyhelp_desktop.core.store.running import RunningMarker
from sync.clock import new_device_id

ROLES = ("supervisor", "family_worker", "community_connector")
DEFAULT_HUB = "Local hub"


class Store:
    """A store folder. Cheap to construct; nothing is decrypted until ``unlock``."""

    def __init__(self, directory: Path, *, fixed_kdf: KdfParams | None = None) -> None:
        self.directory = Path(directory)
        self.db_path = self.directory / DB_FILE
        self.backups = self.directory / "backups"
        self.vault = Vault(self.directory, fixed_kdf)
        self._fixed_kdf = fixed_kdf

    def exists(self) -> bool:
        return self.vault.exists() and self.db_path.exists()

    def require(self) -> Store:
        if not self.exists():
            raise NoStore(
                f"There is no store in {self.directory}. Create one with 'earlyhelp init' or enrol."
            )
        return self

    def users(self) -> list[SlotUser]:
        return self.require().vault.users()

    # -- creating --------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path,
        *,
        username: str,
        full_name: str,
        password: str,
        role: str = "supervisor",
        hub_name: str = DEFAULT_HUB,
        demo: bool = False,
        fixed_kdf: KdfParams | None = None,
        device_id: str | None = None,
    ) -> Workspace:
        """Creates a store whose first person (normally a supervisor) is ``username``.

        ``device_id`` is given when enrolment registered this laptop with a server before creating it.
        """
        store = cls(directory, fixed_kdf=fixed_kdf)
        if store.vault.exists():
            raise StoreExists(f"{directory} already holds a store; choose an empty folder.")
        private_dir(store.directory)
        for leftover in (store.db_path, *store.directory.glob(f"{DB_FILE}-*")):
            # A database without key slots is a creation that crashed: its key is gone, so is its content.
            leftover.unlink(missing_ok=True)
        store_id = uuid.uuid4().hex
        key = os.urandom(32)
        db = Database(store.db_path, key)
        db.migrate(backups=None)
        device_id = device_id or new_device_id()
        with db.engine.begin() as conn:
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            for k, v in {
                "store_id": store_id,
                "device_id": device_id,
                "hlc": "0",
                "created_at": now,
                "demo": "1" if demo else "0",
                "home_hub_id": hub_id(hub_name),
            }.items():
                conn.execute(insert(Meta).values(key=k, value=v))
        user = SlotUser(staff_id(username), username.strip(), full_name.strip(), role)
        with db.write(CaptureContext(user.user_id, device_id)) as session:
            session.add(Hub(id=hub_id(hub_name), name=hub_name, code=hub_code(hub_name)))
            session.add(
                Staff(
                    id=user.user_id,
                    username=user.username,
                    full_name=user.full_name,
                    role=role,
                    hub_id=hub_id(hub_name),
                )
            )
        db.dispose()
        store.vault.create(store_id, key, user, password)
        return store._workspace(Opened(user, (key,)))

    # -- unlocking -------------------------------------------------------------------------------

    def unlock(self, username: str, password: str, *, defer_full_check: bool = False) -> Workspace:
        """Opens the store as ``username`` offline; raises WrongPassword, BackoffActive, UnknownUser."""
        opened = self.require().vault.unlock(username, password)
        return self._workspace(opened, defer_full_check=defer_full_check)

    def unlock_with_reset_code(self, username: str, code: str, new_password: str) -> Workspace:
        """A forgotten password: a supervisor's one-time code opens the store and sets a new password."""
        opened = self.require().vault.use_reset_code(username, code, new_password)
        workspace = self._workspace(opened)
        self.vault.set_password(workspace.data_key, opened.user, new_password)
        self.vault.spend_reset_codes(opened.user.user_id)
        return workspace

    def open_with_keys(self, opened: Opened) -> Workspace:
        """For escrow: the server released a key after an online login."""
        return self._workspace(opened)

    def _workspace(self, opened: Opened, *, defer_full_check: bool = False) -> Workspace:
        db, key = self._open_database(opened.keys)
        marker = RunningMarker(self.directory)
        stale = marker.stale_markers()
        marker.acquire()
        try:
            if db.needs_migration():
                db.migrate(self.backups)
            set_wal(db.connect)
            store_id = self.vault.load().store_id
            report = db.quick_check(store_id)
            if not report.ok:
                raise CorruptStore(f"This store failed its check on opening: {'; '.join(report.problems)}.")
            with db.read() as session:
                meta = {m.key: m.value for m in session.scalars(select(Meta))}
                staff = session.get(Staff, opened.user.user_id)
            if staff is None or staff.deleted or not staff.active:
                raise CorruptStore(f"{opened.user.full_name} has a key slot but no active staff record here.")
            workspace = Workspace(self, db, key, staff, meta, marker, unclean=bool(stale))
            if stale and not defer_full_check:
                workspace.run_full_check()
            return workspace
        except BaseException:
            marker.release()
            db.dispose()
            raise

    def _open_database(self, keys: tuple[bytes, ...]) -> tuple[Database, bytes]:
        for index, key in enumerate(keys):
            db = Database(self.db_path, key)
            try:
                db.verify_key()
            except WrongKey:
                continue
            if index > 0:  # a rekey finished in the database but not in the slots: finish it now
                self.vault.rekey_commit()
            elif len(keys) > 1:
                self.vault.rekey_abandon()
            return db, key
        raise CorruptStore(
            "Your password opened your key slot, but the database did not accept the key. The store "
            "file may be damaged or replaced: ask your supervisor to restore a backup."
        )


class Workspace:
    """The unlocked store as one person sees it. Not thread-safe: one thread owns it."""

    def __init__(
        self,
        store: Store,
        db: Database,
        key: bytes,
        staff: Staff,
        meta: dict[str, str],
        marker: RunningMarker,
        unclean: bool,
    ) -> None:
        self.store = store
        self._db: Database | None = db
        self._key: bytes | None = key
        self.user = CurrentUser(staff.id, staff.username, staff.full_name, staff.role, staff.hub_id)
        self.store_id = meta["store_id"]
        self.device_id = meta["device_id"]
        self.demo = meta.get("demo") == "1"
        self.home_hub_id = meta.get("home_hub_id") or staff.hub_id or ""
        self._marker = marker
        self.unclean = unclean
        from earlyhelp_desktop.core.services import Services

        self.services = Services(self)

    # -- access ----------------------------------------------------------------------------------

    @property
    def db(self) -> Database:
        if self._db is None:
            raise StoreLocked("The store is locked. Unlock it with your password.")
        return self._db

    @property
    def data_key(self) -> bytes:
        if self._key is None:
            raise StoreLocked("The store is locked. Unlock it with your password.")
        return self._key

    @property
    def locked(self) -> bool:
        return self._db is None

    def capture(self) -> CaptureContext:
        return CaptureContext(self.user.user_id, self.device_id)

    @contextlib.contextmanager
    def read(self) -> Iterator[StoreSession]:
        with self.db.read() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[StoreSession]:
        """One transaction with its outbox ops, attributed to the person who unlocked."""
        with self.db.write(self.capture()) as session:
            yield session

    # -- checks, keys, lock ----------------------------------------------------------------------

    def run_full_check(self) -> CheckReport:
        report = self.db.full_check()
        if not report.ok:
            raise CorruptStore(f"This store failed its integrity check: {'; '.join(report.problems[:3])}.")
        RunningMarker.clear(self._marker.stale_markers())
        self.unclean = False
        return report

    def rekey(self) -> None:
        """Rotates the data key: every page re-encrypted, every slot re-wrapped (supervisors only)."""
        from earlyhelp_desktop.core.services.base import require_role

        require_role(self.user, "supervisor")
        new_key = os.urandom(32)
        self.store.vault.rekey_prepare(new_key)  # durable before the database changes
        self.db.rekey(new_key)
        self.store.vault.rekey_commit()
        for old in self.store.backups.glob("store-*.db"):  # still readable with the old key
            old.unlink()
        self.db.dispose()
        self._db = Database(self.store.db_path, new_key)
        self._db.verify_key()
        set_wal(self._db.connect)
        self._key = new_key

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    def lock(self) -> None:
        """Disposes the engine and forgets the key. Outbox and drafts stay safe in the file."""
        if self._db is not None:
            self._db.dispose()
        self._db = None
        self._key = None
        self._marker.release()


class CurrentUser:
    """The person acting (from the store's staff table, which is authoritative for role)."""

    __slots__ = ("user_id", "username", "full_name", "role", "hub_id")

    def __init__(self, user_id: str, username: str, full_name: str, role: str, hub_id: str | None) -> None:
        self.user_id = user_id
        self.username = username
        self.full_name = full_name
        self.role = role
        self.hub_id = hub_id

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"
