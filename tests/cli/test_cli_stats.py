"""`testimony stats` groupings, --level and --csv; `testimony discrepancies`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from testimony_app.core.session import Session
from tests.conftest import Cli, Template

SNHR = "Syrian Network for Human Rights"


@pytest.fixture
def demo_vault(vault_dir: Path, template: Template, demo_document: bytes) -> Path:
    """A copy of the template vault (its passphrase is PASSPHRASE) with the demo data."""
    with Session.open_with_key(vault_dir, template.key) as session:
        session.add_json(demo_document)
    return vault_dir


def test_every_grouping_as_json(cli: Cli, demo_vault: Path) -> None:
    r = cli("stats", "--by", "sex", "--json", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert {"female", "male", "unknown", "all"} == {row["sex"] for row in rows}
    r = cli("stats", "--by", "place", "--level", "governorate", "--json",
            "--vault", str(demo_vault))
    assert r.code == 0, r.err
    assert {row["place"] for row in json.loads(r.out)} == {"Aleppo Governorate",
                                                           "Idlib Governorate"}
    r = cli("stats", "--by", "perpetrator", "--vault", str(demo_vault))
    assert r.code == 0 and "Pro-government militia" in r.out and "at least 1800" in r.out
    r = cli("stats", "--by", "nonsense", "--vault", str(demo_vault))
    assert r.code == 2 and "nonsense" not in r.err


def test_csv(cli: Cli, demo_vault: Path) -> None:
    r = cli("stats", "--by", "month", "--csv", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    table = list(csv.reader(io.StringIO(r.out)))
    header = table[0]
    assert header[:6] == ["month", "incident_type", "kind", "source", "qualifier", "victims"]
    assert header[-1] == "note"
    got = {(row[0], row[3]): (row[5], row[4]) for row in table[1:]
           if row[1] == "arbitrary_arrest"}
    assert got["2016-12", SNHR] == ("1897", "at_least")
    assert got["2016-12", "An Agonizing Farewell"] == ("1800", "at_least")
    assert got["2016-07/2016-12", SNHR] == ("2367", "at_least")


def test_discrepancies(cli: Cli, demo_vault: Path) -> None:
    r = cli("discrepancies", "--json", "--vault", str(demo_vault))
    assert r.code == 0, r.err
    found = json.loads(r.out)
    counts = [sorted(f["count"] for f in d["figures"]) for d in found]
    assert [2221, 2367] in counts and [1800, 1897] in counts
    whole = next(d for d in found if d["kind"] == "total_vs_parts")
    assert {f["source"] for f in whole["figures"]} == {SNHR}
    assert all(len(f["record_ids"]) >= 1 for f in whole["figures"])
    r = cli("discrepancies", "--vault", str(demo_vault))
    assert r.code == 0
    assert "at least 2367" in r.out and "at least 2221" in r.out and SNHR in r.out
