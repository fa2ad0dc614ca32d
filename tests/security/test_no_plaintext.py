"""Assume the laptop is seized: no known plaintext in any file the app wrote."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from testimony_app.core.records import textnorm
from testimony_app.core.session import Session
from tests.conftest import CANARY_ARABIC, CANARY_LATIN, PASSPHRASE, SEEDS, Template


def encodings(text: str) -> list[bytes]:
    forms = {text, textnorm.normalize_for_search(text)}
    for word in text.split():
        forms |= {word, textnorm.normalize_for_search(word)}
    return [f.encode(enc) for f in forms for enc in ("utf-8", "utf-16-le", "utf-16-be")
            if len(f) >= 5]


NEEDLES = encodings(CANARY_LATIN) + encodings(CANARY_ARABIC) + [PASSPHRASE.encode()]


def leaks_in(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {needle[:12]!r}" for needle in NEEDLES if needle in data]
    return found


def canary_document() -> tuple[dict[str, object], str, str]:
    pid, tid = str(uuid.uuid4()), str(uuid.uuid4())
    return {"format": "testimony/1",
            "persons": [{"id": pid, "sex": "female", "identity": {
                "name": {"en": CANARY_LATIN, "ar": CANARY_ARABIC}, "public_domain": False,
                "aliases": [CANARY_LATIN], "contact": CANARY_LATIN}}],
            "testimonies": [{"id": tid, "title": CANARY_LATIN, "witness": pid,
                             "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                           "language": "ar", "mode": "in_person",
                                           "interviewer": CANARY_LATIN},
                             "consent": {"scope": "internal", "restrictions": CANARY_ARABIC},
                             "status": "draft",
                             "narrative": {"ar": f"قال {CANARY_ARABIC} إن",
                                           "en": f"{CANARY_LATIN} said"},
                             "summary": {"en": CANARY_LATIN}}]}, pid, tid


def test_no_canary_in_vault_files_after_adds_edits_and_deletes(
        vault_dir: Path, template: Template, demo_document: bytes) -> None:
    session = Session._open_with_key(vault_dir, template.key)
    session.add_json(demo_document)
    document, pid, tid = canary_document()
    session.add_document(document)
    assert session.search(CANARY_LATIN.split()[0])
    assert session.search(CANARY_ARABIC.split()[0])
    # While the vault is open, with the WAL and shared-memory files present:
    assert (vault_dir / "vault.db-wal").exists()
    assert leaks_in(vault_dir) == []
    edited = json.loads(json.dumps(document))
    edited["testimonies"][0]["narrative"]["en"] = f"{CANARY_LATIN} said more"
    session.add_document(edited)
    session.delete(tid)
    session.delete(pid)
    assert session.search(CANARY_LATIN.split()[0]) == []
    assert session.search(CANARY_ARABIC.split()[0]) == []
    assert leaks_in(vault_dir) == []
    session.close()
    assert leaks_in(vault_dir) == []


def test_a_full_cli_session_leaves_no_plaintext_anywhere(cli, isolated_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vault = tmp_path / "home" / "usb" / "vault"
    document, _pid, tid = canary_document()
    source = tmp_path / "input.json"  # the user's own input file; removed before the hunt
    source.write_text(json.dumps(document, ensure_ascii=False))
    assert cli("init", "--vault", str(vault)).code == 0
    assert cli("add", "--json", str(SEEDS), "--vault", str(vault)).code == 0
    assert cli("add", "--json", str(source), "--vault", str(vault)).code == 0
    source.unlink()
    for args in (["search", CANARY_LATIN.split()[0]], ["show", tid], ["list"], ["stats"],
                 ["log"], ["check"], ["search", "x\"*"], ["show", CANARY_LATIN]):
        r = cli(*args, "--vault", str(vault))
        if args[0] in ("search", "show") and args[1] != tid:
            continue
        assert r.code == 0, (args, r.err)
    bad = cli("show", CANARY_LATIN, "--vault", str(vault), "--debug")
    assert bad.code == 1
    assert CANARY_LATIN.split()[0] not in bad.err + bad.out
    assert leaks_in(tmp_path / "home") == []
