"""The demo data set built from the Aleppo 2016 report (seeds/)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from testimony_app.core.errors import TestimonyError

if TYPE_CHECKING:
    from testimony_app.core.session import Session
    from testimony_app.core.store import AddResult

SEED_FILE = "aleppo-2016.json"


def seed_path() -> Path:
    """The data set: $TESTIMONY_SEEDS, else seeds/ of the source tree."""
    candidates = [Path(os.environ["TESTIMONY_SEEDS"])] if "TESTIMONY_SEEDS" in os.environ else []
    candidates.append(Path(__file__).resolve().parents[2] / "seeds" / SEED_FILE)
    bundled = getattr(sys, "_MEIPASS", None)  # the frozen app carries the data set
    if bundled:
        candidates.append(Path(bundled) / "seeds" / SEED_FILE)
    for path in candidates:
        if path.is_file():
            return path
    raise TestimonyError("seeds_missing")


def load(session: Session) -> AddResult:
    return session.add_json(seed_path().read_bytes())
