"""``python -m earlyhelp_desktop.ui`` and the PyInstaller entry point: start the desktop app."""

from __future__ import annotations

import sys

from earlyhelp_desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
