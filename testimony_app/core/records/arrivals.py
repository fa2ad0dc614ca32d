"""What arrived from other installations, per record: where each version came from
(`provenance`) and the versions that conflicted with this vault's (`conflicts`). Sync
writes them on import, the coordinator's analyses and sealing read or forget them; the
SQL stays here. None of these commits: the caller's transaction holds them."""

from __future__ import annotations

from testimony_app.core.vault.connection import Connection


def forget_conflicts(conn: Connection, record_id: str) -> None:
    """Drop the conflicting versions kept for a record (sealing: they may hold plaintext)."""
    conn.execute("DELETE FROM conflicts WHERE record_id = ?", (record_id,))
