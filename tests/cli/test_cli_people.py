"""`testimony find-person`, `person`, `finalise-preview` and `amend`: what the window
does with people and finalising, from the command line (real processes)."""

from __future__ import annotations

import json
from pathlib import Path

from testimony_app.core.session import Session
from tests.conftest import PASSPHRASE, Cli, CliResult, Template
from tests.security.test_sealing import VICTIM, case


def ok(r: CliResult) -> CliResult:
    assert r.code == 0, r.err
    return r


def test_people_preview_and_amend(cli: Cli, vault_dir: Path, template: Template,
                                  tmp_path: Path) -> None:
    document, testimony, (_witness, victim, _public) = case()
    with Session.open_with_key(vault_dir, template.key) as session:
        session.add_document(document)
        code = session.record(victim).code
        assert code is not None
    env = {"TESTIMONY_PASSPHRASE": PASSPHRASE}
    vault = str(vault_dir)
    found = ok(cli("find-person", "Kammarosh", "--vault", vault, **env)).out
    assert code in found and VICTIM not in found  # codes and attributes, no names
    shown = json.loads(ok(cli("person", code, "--json", "--vault", vault, **env)).out)
    assert shown["person"]["name"] == VICTIM
    assert [t["role"] for t in shown["testimonies"]] == ["victim_reported"]
    preview = json.loads(ok(cli("finalise-preview", testimony, "--json", "--vault", vault,
                                **env)).out)
    assert preview["missing"] == [] and preview["organisation"] is None
    ok(cli("finalise", testimony, "--vault", vault, **env))
    changed = tmp_path / "changed.json"
    with Session.open_with_key(vault_dir, template.key) as session:
        edited = session.testimony_document(testimony)
    edited["testimonies"][0]["summary"] = {"en": "Three men, not two."}
    changed.write_text(json.dumps(edited))
    refused = cli("amend", testimony, str(changed), "--reason", " ", "--vault", vault, **env)
    assert refused.code == 1 and "why" in refused.err.lower()
    ok(cli("amend", testimony, str(changed), "--reason", "corrected count", "--vault", vault,
           **env))
    with Session.open_with_key(vault_dir, template.key) as session:
        record = session.record(testimony).data
    assert record["amendments"][-1]["reason"] == "corrected count"
