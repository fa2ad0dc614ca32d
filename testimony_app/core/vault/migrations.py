"""Numbered, forward-only schema migrations.

`user_version` holds the number of the last migration applied. A vault whose
number is higher than this app knows was written by a newer version: refused.
Each migration runs in one transaction with the version bump.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from testimony_app.core.common.errors import VaultError
from testimony_app.core.vault.connection import Connection

# A data upgrade a migration step runs in its transaction: (conn) -> None.
Upgrade = Callable[[Any], None]
# Told (steps done, steps in all) before each step of an upgrade, and at its end.
Progress = Callable[[int, int], None]

# Full-text search: a shadow body, normalised by textnorm before insert, so that
# Arabic spelling variants and Latin accents match. 'secure-delete' makes FTS5
# overwrite deleted terms; `stems` holds Arabic words without their glued article
# and conjunctions (المدرسة also found as مدرسة); without it a deleted name survives in the index.
_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN
        ('source', 'place', 'person', 'testimony', 'incident', 'aggregate')),
    code TEXT UNIQUE,
    data TEXT NOT NULL,
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT,
    type TEXT,
    sort_date TEXT,
    place_id TEXT,
    title TEXT
);
CREATE INDEX records_kind ON records (kind, sort_date);

CREATE TABLE identities (
    person_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    public_domain INTEGER NOT NULL
);

CREATE TABLE links (
    from_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    to_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id, role)
) WITHOUT ROWID;
CREATE INDEX links_to ON links (to_id);

CREATE TABLE revisions (
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    action TEXT NOT NULL,
    changed TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (record_id, revision)
);
CREATE TRIGGER revisions_append_only BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_kept BEFORE DELETE ON revisions
WHEN EXISTS (SELECT 1 FROM records WHERE id = OLD.record_id)
BEGIN SELECT RAISE(ABORT, 'revisions of a live record are kept'); END;

CREATE TABLE identity_revisions (
    person_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    at TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (person_id, revision)
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    record_id TEXT NOT NULL REFERENCES records (id),
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    chunk_size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_record ON attachments (record_id);

CREATE TABLE attachment_chunks (
    attachment_id TEXT NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);

CREATE TABLE activity (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER activity_append_only BEFORE UPDATE ON activity
BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
CREATE TRIGGER activity_kept BEFORE DELETE ON activity
BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;

CREATE VIRTUAL TABLE search USING fts5 (
    record_id UNINDEXED, kind UNINDEXED, body, stems,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search (search, rank) VALUES ('secure-delete', 1);
"""

# Unsaved editor state, written every few seconds while a person types, so that a
# crash or a power cut loses at most those seconds; offered back at the next unlock.
_V2 = """
CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    record_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

# Sync bundles: researchers this coordinator trusts, what was sent and
# received, where each record came from, conflicting versions kept side by side,
# and receipts. Organisation and installation keys live in `meta` (org.*, self.*).
_V3 = """
CREATE TABLE people (
    fingerprint TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    signing_key TEXT,
    trusted INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    changed_at TEXT NOT NULL
);

CREATE TABLE sent_records (
    record_id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    sequence INTEGER NOT NULL
);

CREATE TABLE sent_attachments (
    attachment_id TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL
);

CREATE TABLE sent_bundles (
    sequence INTEGER PRIMARY KEY,
    bundle_id TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    records INTEGER NOT NULL,
    attachments INTEGER NOT NULL,
    receipt_at TEXT
);

