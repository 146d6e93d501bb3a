"""Start Early Help Desktop: ``earlyhelp-desktop [--store DIR] [--lock-after MINUTES]``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from earlyhelp_desktop.core.paths import default_store_dir, resources_dir

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

STARTED = time.time()  # before Qt is imported: the benchmark's "start to unlock window" counts it


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="earlyhelp-desktop", description="Early Help Desktop")
    parser.add_argument("--store", metavar="DIR", help="store folder (default: the machine-wide data folder)")
    parser.add_argument(
        "--lock-after",
        metavar="MINUTES",
        type=float,
        default=10.0,
        help="lock after this long idle (default 10)",
    )
    parser.add_argument("--report-start", action="store_true", help=argparse.SUPPRESS)  # benchmarks
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)  # checks a build
    return parser.parse_args(argv)


def load_fonts() -> None:
    """DejaVu from resources/fonts (every name renders: Ó, ë, ł, ŵ), as the app's font."""
    from PySide6.QtGui import QFont, QFontDatabase
    from PySide6.QtWidgets import QApplication

    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))
    font = QFont("DejaVu Sans", 10)
    QApplication.setFont(font)


def create_application(argv: Sequence[str] = ()) -> object:
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from earlyhelp_desktop.ui.collector import collect_on_gui_thread
    from earlyhelp_desktop.ui.qtfix import make_none_immortal
    from earlyhelp_desktop.ui.style import STYLESHEET

    make_none_immortal()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["earlyhelp-desktop", *argv])
    QApplication.setApplicationName("Early Help Desktop")
    QApplication.setOrganizationName("EarlyHelpDesktop")
    load_fonts()
    palette = app.palette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        palette.setColor(role, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#0b0c0c"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
    app.setWindowIcon(app_icon())
    collect_on_gui_thread(app)
    return app


def app_icon() -> QIcon:
    """The window and taskbar icon, from resources/icons (also inside the PyInstaller bundle)."""
    from PySide6.QtGui import QIcon  # noqa: F811 (imported late: Qt loads after the start clock)

    icon = QIcon()
    for size in (16, 32, 48, 256):
        icon.addFile(str(resources_dir() / "icons" / f"earlyhelp-{size}.png"))
    return icon


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from PySide6.QtCore import QTimer

    from earlyhelp_desktop.ui.shell import Shell

    app = create_application()
    if args.smoke_test:
        from earlyhelp_desktop.ui.smoke import smoke_test

        return smoke_test(app)
    store_dir = Path(args.store) if args.store else default_store_dir()
    shell = Shell(store_dir, lock_after_ms=int(args.lock_after * 60_000))
    window = shell.start()
    if args.report_start:

        def report() -> None:
            print(f"shown {time.time():.6f} started {STARTED:.6f}", flush=True)
            shell.shutdown()
            app.quit()  # type: ignore[attr-defined]

        from earlyhelp_desktop.ui.screens.unlock import UnlockScreen

        if isinstance(window, UnlockScreen):
            window.ready.connect(lambda: QTimer.singleShot(0, report))  # names listed, window painted
        else:
            QTimer.singleShot(0, report)
    window.raise_()
    code = int(app.exec())  # type: ignore[attr-defined]
    shell.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
