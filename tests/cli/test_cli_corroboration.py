"""`testimony corroborate`, `testimony verification` and `testimony show --provenance` on a
coordinator's vault that imported two researchers' bundles (real vaults, real bundles,
the real command line in a subprocess)."""

from __future__ import annotations

import json

from tests.conftest import Cli, CliResult
from tests.corroboration_fixtures import (  # noqa: F401
    Trio,
    load_two_accounts,
    trio,
    trio_template,
)
from tests.sync_fixtures import pair_template  # noqa: F401


def ok(r: CliResult) -> CliResult:
    assert r.code == 0, r.err
    return r


def test_corroborate_confirm_accept_and_provenance(cli: Cli, trio: Trio) -> None:  # noqa: F811
    accounts, _ids = load_two_accounts(trio)
    trio.coordinator.close()  # the command line opens the vault itself
    vault = ["--vault", str(trio.folder / "coordinator")]
    english, arabic = accounts.english_arrest, accounts.arabic_arrest

    listed = json.loads(ok(cli("corroborate", "--json", *vault)).out)
    assert [{s["a"]["id"], s["b"]["id"]} for s in listed["suggestions"]] == [
        {english, arabic}, {accounts.midan_one, arabic}]
    best = listed["suggestions"][0]
    assert best["score"] > listed["suggestions"][1]["score"]
    assert [r["code"] for r in best["reasons"]][:3] == ["same_type", "dates_overlap",
                                                       "nested_place"]
    assert {r["name"] for side in ("a", "b") for r in best[side]["researchers"]} == {
        "Researcher One", "Researcher Two"}
    assert listed["clusters"] == []
    text = ok(cli("corroborate", *vault)).out
    assert "same type: Arbitrary arrest" in text and "Researcher Two" in text
    assert "Suggestions (2)" in text

    r = ok(cli("corroborate", "confirm", english[:8], arabic[:8], *vault))
    assert "Confirmed" in r.out and "2 independent sources" in r.out
    listed = json.loads(ok(cli("corroborate", "--json", *vault)).out)
    assert len(listed["suggestions"]) == 1
    [cluster] = listed["clusters"]
    assert cluster["sources"] == 2 and cluster["suggested"] == "partially_verified"
    assert {i["id"] for i in cluster["incidents"]} == {english, arabic}
    assert cluster["links"][0]["decision"] == "confirmed"
    r = ok(cli("corroborate", "show", arabic[:8], *vault))
    assert "suggested status: Partially verified" in r.out
    assert f"linked {min(english, arabic)[:8]} and {max(english, arabic)[:8]}" in r.out

    done = json.loads(ok(cli("verification", english[:8], "suggested", "--json", *vault)).out)
    assert set(done["changed"]) == {english, arabic} and done["cluster"]["agreed"]
    shown = json.loads(ok(cli("show", arabic, "--json", *vault)).out)
    assert shown["incidents"][0]["verification"] == "partially_verified"
    r = ok(cli("verification", arabic[:8], "disputed", "--only", *vault))
    assert "changed for 1 incident." in r.out

    prov = json.loads(ok(cli("show", english[:8], "--provenance", "--json", *vault)).out)
    assert (prov["researcher"], prov["fingerprint"], prov["trusted"]) == (
        "Researcher One", trio.fp_one, True)
    assert prov["sequence"] == 1 and prov["outcome"] == "added" and not prov["local"]
    assert [r["action"] for r in prov["revisions"]] == ["created", "updated"]
    text = ok(cli("show", english[:8], "--provenance", *vault)).out
    assert "Researcher: Researcher One" in text and "sequence 1 (added)" in text
    assert "Revisions in this vault:" in text

    # decisions are undone from the command line too; mistakes are said in words
    r = ok(cli("corroborate", "undo", arabic[:8], english[:8], *vault))
    assert "undecided again" in r.out
    r = cli("corroborate", "undo", arabic[:8], english[:8], *vault)
    assert r.code == 1 and "nothing to undo" in r.err
    r = cli("corroborate", "confirm", english[:8], english[:8], *vault)
    assert r.code == 1 and "two different incidents" in r.err
    r = cli("verification", english[:8], "probably", *vault)
    assert r.code == 2
    log = json.loads(ok(cli("log", "--json", *vault)).out)
    assert [e["action"] for e in log].count("corroboration") == 2
    assert [e["action"] for e in log].count("verification") == 3
