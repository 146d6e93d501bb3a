"""`earlyhelp print ...`: the exact contract, one clear line on error, and never a partial file."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from earlyhelp_desktop.cli.main import main
from earlyhelp_desktop.cli.print_cmds import Saver
from earlyhelp_desktop.core.services.documents import PrintedDocument
from earlyhelp_desktop.core.store.models import AuditEvent, IssuedPlan
from earlyhelp_desktop.core.store.store import Store, Workspace
from tests.conftest import CHEAP_KDF, PASSWORD
from tests.family_builder import GOALS, add_family, flat, font_sizes


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(PASSWORD + "\n"), stdout=out, stderr=err, fixed_kdf=CHEAP_KDF)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def store(workspace: Workspace, store_dir: Path) -> tuple[Path, str, str]:
    """A store holding the Ó Briain family (with a plan) and the Llŷr family (without one)."""
    with_plan = add_family(workspace).reference
    without = add_family(workspace, name="Llŷr", with_plan=False).reference
    workspace.lock()
    return store_dir, with_plan, without


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where the PDFs go (the store lives beside it, in out_dir / "store")."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def common(store_dir: Path) -> list[str]:
    return ["--store", str(store_dir), "--as", "s.patel", "--password-stdin"]


def issued(store_dir: Path) -> list[int]:
    ws = Store(store_dir, fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    try:
        with ws.read() as session:
            return sorted(session.scalars(select(IssuedPlan.number)).all())
    finally:
        ws.lock()


def test_print_plan_saves_a_new_version_each_time(store: tuple[Path, str, str], out_dir: Path) -> None:
    store_dir, reference, _ = store
    out = out_dir / "plan.pdf"
    code, stdout, stderr = run("print", "plan", *common(store_dir), reference, "--out", str(out))
    assert code == 0, stderr
    assert stdout.startswith("Saved version 1 of the family plan (") and str(out) in stdout
    assert "outside the encrypted store" in stderr
    assert GOALS[0] in flat(out.read_bytes())
    code, stdout, _ = run(
        "print", "plan", *common(store_dir), reference.lower(), "--out", str(out), "--large-print"
    )
    assert code == 0 and "Saved version 2 of the family plan (large print," in stdout
    assert min(size for size, _ in font_sizes(out.read_bytes())) >= 16
    assert issued(store_dir) == [1, 2]
    assert [p.name for p in out_dir.iterdir()] == ["plan.pdf"]  # no temporary file left behind


def test_print_professional_documents(store: tuple[Path, str, str], out_dir: Path) -> None:
    store_dir, reference, _ = store
    for kind in ("assessment", "review"):
        out = out_dir / f"{kind}.pdf"
        code, stdout, stderr = run(
            "print", kind, *common(store_dir), reference, "--out", str(out), "--for-agency", "School"
        )
        assert code == 0, stderr
        assert "for School" in stdout
        text = flat(out.read_bytes())
        assert "Prepared for School" in text and len(PdfReader(out).pages) >= 1


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["print", "plan", "TN-0000-0000"], 2, "No family with reference or id 'TN-0000-0000'"),
        (["print", "plan", "{without}"], 2, "The Llŷr family has no plan yet"),
        (["print", "closure", "{plan}"], 2, "has not been closed"),
        (["print", "assessment", "{plan}", "--for-agency", "GP"], 9, "GP may see the plan only"),
        (["print", "review", "{plan}", "--for-agency", "Devon Police"], 9, "must not see their information"),
    ],
)
def test_errors_are_one_line_and_leave_no_file(
    store: tuple[Path, str, str], out_dir: Path, argv: list[str], code: int, message: str
) -> None:
    store_dir, with_plan, without = store
    argv = [a.format(plan=with_plan, without=without) for a in argv]
    out = out_dir / "out.pdf"
    got, stdout, stderr = run(*argv[:2], *common(store_dir), *argv[2:], "--out", str(out))
    assert got == code
    assert stderr.count("\n") == 1 and stderr.startswith("earlyhelp: ") and message in stderr
    assert stdout == "" and list(out_dir.iterdir()) == []
    assert issued(store_dir) == []


def test_an_unwritable_path_is_refused_before_anything_happens(
    store: tuple[Path, str, str], out_dir: Path
) -> None:
    store_dir, reference, _ = store
    for out, message in (
        (out_dir / "missing" / "plan.pdf", "the folder"),
        (out_dir, "give a file name"),
    ):
        code, _, stderr = run("print", "plan", *common(store_dir), reference, "--out", str(out))
        assert code == 2 and stderr.count("\n") == 1 and "Cannot save to" in stderr and message in stderr
    assert list(out_dir.iterdir()) == [] and issued(store_dir) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc, where no file can be created")
def test_a_write_that_fails_mid_print_records_nothing(store: tuple[Path, str, str]) -> None:
    store_dir, reference, _ = store
    code, _, stderr = run("print", "plan", *common(store_dir), reference, "--out", "/proc/plan.pdf")
    assert (
        code == 2
        and stderr.startswith("earlyhelp: Cannot save to /proc/plan.pdf")
        and stderr.count("\n") == 1
    )
    assert not Path("/proc/plan.pdf").exists()
    assert issued(store_dir) == []  # the issued version and its audit event were rolled back
    ws = Store(store_dir, fixed_kdf=CHEAP_KDF).unlock("s.patel", PASSWORD)
    try:
        with ws.read() as session:
            assert session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all() == []
    finally:
        ws.lock()


def test_the_saver_replaces_a_file_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"the old copy")
    document = PrintedDocument("plan", "f", "Our family plan, version 2", "x", b"%PDF new", 1, 2)
    Saver(target)(document)
    assert target.read_bytes() == b"%PDF new"
    gone = tmp_path / "gone"
    gone.mkdir()
    saver = Saver(gone / "plan.pdf")
    gone.rmdir()
    with pytest.raises(Exception, match="Cannot save to"):
        saver(document)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf"]
