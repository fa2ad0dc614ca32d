"""Persons who may be the same person (issue 6): suggestions, merges, undo.

Merging links records and is reversible; nothing is deleted.
"""

from __future__ import annotations

from typing import Any


def canonical(conn: Any) -> dict[str, str]:
    """person id -> the id of the person it was merged into (only merged ids appear).

    Other parts (corroboration's independent sources, figures) use this to count a
    merged person once.
    """
    return {}
