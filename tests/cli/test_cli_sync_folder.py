"""`testimony sync-folder`, `testimony sync` and `testimony tsa` on two real vaults
sharing a folder, with a local time-stamp authority: the bundle goes out, is imported
and timestamped, the receipt comes back; provenance shows the timestamp."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEEDS, Cli, CliResult
from tests.sync_fixtures import Pair, pair, pair_template
from tests.tsa_fixtures import TSA, authority, tsa

__all__ = ["authority", "pair", "pair_template", "tsa"]


def ok(r: CliResult) -> CliResult:
    assert r.code == 0, r.err
    return r


def test_sync_through_a_folder_from_the_command_line(
        cli: Cli, pair: Pair, tsa: TSA, tmp_path: Path) -> None:
    pair.researcher.add_json(SEEDS.read_bytes())
    testimony = pair.researcher.list_testimonies()[0].id
    res, coord = str(pair.researcher.folder), str(pair.coordinator.folder)
    pair.researcher.close()
    pair.coordinator.close()
    root = tmp_path / "synced"
    root.mkdir()
    r = cli("sync", "--vault", res)
    assert r.code == 1 and "no sync folder" in r.err
    ok(cli("sync-folder", "set", str(root), "--vault", res))
    ok(cli("sync-folder", "set", str(root), "--vault", coord))
    assert json.loads(ok(cli("sync-folder", "show", "--vault", res, "--json")).out) == {
        "sync_folder": str(root)}
    ok(cli("tsa", "set", tsa.url, "--vault", coord))

    out = ok(cli("sync", "--vault", res)).out
    assert "Bundle 1 is in the outbox." in out
    out = ok(cli("sync", "--vault", res)).out
    assert "waiting for its receipt" in out
    result = json.loads(ok(cli("sync", "--vault", coord, "--json")).out)
    assert [e["sequence"] for e in result["imported"]] == [1]
    assert result["timestamps"] == 1 and result["timestamps_pending"] == 0
    out = ok(cli("sync", "--vault", res)).out
    assert "Receipt for bundle 1 accepted." in out and "testimony purge --received" in out
    out = ok(cli("provenance", testimony, "--vault", coord)).out
    assert "timestamped" in out and tsa.url in out
    shown = json.loads(ok(cli("tsa", "show", "--vault", coord, "--json")).out)
    assert shown == {"urls": [tsa.url], "pending": 0}
    ok(cli("sync-folder", "unset", "--vault", res))
    assert "no sync folder" in ok(cli("sync-folder", "show", "--vault", res)).out