CREATE TABLE received_bundles (
    bundle_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX received_bundles_device ON received_bundles (fingerprint, device_id, sequence);

CREATE TABLE provenance (
    record_id TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    history TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (record_id, bundle_id)
);

CREATE TABLE conflicts (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL,
    identity TEXT,
    sha256 TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (record_id, sha256)
);

CREATE TABLE received_records (
    record_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    at TEXT NOT NULL
);

CREATE TABLE received_attachments (
    attachment_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    at TEXT NOT NULL
);
"""

# Sorting a 100 000-row list by any column is an index walk, not a full sort per page.
_V4 = """
CREATE INDEX records_kind_title ON records (kind, title);
CREATE INDEX records_kind_status ON records (kind, status, sort_date);
CREATE INDEX records_kind_updated ON records (kind, updated_at);
CREATE INDEX records_kind_type ON records (kind, type, sort_date);
CREATE INDEX records_kind_code ON records (kind, code);
"""

# A coordinator's approval of a narrative's redaction preview, bound to the exact
# redacted text (its SHA-256): a changed narrative or a new name needs a new review.
_V5 = """
CREATE TABLE narrative_reviews (
    record_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    PRIMARY KEY (record_id, field)
);
"""

# Audio recorded straight into the vault: a JSON object per attachment,
# {"recording": {...}} while and after it is recorded: format, state, duration,
# markers. An incomplete attachment with a recording is completed at the next
# unlock instead of being discarded like an interrupted file intake.
_V6 = """
ALTER TABLE attachments ADD COLUMN meta TEXT NOT NULL DEFAULT '{}';
"""

# Corroboration of incidents (links between incidents, decisions, sources).
# Every decision on a pair of incidents (incident_a < incident_b), append-only: the
# newest row of a pair is its state ('undone' = undecided again), the older rows say
# who decided what and when.
_V7 = """
CREATE TABLE corroboration (
    seq INTEGER PRIMARY KEY,
    incident_a TEXT NOT NULL,
    incident_b TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected', 'undone')),
    score REAL,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    CHECK (incident_a < incident_b)
);
CREATE INDEX corroboration_pair ON corroboration (incident_a, incident_b, seq);
CREATE INDEX corroboration_b ON corroboration (incident_b);
CREATE TRIGGER corroboration_append_only BEFORE UPDATE ON corroboration
BEGIN SELECT RAISE(ABORT, 'corroboration decisions are append-only'); END;
CREATE TRIGGER corroboration_kept BEFORE DELETE ON corroboration
BEGIN SELECT RAISE(ABORT, 'corroboration decisions are append-only'); END;
"""

# Persons merged after a duplicates review (reversible; nothing deleted).
# One row per decision: 'merged' (person_id merged into other_id) or 'distinct'
# (person_id < other_id, "not the same person"). Undoing sets undone_at; a row is
# never deleted nor otherwise changed, so the history of decisions stays.
_V8 = """
CREATE TABLE person_decisions (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('merged', 'distinct')),
    person_id TEXT NOT NULL,
    other_id TEXT NOT NULL,
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    undone_at TEXT,
    undone_by TEXT,
    CHECK (person_id != other_id),
    CHECK (kind = 'merged' OR person_id < other_id)
);
CREATE UNIQUE INDEX person_decisions_merged ON person_decisions (person_id)
    WHERE kind = 'merged' AND undone_at IS NULL;
CREATE UNIQUE INDEX person_decisions_distinct ON person_decisions (person_id, other_id)
    WHERE kind = 'distinct' AND undone_at IS NULL;
CREATE INDEX person_decisions_other ON person_decisions (other_id);
CREATE TRIGGER person_decisions_kept BEFORE DELETE ON person_decisions
BEGIN SELECT RAISE(ABORT, 'decisions about persons are kept'); END;
CREATE TRIGGER person_decisions_undo_only BEFORE UPDATE ON person_decisions
WHEN OLD.undone_at IS NOT NULL OR NEW.undone_at IS NULL OR NEW.id IS NOT OLD.id
    OR NEW.kind IS NOT OLD.kind
    OR NEW.person_id IS NOT OLD.person_id OR NEW.other_id IS NOT OLD.other_id
    OR NEW.at IS NOT OLD.at OR NEW.author IS NOT OLD.author OR NEW.detail IS NOT OLD.detail
BEGIN SELECT RAISE(ABORT, 'a decision about persons is only ever undone'); END;
"""

# Names in a narrative tagged to persons (the tags live in the testimony
# record). Finalising on a researcher's vault seals them, and the testimony's
# earlier revisions must lose their plaintext too: a revision's `data` (and nothing
# else, never the current revision) may be rewritten once per one-time permit,
# which core/identity/seal.py inserts in the sealing transaction and the AFTER trigger
# consumes. `revision_seals` keeps the SHA-256 a revision had before its first
# rewrite, so that bundles still list the history a coordinator already knows.
_V9 = """
CREATE TABLE seal_permits (
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (record_id, revision)
);

CREATE TABLE revision_seals (
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (record_id, revision)
);

DROP TRIGGER revisions_append_only;
CREATE TRIGGER revisions_append_only BEFORE UPDATE ON revisions
WHEN NEW.record_id IS NOT OLD.record_id OR NEW.revision IS NOT OLD.revision
    OR NEW.at IS NOT OLD.at OR NEW.author IS NOT OLD.author
    OR NEW.action IS NOT OLD.action OR NEW.changed IS NOT OLD.changed
    OR OLD.revision >= (SELECT revision FROM records WHERE id = OLD.record_id)
    OR NOT EXISTS (SELECT 1 FROM seal_permits p
                   WHERE p.record_id = OLD.record_id AND p.revision = OLD.revision)
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_seal_permit_used AFTER UPDATE ON revisions
BEGIN DELETE FROM seal_permits
      WHERE record_id = OLD.record_id AND revision = OLD.revision; END;
