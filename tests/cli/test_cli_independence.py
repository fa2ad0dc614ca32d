"""`testimony independence`: mark a source as not independent, list, take back."""

from __future__ import annotations

from pathlib import Path

import pytest

from testimony_app.core.session import Session
from tests.conftest import Cli, Template

ANNA = "6cd72eba-eda5-5faa-aa41-b187eb8f9892"  # ANNA News in seeds/aleppo-2016.json


@pytest.fixture
def demo_vault(vault_dir: Path, template: Template, demo_document: bytes) -> Path:
    with Session.open_with_key(vault_dir, template.key) as session:
        session.add_json(demo_document)
    return vault_dir


def test_cli_marks_and_lists(cli: Cli, demo_vault: Path) -> None:
    r = cli("independence", ANNA[:8], "coerced", "--note", "under duress",
            "--vault", str(demo_vault))
    assert r.code == 0, r.err
    assert "not independent" in r.out
    r = cli("independence", "--json", "--vault", str(demo_vault))
    assert r.code == 0 and '"reason": "coerced"' in r.out
    r = cli("independence", ANNA[:8], "--vault", str(demo_vault))
    assert r.code == 1
    r = cli("independence", ANNA[:8], "independent", "--vault", str(demo_vault))
    assert r.code == 0
    r = cli("independence", "--vault", str(demo_vault))
    assert "Every source counts as independent." in r.out
