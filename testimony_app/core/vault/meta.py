"""The vault's key-value table, `meta`: settings, markers and the installation's own
facts (its id, device, keys). Every package reads and writes it through these functions;
none of them commits, the caller's transaction holds them."""

from __future__ import annotations

from testimony_app.core.vault.connection import Connection


def get(conn: Connection, key: str) -> str | None:
    """The value stored under `key`, or None."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def put(conn: Connection, key: str, value: str) -> None:
    """Store `value` under `key`, replacing what was there."""
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def update(conn: Connection, key: str, value: str) -> None:
    """Change the value under `key` if there is one (no new key)."""
    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))


def delete(conn: Connection, key: str) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (key,))


def insert_new(conn: Connection, items: list[tuple[str, str]]) -> None:
    """Add keys that must not exist yet (a new vault): a second one fails."""
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", items)


def settings(conn: Connection) -> dict[str, str]:
    """Every `setting.*` key and its value."""
    return {r[0]: r[1] for r in conn.execute(
        "SELECT key, value FROM meta WHERE key LIKE 'setting.%'")}
