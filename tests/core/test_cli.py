"""The earlyhelp command line: its exact contract, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from earlyhelp_desktop.cli.main import main
from earlyhelp_desktop.core.store.store import Workspace
from tests.conftest import CHEAP_KDF, PASSWORD


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def cli(*argv: str, stdin: str = "", env: dict[str, str] | None = None) -> Run:
    out, err = io.StringIO(), io.StringIO()
    old = dict(os.environ)
    os.environ.pop("EARLYHELP_PASSWORD", None)
    os.environ.pop("EARLYHELP_NEW_PASSWORD", None)
    os.environ.update(env or {})
    try:
        code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err, fixed_kdf=CHEAP_KDF)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def store(workspace: Workspace, store_dir: Path) -> str:
    workspace.lock()
    return str(store_dir)


def test_init_then_everything_by_the_book(tmp_path: Path) -> None:
    d = str(tmp_path / "s")
    r = cli(
        "init",
        "--store",
        d,
        "--user",
        "s.patel",
        "--full-name",
        "Sunita Patel",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="first password\n",
    )
    assert r.code == 0, r.err
    again = cli(
        "init",
        "--store",
        d,
        "--user",
        "x",
        "--full-name",
        "X",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="first password\n",
    )
    assert again.code == 4 and "already holds a store" in again.err
    add = cli(
        "family",
        "add",
        "--store",
        d,
        "--as",
        "s.patel",
        "--name",
        "Ó Briain",
        "--postcode",
        "tq1 4ab",
        "--json",
        "--password-stdin",
        stdin="first password\n",
    )
    assert add.code == 0 and set(add.json()) == {"id", "reference"}
    found = cli(
        "families",
        "--store",
        d,
        "--as",
        "s.patel",
        "--search",
        "obriain",
        "--json",
        env={"EARLYHELP_PASSWORD": "first password"},
    )
    assert found.code == 0
    [family] = found.json()
    assert set(family) == {
        "id",
        "reference",
        "display_name",
        "postcode",
        "level_of_need",
        "status",
        "members",
    }
    assert family["postcode"] == "TQ1 4AB" and family["display_name"] == "Ó Briain"


def test_family_update_show_and_bad_values(store: str) -> None:
    env = {"EARLYHELP_PASSWORD": PASSWORD}
    ref = cli(
        "family", "add", "--store", store, "--as", "s.patel", "--name", "Llŷr", "--json", env=env
    ).json()["reference"]
    bad = cli(
        "family", "update", "--store", store, "--as", "s.patel", ref, "--set", "level_of_need=9", env=env
    )
    assert bad.code == 2 and bad.err.count("\n") == 1 and "from 1 to 4" in bad.err
    unknown = cli(
        "family", "update", "--store", store, "--as", "s.patel", ref, "--set", "reference=X", env=env
    )
    assert unknown.code == 2 and "cannot be changed" in unknown.err
    ok = cli(
        "family",
        "update",
        "--store",
        store,
        "--as",
        "s.patel",
        ref.lower(),
        "--set",
        "level_of_need=3",
        "--set",
        "postcode=TQ2 5CD",
        "--set",
        "address=1 Quay Road",
        env=env,
    )
    assert ok.code == 0, ok.err
    shown = cli("family", "show", "--store", store, "--as", "s.patel", ref, "--json", env=env).json()
    assert (shown["level_of_need"], shown["postcode"], shown["address"]) == (3, "TQ2 5CD", "1 Quay Road")
    assert shown["current_episode"]["assessment"] is None and shown["flags"] == []
    missing = cli("family", "show", "--store", store, "--as", "s.patel", "TN-0000-0000", "--json", env=env)
    assert missing.code == 2 and "No family" in missing.err and missing.out == ""


def test_exit_codes_for_auth_store_and_role(store: str, tmp_path: Path) -> None:
    wrong = cli("families", "--store", store, "--as", "s.patel", "--json", env={"EARLYHELP_PASSWORD": "nope"})
    assert wrong.code == 3 and "not right" in wrong.err and "Traceback" not in wrong.err
    for _ in range(3):
        cli("families", "--store", store, "--as", "s.patel", env={"EARLYHELP_PASSWORD": "nope"})
    waiting = cli("families", "--store", store, "--as", "s.patel", env={"EARLYHELP_PASSWORD": PASSWORD})
    assert waiting.code == 3 and "Try again in" in waiting.err
    nostore = cli(
        "families", "--store", str(tmp_path / "none"), "--as", "s.patel", env={"EARLYHELP_PASSWORD": PASSWORD}
    )
    assert nostore.code == 4 and "no store" in nostore.err.lower()


def test_users_reset_codes_and_roles(store: str) -> None:
    sup = {"EARLYHELP_PASSWORD": PASSWORD}
    add = cli(
        "user",
        "add",
        "--store",
        store,
        "--as",
        "s.patel",
        "--user",
        "a.okafor",
        "--full-name",
        "Adaeze Okafor",
        "--role",
        "family_worker",
        "--password-stdin",
        stdin=f"{PASSWORD}\nadaeze's pass\n",
    )
    assert add.code == 0, add.err
    listing = cli("user", "list", "--store", store, "--as", "s.patel", "--json", env=sup).json()
    assert {u["user"] for u in listing} == {"s.patel", "a.okafor"} and all(u["can_unlock"] for u in listing)
    denied = cli(
        "user",
        "reset-code",
        "--store",
        store,
        "--as",
        "a.okafor",
        "--user",
        "s.patel",
        env={"EARLYHELP_PASSWORD": "adaeze's pass"},
    )
    assert denied.code == 9 and "Only a supervisor" in denied.err
    code = cli("user", "reset-code", "--store", store, "--as", "s.patel", "--user", "a.okafor", env=sup)
    assert code.code == 0 and len(code.out.strip()) == 14  # XXXX-XXXX-XXXX alone on stdout
    reset = cli(
        "user",
        "passwd",
        "--store",
        store,
        "--user",
        "a.okafor",
        "--reset-code",
        code.out.strip(),
        env={"EARLYHELP_NEW_PASSWORD": "a new password"},
    )
    assert reset.code == 0, reset.err
    assert (
        cli(
            "families", "--store", store, "--as", "a.okafor", env={"EARLYHELP_PASSWORD": "a new password"}
        ).code
        == 0
    )
    short = cli(
        "user",
        "passwd",
        "--store",
        store,
        "--as",
        "a.okafor",
        "--password-stdin",
        stdin="a new password\nshort\n",
    )
    assert short.code == 2 and "at least 8 characters" in short.err


def test_check_and_rekey(store: str) -> None:
    env = {"EARLYHELP_PASSWORD": PASSWORD}
    report = cli("check", "--store", store, "--as", "s.patel", "--full", "--json", env=env)
    assert report.code == 0 and report.json()["ok"] and report.json()["kind"] == "full"
    assert cli("rekey", "--store", store, "--as", "s.patel", env=env).code == 0
    assert cli("check", "--store", store, "--as", "s.patel", "--json", env=env).json()["ok"]


def test_no_password_and_no_terminal_is_a_usage_error(store: str) -> None:
    r = cli("families", "--store", store, "--as", "s.patel")
    assert r.code == 2 and "--password-stdin" in r.err


def test_the_installed_command_runs(store: str) -> None:
    exe = Path(sys.executable).with_name("earlyhelp")
    env = {**os.environ, "EARLYHELP_PASSWORD": PASSWORD}
    result = subprocess.run(
        [str(exe), "families", "--store", store, "--as", "s.patel", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0 and json.loads(result.stdout) == []
    bad = subprocess.run(
        [str(exe), "families", "--store", store, "--as", "s.patel", "--limit", "0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
