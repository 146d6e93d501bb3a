"""Where things live on disk: the machine-wide store, per-user settings, bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "EarlyHelpDesktop"


def default_store_dir() -> Path:
    """The machine-wide data folder, so every account on a shared laptop opens the same store.

    ``EARLYHELP_STORE`` overrides it (tests, portable installs); the CLI's ``--store`` overrides both.
    """
    override = os.environ.get("EARLYHELP_STORE")
    if override:
        return Path(override)
    return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False)) / "store"


def user_settings_dir() -> Path:
    """Per-user settings (window sizes): never personal data."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The bundled ``resources/`` folder, also inside a PyInstaller bundle (``sys._MEIPASS``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def asset(*parts: str) -> Path:
    """Path of a bundled resource, e.g. ``asset("fonts", "DejaVuSans.ttf")``. Raises if missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource missing from this installation: {'/'.join(parts)}")
    return path
