"""House rules that keep the code base simple: a Qt-free core and sync, files that fit in a head."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = [ROOT / "earlyhelp_desktop" / "core", ROOT / "sync", ROOT / "earlyhelp_desktop" / "cli"]


def python_files(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in folder.rglob("*.py")]


def test_core_sync_and_cli_never_import_qt() -> None:
    offenders = []
    for path in python_files(*QT_FREE):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "PySide6" or n.startswith("PySide6.") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in python_files(*QT_FREE)
        if "migrations" not in p.parts and p.name != "__main__.py"
    )
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('PySide6' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_source_files_stay_under_about_600_lines() -> None:
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in python_files(ROOT / "earlyhelp_desktop", ROOT / "sync")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 650
    }
    assert too_long == {}
