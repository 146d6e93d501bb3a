"""The sync commands as a person types them, enrolment refusals, binding a standalone store, holds."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from earlyhelp_desktop.cli.main import main
from earlyhelp_desktop.core.errors import NotPermitted
from earlyhelp_desktop.core.replication import EnrolError, Replicator, enrol
from earlyhelp_desktop.core.replication.device import DeviceFile
from earlyhelp_desktop.core.store.models import Family
from earlyhelp_desktop.core.store.store import Store
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.sync.conftest import Laptop, RunningServer, seed, settings_for, start_server, unlock


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(PASSWORD + "\n"), stdout=out, stderr=err, fixed_kdf=CHEAP_KDF)
    return code, out.getvalue(), err.getvalue()


def test_enrol_sync_and_conflicts_from_the_command_line(tmp_path: Path, sync_server: RunningServer) -> None:
    store = str(tmp_path / "laptop")
    code, _, err = run(
        "enrol",
        "--store",
        store,
        "--as",
        "s.patel",
        "--server",
        sync_server.url,
        "--code",
        sync_server.code(),
        "--password-stdin",
    )
    assert code == 0, err
    ws = Store(Path(store), fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    ws.services.families.add("Ferreira")
    ws.lock()
    code, out, err = run("sync", "--store", store, "--as", "s.patel", "--json", "--password-stdin")
    assert code == 0, err
    report = json.loads(out)
    assert report["status"] == "synced" and report["pushed"] >= 1
    for key in ("pulled", "conflicts", "held", "requests", "bytes_sent", "bytes_received"):
        assert isinstance(report[key], int)
    code, out, _ = run("conflicts", "--store", store, "--as", "s.patel", "--json", "--password-stdin")
    assert code == 0 and json.loads(out) == []
    # the server goes away: nothing is lost, exit 5
    sync_server.stop()
    ws = Store(Path(store), fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    ws.services.families.add("Offline family")
    ws.lock()
    code, out, _ = run("sync", "--store", store, "--as", "s.patel", "--json", "--password-stdin")
    assert code == 5
    assert json.loads(out)["status"] == "offline" and json.loads(out)["pending"] >= 1


def test_resolving_a_conflict_needs_a_supervisor(laptop: Laptop) -> None:
    worker = laptop("w", "j.okafor")
    directory = str(worker.store.directory)
    worker.lock()
    code, _, err = run(
        "conflicts",
        "resolve",
        "--store",
        directory,
        "--as",
        "j.okafor",
        "--password-stdin",
        "x",
        "--keep",
        "y",
    )
    assert code == 9, err


def test_a_demo_store_is_never_enrolled(tmp_path: Path, sync_server: RunningServer) -> None:
    ws = Store.create(
        tmp_path / "demo",
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        demo=True,
        fixed_kdf=CHEAP_KDF,
    )
    ws.lock()
    with pytest.raises(NotPermitted):
        enrol(
            tmp_path / "demo", sync_server.url, sync_server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF
        )
    assert DeviceFile.load(tmp_path / "demo") is None


def test_a_standalone_store_binds_only_when_its_people_have_accounts(
    tmp_path: Path, sync_server: RunningServer, laptop: Laptop
) -> None:
    ws = Store.create(
        tmp_path / "old",
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        hub_name="Local hub",
        fixed_kdf=CHEAP_KDF,
    )
    ws.services.users.add("x.nobody", "Xan Nobody", "family_worker", PASSWORD)
    ws.lock()
    code = sync_server.code()
    with pytest.raises(EnrolError, match="x.nobody"):
        enrol(tmp_path / "old", sync_server.url, code, "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    assert DeviceFile.load(tmp_path / "old") is None

    ws = Store.create(
        tmp_path / "good",
        username="s.patel",
        full_name="Sunita Patel",
        password=PASSWORD,
        hub_name="Local hub",
        fixed_kdf=CHEAP_KDF,
    )
    ws.services.users.add("j.okafor", "Jide Okafor", "family_worker", PASSWORD)
    fid = ws.services.families.add("Before enrolment").id
    ws.lock()
    bound = enrol(tmp_path / "good", sync_server.url, code, "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
    assert Replicator(bound).run().status == "synced"
    other = laptop("other", "j.okafor")
    with other.read() as session:
        found = session.get(Family, fid)
        assert found is not None and found.hub_id == bound.home_hub_id
    bound.lock()


def test_a_mass_delete_waits_for_a_supervisor(tmp_path: Path) -> None:
    server = start_server(settings_for(f"sqlite:///{tmp_path / 'server.db'}", mass_delete_families=2))
    try:
        seed(server)
        a = enrol(tmp_path / "a", server.url, server.code(), "s.patel", PASSWORD, fixed_kdf=CHEAP_KDF)
        b = enrol(tmp_path / "b", server.url, server.code(), "j.okafor", PASSWORD, fixed_kdf=CHEAP_KDF)
        ids = [a.services.families.add(f"Family {n}").id for n in range(6)]
        assert Replicator(a).run().status == "synced"
        for fid in ids[:4]:
            a.services.families.delete_family(fid)
        a.lock()
        out = io.StringIO()
        code = main(
            ["sync", "--store", str(tmp_path / "a"), "--as", "s.patel", "--json", "--password-stdin"],
            stdin=io.StringIO(PASSWORD + "\n"),
            stdout=out,
            stderr=io.StringIO(),
            fixed_kdf=CHEAP_KDF,
        )
        report = json.loads(out.getvalue())
        assert code == 7 and report["status"] == "partial" and report["held"] > 0
        assert {p["status"] for p in report["problems"]} == {"held"}
        assert Replicator(b).run().status == "synced"
        with b.read() as session:
            assert all(not session.get(Family, fid).deleted for fid in ids)  # type: ignore[union-attr]
        holds = server.admin.holds()
        assert len(holds) == 1 and holds[0]["status"] == "held"
        server.admin.release(holds[0]["hold"])
        a = unlock(a)
        assert Replicator(a).run().status == "synced"
        assert Replicator(b).run().status == "synced"
        with b.read() as session:
            assert [session.get(Family, fid).deleted for fid in ids] == [True] * 4 + [False] * 2  # type: ignore[union-attr]
        a.lock()
        b.lock()
    finally:
        server.stop()


def test_the_server_takes_its_request_threads_from_the_environment_and_refuses_nonsense(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.server import cli as server_cli
    from sync.server.config import Settings, default_threads

    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert Settings.from_env(url).threads == default_threads() >= 2  # one per core, one each way at least
    monkeypatch.setenv("EARLYHELP_SYNC_THREADS", "6")
    assert Settings.from_env(url).threads == 6
    for nonsense in ("many", "0", "-3", "100000"):
        monkeypatch.setenv("EARLYHELP_SYNC_THREADS", nonsense)
        assert server_cli.main(["serve", "--database-url", url]) == 2
        assert "EARLYHELP_SYNC_THREADS must be a whole number" in capsys.readouterr().err
    assert not (tmp_path / "server.db").exists()  # refused before anything was made
