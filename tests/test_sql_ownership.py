"""SQL lives in the package that owns the table.

Every table of the vault belongs to one package of testimony_app/core (docs/ARCHITECTURE.md,
Layers, the table of owners). Only modules of that package name the table in SQL; a package above
calls the owner's functions, and a package below is handed a function, never the table. The
window and the command line hold no connection at all (tests/test_layers.py), and the core
root modules (session, backup, demo) own no table. Migrations carry their own SQL by design
(core/vault/migrations.py, and the data steps of core/identity/upgrades.py).

Every core module is parsed with `ast`; every string constant, and every literal part of an
f-string, that reads like SQL (FROM, JOIN, INTO, UPDATE, DELETE FROM, TABLE followed by a
name) is matched against the tables `core/vault/migrations.py` creates. Docstrings are prose
and are skipped.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "testimony_app" / "core"
MIGRATIONS = CORE / "vault" / "migrations.py"
# Schema migrations carry their own SQL by design (a migration never calls today's
# module code, which changes later): the schema steps and the data steps that need
# code from above the vault layer (sealing; the figures' rows, derived from the records).
MIGRATION_CODE = {MIGRATIONS, CORE / "identity" / "upgrades.py"}

# table -> the package of testimony_app/core that owns it (and alone holds its SQL)
OWNER: dict[str, str] = {
    # vault/: the key-value settings, the hash-chained log and what anchors it, who is who
    "meta": "vault",
    "activity": "vault",
    "anchors": "vault",
    "received_log_heads": "vault",
    "confirmed_log_heads": "vault",
    "people": "vault",
    # records/: case data, its versions, identities beside it, what was sent and received
    "records": "records",
    "revisions": "records",
    "links": "records",
    "identities": "records",
    "identity_revisions": "records",
    "attachments": "records",
    "attachment_chunks": "records",
    "search": "records",
    "drafts": "records",
    "person_keys": "records",
    "sealed_revision_hashes": "records",
    "sent_records": "records",
    "received_records": "records",
    "sent_attachments": "records",
    "received_attachments": "records",
    "provenance": "records",
    "conflicts": "records",
    "seal_permits": "records",
    "revision_seals": "records",
    "incident_facts": "records",
    "person_facts": "records",
    "record_counts": "records",
    "record_days": "records",
    "unopened_seals": "records",
    # identity/: people judged the same or not
    "person_decisions": "identity",
    # sync/: bundles and their timestamps
    "sent_bundles": "sync",
    "received_bundles": "sync",
    "timestamps": "sync",
    # workspace/: the coordinator's analyses
    "corroboration": "workspace",
    "source_independence": "workspace",
    # audit/: the redaction review
    "narrative_reviews": "audit",
}

# (module path relative to core, table) -> why it still holds that SQL. The goal is empty.
ALLOWED: dict[tuple[str, str], str] = {}

SQL_NAME = re.compile(
    r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?:\s+IF\s+(?:NOT\s+)?EXISTS)?)\s+\"?([a-z_][a-z0-9_]*)"
)


def created_tables() -> set[str]:
    text = MIGRATIONS.read_text(encoding="utf-8")
    return set(re.findall(
        r"CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)", text))


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the constants that are docstrings (module, class, function)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) \
                    and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                out.add(id(body[0].value))
    return out


def sql_tables(path: Path, tables: set[str]) -> list[tuple[int, str]]:
    """(line, table) for every table the module's SQL names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skip = docstring_nodes(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) \
                or id(node) in skip:
            continue
        for match in SQL_NAME.finditer(node.value):
            if match.group(1) in tables:
                found.append((node.lineno, match.group(1)))
    return sorted(set(found))


def package_of(path: Path) -> str:
    """The core package a module is in; "" for a core root module (it owns no table)."""
    parts = path.relative_to(CORE).parts
    return parts[0] if len(parts) > 1 else ""


def violations() -> list[tuple[str, int, str]]:
    tables = created_tables()
    out: list[tuple[str, int, str]] = []
    for path in sorted(CORE.rglob("*.py")):
        if path in MIGRATION_CODE:
            continue
        rel = path.relative_to(CORE).as_posix()
        for line, table in sql_tables(path, tables):
            if OWNER[table] != package_of(path) and (rel, table) not in ALLOWED:
                out.append((rel, line, table))
    return out


def test_every_table_has_one_owner() -> None:
    tables = created_tables()
    assert tables, "no CREATE TABLE found in the migrations"
    assert sorted(tables - set(OWNER)) == [], "a table without an owner: add it to OWNER"
    assert sorted(set(OWNER) - tables) == [], "OWNER names a table no migration creates"


def test_sql_lives_in_the_package_that_owns_the_table() -> None:
    problems = [
        f"core/{rel}:{line} names table {table!r}, owned by core/{OWNER[table]}/: "
        f"call a function of core/{OWNER[table]}/ instead"
        for rel, line, table in violations()
    ]
    assert problems == [], "\n".join(problems)


def test_allowlist_holds_only_what_still_happens() -> None:
    """An entry whose SQL has moved is removed, so the list only shrinks."""
    tables = created_tables()
    named = {
        (path.relative_to(CORE).as_posix(), table)
        for path in CORE.rglob("*.py") if path not in MIGRATION_CODE
        for _, table in sql_tables(path, tables)
    }
    assert sorted(set(ALLOWED) - named) == []


def test_window_and_command_line_name_no_table() -> None:
    """The faces hold no connection, so no SQL either."""
    tables = created_tables()
    app = CORE.parent
    problems = [
        f"{path.relative_to(app).as_posix()}:{line} names table {table!r}: "
        f"call the facade instead"
        for face in ("gui", "cli") for path in sorted((app / face).rglob("*.py"))
        for line, table in sql_tables(path, tables)
    ]
    assert problems == [], "\n".join(problems)
