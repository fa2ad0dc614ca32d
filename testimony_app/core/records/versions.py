"""The record versions `testimony check` compares with their anchors
(core/vault/anchor.py): the vault layer cannot read this package's tables, so the
check is handed this module (`anchor.problems(conn, source=versions)`)."""

from __future__ import annotations

from collections.abc import Iterator

from testimony_app.core.vault.connection import Connection


def every_version(conn: Connection, identity: str) -> Iterator[tuple[str, int, str]]:
    """(key, revision, stored JSON) of every revision of every record and of every
    identity (its key is `identity` + the person id), by key then revision."""
    return iter(conn.execute(
        "SELECT record_id, revision, data FROM revisions UNION ALL "
        "SELECT ? || person_id, revision, data FROM identity_revisions "
        "ORDER BY 1, 2", (identity,)))


def stale_records(conn: Connection) -> list[str]:
    """Records whose current content is not their last revision, by id."""
    return [r[0] for r in conn.execute(
        "SELECT r.id FROM records r LEFT JOIN revisions v ON v.record_id = r.id "
        "AND v.revision = r.revision WHERE v.data IS NOT r.data OR r.revision != "
        "(SELECT max(revision) FROM revisions WHERE record_id = r.id) ORDER BY r.id")]


def stale_identities(conn: Connection) -> list[str]:
    """Persons whose visible identity is not their identity's last revision, by id."""
    return [r[0] for r in conn.execute(
        "WITH last AS (SELECT person_id, data FROM identity_revisions v WHERE revision = "
        "(SELECT max(revision) FROM identity_revisions WHERE person_id = v.person_id)) "
        "SELECT i.person_id FROM identities i LEFT JOIN last l USING (person_id) "
        "WHERE l.data IS NOT i.data UNION SELECT l.person_id FROM last l "
        "WHERE l.data != 'null' AND NOT EXISTS (SELECT 1 FROM identities i "
        "WHERE i.person_id = l.person_id) ORDER BY 1")]
