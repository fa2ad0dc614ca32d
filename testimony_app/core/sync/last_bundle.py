"""When each researcher's latest bundle was made: how the window names a bundle to a
person ("bundle 3 of Amal, 4 Dec 2026") instead of by its id."""

from __future__ import annotations

from testimony_app.core.vault.connection import Connection


def made_at(conn: Connection) -> dict[str, tuple[int, str]]:
    """fingerprint -> (highest sequence received, when the researcher made that bundle)."""
    latest: dict[str, tuple[int, str]] = {}
    for fingerprint, sequence, created in conn.execute(
            "SELECT fingerprint, sequence, created_at FROM received_bundles "
            "ORDER BY fingerprint, sequence"):
        latest[str(fingerprint)] = (int(sequence), str(created))
    return latest


def made_at_by_bundle(conn: Connection) -> dict[str, str]:
    """bundle id -> when the researcher made it, for every bundle received."""
    return {str(r[0]): str(r[1]) for r in conn.execute(
        "SELECT bundle_id, created_at FROM received_bundles")}