CREATE TRIGGER revision_seals_kept BEFORE UPDATE ON revision_seals
BEGIN SELECT RAISE(ABORT, 'revision seals are kept'); END;
"""

# A person's match keys (HMAC of each normalised name under the organisation's
# matching key) live here, never in the person record, and only while the identity
# they come from is visible in this vault: sealing deletes them with the identity.
# Kept beside a sealed identity, the keys and the matching key (which enrolment
# gives researchers) let anyone holding the vault key test guessed names offline.
# Made from the visible identities of a vault that has a matching key.
_V10_SQL = """
CREATE TABLE person_keys (
    person_id TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (person_id, key)
) WITHOUT ROWID;
CREATE INDEX person_keys_by_key ON person_keys (key);
"""


def _v10(conn: Connection, upgrade: Upgrade) -> None:
    for statement in _statements(_V10_SQL):
        conn.execute(statement)
    upgrade(conn)  # the keys of the visible identities (identity/upgrades.py)


# The SHA-256 a revision had before sealing rewrote it is kept sealed to the
# organisation (age), not in the clear: the sealed record shows everything but the
# name, so a clear hash of the old version confirms a guessed name. Bundles carry
# the sealed hash; the coordinator opens it to recognise the history it holds.
# Hashes kept in the clear by migration 9 are sealed here, then deleted securely.
_V11_SQL = """
CREATE TABLE sealed_revision_hashes (
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (record_id, revision)
);
CREATE TRIGGER sealed_revision_hashes_kept BEFORE UPDATE ON sealed_revision_hashes
BEGIN SELECT RAISE(ABORT, 'revision seals are kept'); END;
"""


def _v11(conn: Connection, upgrade: Upgrade) -> None:
    for statement in _statements(_V11_SQL):
        conn.execute(statement)
    upgrade(conn)  # the clear hashes sealed (identity/upgrades.py)
    conn.execute("DROP TRIGGER revision_seals_kept")
    conn.execute("DROP TABLE revision_seals")


def _v12(conn: Connection, upgrade: Upgrade) -> None:
    """What earlier versions left beside sealed material on a researcher's vault:
    match keys in sealed person records (and the revision that sealed them), and the
    hashes of sent and confirmed versions of sealed records (migrations 10 and 11
    say why each confirms a guessed name)."""
    upgrade(conn)  # identity/upgrades.py


# Tamper evidence for content (core/vault/anchor.py, core/vault/loghead.py). Every record version
# (and identity version, as `identity:<person id>`) is committed to (a random salt and
# SHA-256(salt || data)) in `anchors`, and each activity entry folds the anchors
# written since the last one into its detail, so the log's chain covers the content.
# The salt of a version that sealing rewrites or a purge removes is forgotten (NULL):
# the trigger allows that change and no other.
# `received_log_heads` (coordinator): the head of a researcher's log each bundle
# carried, with any warning that it did not extend the heads received before;
# `confirmed_log_heads` (researcher): the heads the organisation signed back in
# receipts, which `check` finds again in the log.
# This migration anchors every revision the vault holds that has no anchor yet (all of
# them, coming from migration 12), in one activity entry of its own; it carries its own
# copy of the log's hash (the module may change later).
_V13_SQL = """
CREATE TABLE IF NOT EXISTS anchors (
    id INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    digest TEXT NOT NULL,
    salt BLOB
);
CREATE INDEX IF NOT EXISTS anchors_version ON anchors (record_id, revision);
CREATE TRIGGER IF NOT EXISTS anchors_kept BEFORE DELETE ON anchors
BEGIN SELECT RAISE(ABORT, 'anchors are kept'); END;
CREATE TRIGGER IF NOT EXISTS anchors_append_only BEFORE UPDATE ON anchors
WHEN NEW.id IS NOT OLD.id OR NEW.record_id IS NOT OLD.record_id
    OR NEW.revision IS NOT OLD.revision OR NEW.digest IS NOT OLD.digest
    OR NEW.salt IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'anchors are append-only'); END;

