"""Portable mode: everything beside the executable, nothing on the laptop.

A researcher can carry Testimony and the vault on one USB stick. Started with
`--portable`, or when a file named `testimony-portable` sits beside the program,
the vault, the preferences and Qt's scratch settings all live in that folder, and
nothing is written to the laptop's own folders.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

MARKER = "testimony-portable"
ENV = "TESTIMONY_PORTABLE"


def program_folder() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent


def root() -> Path | None:
    """The portable folder, or None when Testimony runs installed."""
    if os.environ.get(ENV):
        value = os.environ[ENV]
        return Path(value) if value not in ("1", "yes", "true") else program_folder()
    folder = program_folder()
    return folder if (folder / MARKER).exists() else None


def enable(folder: Path | None = None) -> None:
    """Called for --portable, before anything looks up a folder."""
    os.environ[ENV] = str(folder) if folder else "1"
