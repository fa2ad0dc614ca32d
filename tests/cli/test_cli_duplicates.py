"""`testimony duplicates`, `merge`, `unmerge`, `not-duplicates` on a coordinator's vault
that imported two researchers' bundles (the dup_trio fixture), through real processes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from testimony_app.core.session import Session
from tests.conftest import Cli, CliResult
from tests.duplicates_fixtures import IDS, NAMES, DupTemplate, dup_template  # noqa: F401
from tests.sync_fixtures import pair_template  # noqa: F401


def ok(r: CliResult) -> CliResult:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def office(dup_template: DupTemplate, tmp_path: Path) -> tuple[str, dict[str, str]]:  # noqa: F811
    """A closed copy of the coordinator's vault, and the pseudonym codes of its persons."""
    folder = tmp_path / "office"
    shutil.copytree(dup_template.coordinator, folder)
    with Session.open_with_key(folder, dup_template.key) as session:
        codes = {key: str(session.record(IDS[key]).code) for key in NAMES}
    return str(folder), codes


def test_review_merge_and_undo_from_the_command_line(
        cli: Cli, office: tuple[str, dict[str, str]]) -> None:
    vault, code = office
    table = ok(cli("duplicates", "--vault", vault)).out
    assert f"{code['A']}" in table and "same name in Arabic and Latin script" in table
    assert not any(name in table for name in NAMES.values())  # codes and reasons only

    shown = json.loads(ok(cli("duplicates", "--json", "--vault", vault)).out)
    assert shown["names_visible"] and shown["sealed"] == 0
    ab = next(s for s in shown["suggestions"]
              if {s["a"]["code"], s["b"]["code"]} == {code["A"], code["B"]})
    assert [r["code"] for r in ab["reasons"]] == ["transliteration", "same_birth_year",
                                                 "same_place"]
    assert NAMES["B"] in (ab["a"]["names"] or []) + (ab["b"]["names"] or [])
    hidden = ok(cli("duplicates", "--json", "--no-names", "--vault", vault)).out
    assert not any(name in hidden for name in NAMES.values())

    merged = json.loads(ok(cli("merge", code["A"], code["B"], "--json", "--vault", vault)).out)
    assert (merged["person_code"], merged["other_code"]) == (code["B"], code["A"])
    after = json.loads(ok(cli("duplicates", "--json", "--vault", vault)).out)
    assert [m["person_code"] for m in after["merges"]] == [code["B"]]
    assert not any({s["a"]["code"], s["b"]["code"]} == {code["A"], code["B"]}
                   for s in after["suggestions"])
    r = cli("merge", code["C"], code["B"], "--vault", vault)
    assert r.code == 1 and f"{code['B']} is already merged into {code['A']}" in r.err
    out = ok(cli("unmerge", code["B"], "--vault", vault)).out
    assert f"{code['B']} is no longer merged into {code['A']}" in out
    r = cli("unmerge", code["B"], "--vault", vault)
    assert r.code == 1 and "nothing to undo" in r.err

    ok(cli("not-duplicates", code["A"], code["C"], "--vault", vault))
    table = ok(cli("duplicates", "--vault", vault)).out
    [line] = [x for x in table.splitlines() if x.startswith("Not the same person:")]
    assert code["A"] in line and code["C"] in line
    ok(cli("not-duplicates", code["A"], code["C"], "--undo", "--vault", vault))
    r = cli("not-duplicates", code["A"], "Mohammad Abdul Rahman", "--vault", vault)
    assert r.code == 1 and "Mohammad" not in r.err  # a name typed by mistake is not echoed


def test_a_researcher_sees_codes_only(cli: Cli, dup_template: DupTemplate, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "two"
    shutil.copytree(dup_template.two, folder)
    shown = ok(cli("duplicates", "--json", "--vault", str(folder))).out
    assert not any(name in shown for name in NAMES.values())
    assert json.loads(shown)["sealed"] == 7
    table = ok(cli("duplicates", "--vault", str(folder))).out
    assert "7 persons' identities are sealed in this vault" in table