CREATE TABLE IF NOT EXISTS received_log_heads (
    bundle_id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    device_id TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    warning TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS received_log_heads_device
    ON received_log_heads (fingerprint, device_id, seq);

CREATE TABLE IF NOT EXISTS confirmed_log_heads (
    bundle_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    signature TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


def _v13(conn: Connection) -> None:
    import hashlib
    import os
    from datetime import UTC, datetime

    for statement in _statements(_V13_SQL):
        conn.execute(statement)
    rows = []
    for record_id, revision, data in conn.execute(
            "WITH versions (record_id, revision, data) AS ("
            "SELECT record_id, revision, data FROM revisions UNION ALL "
            "SELECT 'identity:' || person_id, revision, data FROM identity_revisions) "
            "SELECT v.record_id, v.revision, v.data FROM versions v WHERE NOT EXISTS ("
            "SELECT 1 FROM anchors a WHERE a.record_id = v.record_id "
            "AND a.revision = v.revision) ORDER BY 1, 2").fetchall():
        salt = os.urandom(16)
        rows.append((record_id, revision,
                     hashlib.sha256(salt + data.encode("utf-8")).hexdigest(), salt))
    conn.executemany("INSERT INTO anchors (record_id, revision, digest, salt) "
                     "VALUES (?, ?, ?, ?)", rows)
    done = conn.execute("SELECT value FROM meta WHERE key = 'anchors_done'").fetchone()
    stored = conn.execute("SELECT id, record_id, revision, digest FROM anchors WHERE id > ? "
                          "ORDER BY id", (int(done[0]) if done else 0,)).fetchall()
    if not stored:
        return
    fold = hashlib.sha256()
    for row_id, record_id, revision, digest in stored:
        fold.update(f"{row_id} {record_id} {revision} {digest}\n".encode())
    detail = json.dumps({"anchored": len(stored), "anchors_from": stored[0][0],
                         "anchors": fold.hexdigest()}, sort_keys=True, ensure_ascii=False)
    last = conn.execute("SELECT seq, hash FROM activity ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, "0" * 64)
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = json.dumps([prev, seq, at, "upgrade", "anchored", None, detail], ensure_ascii=False)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    conn.execute("INSERT INTO activity (seq, at, actor, action, target, detail, prev_hash, "
                 "hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (seq, at, "upgrade", "anchored", None, detail, prev, digest))
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     [("activity_head", f"{seq}:{digest}"),
                      ("anchors_done", str(stored[-1][0]))])


# The coordinator's judgement that a source (a source record or a testimony) is not
# an independent confirmation: a party to the conflict, a coerced statement, or one
# that repeats another source. Append-only: the latest row per source stands; a row
# with independent = 1 takes a judgement back. The reason's words stay here, never in
# the activity log.
_V_SOURCE_INDEPENDENCE = """
CREATE TABLE IF NOT EXISTS source_independence (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL,
    independent INTEGER NOT NULL CHECK (independent IN (0, 1)),
    reason TEXT CHECK (reason IS NULL OR reason IN
        ('party_to_conflict', 'coerced', 'repeats_another')),
    repeats TEXT,
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS source_independence_source ON source_independence (source_id, seq);
"""


# Trusted timestamps (RFC 3161) on bundles the coordinator imported: the request is
# queued with the import, the token filled in when a time-stamp authority answers.
# IF NOT EXISTS: tests (and a rerun) replay earlier steps on a vault that has it.
_V_TIMESTAMPS = """
CREATE TABLE IF NOT EXISTS timestamps (
    bundle_id TEXT PRIMARY KEY,
    message BLOB NOT NULL,
    queued_at TEXT NOT NULL,
    url TEXT,
    token BLOB,
    gen_time TEXT
);
"""


# What each incident and person adds to the figures, written with the record
# (core/records/figure_facts.py): the figures of an archive are summed from these rows
# instead of decoding every incident (each mode's rows together: a grouping reads
# one or two modes). The step fills them from the records with
# today's code: the rows are derived. A later change of their shape edits this table
# here and adds a step that drops, makes and fills them again.
_V_FIGURE_FACTS = """
CREATE TABLE IF NOT EXISTS incident_facts (
    incident_id TEXT NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    sort_date TEXT NOT NULL,
    entry INTEGER NOT NULL,
    part INTEGER NOT NULL,
    mode TEXT NOT NULL,
    month TEXT NOT NULL,
    type TEXT NOT NULL,
    place_id TEXT NOT NULL,
    perpetrator TEXT NOT NULL,
    status TEXT NOT NULL,
    category TEXT NOT NULL,
    victims INTEGER NOT NULL,
    qualifier TEXT NOT NULL,
    women INTEGER NOT NULL,
    women_qualifier TEXT NOT NULL,
    children INTEGER NOT NULL,
    children_qualifier TEXT NOT NULL,
    person_id TEXT,
    PRIMARY KEY (mode, incident_id, entry, part)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS incident_facts_incident ON incident_facts (incident_id);
CREATE TABLE IF NOT EXISTS person_facts (
    person_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    sex TEXT NOT NULL,
    age_group TEXT NOT NULL
) WITHOUT ROWID;
"""


def _v16(conn: Connection, upgrade: Upgrade) -> None:
    for statement in _statements(_V_FIGURE_FACTS):
        conn.execute(statement)
    upgrade(conn)  # every incident's and person's rows (identity/upgrades.py)


# How many records of each kind and status the vault holds, kept by the code that
# writes records (core/records/record_counts.py): a list's scroll bar needs the count
# first, and counting a million testimonies walked the whole index (~80 ms) before the
# first row could show. (Triggers kept it too, at 0.13 ms a record on an intake of
# 1.0: every trigger runs a program of its own under memory security.)
_V_RECORD_COUNTS = """
CREATE TABLE IF NOT EXISTS record_counts (
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, status)
) WITHOUT ROWID;
DELETE FROM record_counts;
INSERT INTO record_counts (kind, status, n)
    SELECT kind, coalesce(status, ''), count(*) FROM records GROUP BY 1, 2;
"""


# The first and last day each dated record's date can mean (core/records/record_days.py):
# an export of one period reads the records whose days can overlap it, not every
# record. Derived from the records, filled by the step with today's code. Beside it,
# the wholly sealed testimonies this vault could not open when they were written
# (their links may lack the witness the seal holds; core/records/sealed.py).
_V_RECORD_DAYS = """
CREATE TABLE IF NOT EXISTS record_days (
    record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS record_days_kind ON record_days (kind, last_day, first_day);
CREATE TABLE IF NOT EXISTS unopened_seals (
    record_id TEXT PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE
) WITHOUT ROWID;
"""


def _v18(conn: Connection, upgrade: Upgrade) -> None:
    for statement in _statements(_V_RECORD_DAYS):
        conn.execute(statement)
    upgrade(conn)  # every dated record's days, seals and links (identity/upgrades.py)

MIGRATIONS: list[str | Callable[..., None]] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9,
                                                 _v10, _v11, _v12, _v13,
                                                 _V_SOURCE_INDEPENDENCE, _V_TIMESTAMPS, _v16,
                                                 _V_RECORD_COUNTS, _v18]
LATEST = len(MIGRATIONS)
# The steps that change data with functions from above this layer, given to `migrate`.
DATA_STEPS: dict[int, Callable[[Any, Upgrade], None]] = {10: _v10, 11: _v11, 12: _v12,
                                                         16: _v16, 18: _v18}


def _derived(conn: Connection) -> None:
    """What today's code writes beside every record (the figures' rows, the counts,
    the days), made before a data step runs: steps 10 to 12 write records with today's
    code, which needs them. Their own steps (16 to 18) fill them again whole."""
    for script in (_V_FIGURE_FACTS, _V_RECORD_COUNTS, _V_RECORD_DAYS):
        for statement in _statements(script):
            conn.execute(statement)


def migrate(conn: Connection, upgrades: Mapping[int, Upgrade] | None = None,
            progress: Progress | None = None) -> None:
    """Bring the schema to LATEST, one committed step at a time. The steps that also
    change data with code above this layer (DATA_STEPS: sealing, figures) run the function
    `upgrades` gives for their number (identity/upgrades.py `UPGRADES`), in the
    step's transaction; a step without one is refused before anything is changed.
    `progress` is told of each step: a data step reads every record, minutes at a
    million testimonies, and the person waiting should know why."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if current > LATEST:
        raise VaultError("vault_newer")
    given = upgrades or {}
    missing = [n for n in range(current + 1, LATEST + 1) if n in DATA_STEPS and n not in given]
    if missing:  # a programming error (a caller of db.connect that passes no upgrades)
        raise RuntimeError(f"migrations {missing} need their data upgrades")
    for number in range(current + 1, LATEST + 1):
        if progress is not None:
            progress(number - current - 1, LATEST - current)
        conn.execute("BEGIN IMMEDIATE")
        try:
            step = MIGRATIONS[number - 1]
            if number in DATA_STEPS:
                _derived(conn)
                DATA_STEPS[number](conn, given[number])
            elif callable(step):
                step(conn)
            else:
                for statement in _statements(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if progress is not None and current < LATEST:
        progress(LATEST - current, LATEST - current)


def _statements(script: str) -> list[str]:
    """Split a script into statements; `executescript` would COMMIT on its own."""
    import sqlcipher3

    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlcipher3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    return statements
