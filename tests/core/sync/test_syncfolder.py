"""The sync folder between two real vaults that share one folder (what any folder
sync gives them): bundles out, receipts back, purge offered, at most one pending
bundle, `.part` files finished or removed, untrusted and damaged bundles, partial
files never opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.core.sync import syncfolder
from testimony_app.core.vault import org
from tests.conftest import SEEDS
from tests.sync_fixtures import Pair


def _setup(pair: Pair) -> Path:
    root = pair.folder / "synced"
    root.mkdir()
    pair.researcher.set_sync_folder(root)
    pair.coordinator.set_sync_folder(root)
    return root


def _outbox(pair: Pair, root: Path) -> Path:
    return root / org.whoami(pair.researcher.conn).device_id / "outbox"


def test_bundle_out_receipt_back_purge_offered(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    root = _setup(pair)
    r.add_json(SEEDS.read_bytes())
    first = r.sync_pass()
    assert first.exported == 1 and first.pending == 1
    outbox = _outbox(pair, root)
    assert sorted(p.name for p in outbox.iterdir()) == ["bundle-000001.age"]
    # never more than one pending bundle: new work waits for the receipt
    r.add_json(SEEDS.read_bytes().replace(b"Aleppo", b"Halab"))
    again = r.sync_pass()
    assert again.exported is None and again.pending == 1
    assert len(list(outbox.iterdir())) == 1

    imported = c.sync_pass()
    assert [e["sequence"] for e in imported.imported] == [1]
    assert imported.imported[0]["added"] and imported.imported[0]["receipt"]
    assert c.counts()["testimony"] == r.counts()["testimony"]
    inbox = outbox.parent / "inbox"
    assert [p.name for p in inbox.iterdir()] == ["bundle-000001.receipt.age"]
    # a second pass finds nothing new and writes no second receipt
    assert c.sync_pass().imported == []

    back = r.sync_pass()
    assert back.receipts == [1] and back.purgeable > 0
    assert back.exported == 2  # the changed work, now that bundle 1 is received
    assert [p.name for p in inbox.iterdir()] == []
    assert [p.name for p in outbox.iterdir()] == ["bundle-000002.age"]
    assert c.sync_pass().imported[0]["sequence"] == 2


def test_part_files_are_finished_or_removed(pair: Pair) -> None:
    r = pair.researcher
    root = _setup(pair)
    r.add_json(SEEDS.read_bytes())
    r.sync_pass()
    outbox = _outbox(pair, root)
    # as if a pass had stopped after recording bundle 1 as sent, before its rename
    os.replace(outbox / "bundle-000001.age", outbox / "bundle-000001.age.part")
    # and one that stopped before its export was committed
    (outbox / "bundle-000002.age.part").write_bytes(b"half")
    result = r.sync_pass()
    assert result.pending == 1 and result.exported is None
    assert sorted(p.name for p in outbox.iterdir()) == ["bundle-000001.age"]


def test_partial_untrusted_and_damaged_bundles(pair: Pair) -> None:
    r, c = pair.researcher, pair.coordinator
    root = _setup(pair)
    r.add_json(SEEDS.read_bytes())
    r.sync_pass()
    outbox = _outbox(pair, root)
    whole = (outbox / "bundle-000001.age").read_bytes()
    # files a carrier is still writing are never opened
    (outbox / ".syncthing.bundle-000002.age.tmp").write_bytes(whole[:1000])
    (outbox / "bundle-000002.age.part").write_bytes(whole[:1000])
    org.untrust(c.conn, pair.fingerprint, c.author)
    result = c.sync_pass()
    assert result.untrusted == [{"file": f"{outbox.parent.name}/bundle-000001.age",
                                 "fingerprint": pair.fingerprint}]
    assert not result.imported and (outbox / "bundle-000001.age").exists()
    refusals = [e.action for e in c.activity()].count("import_refused")
    assert syncfolder.sync_pass(c, stale=0).stale  # reported after a while
    # listed again, but not tried (nor its refusal logged) again
    assert [e.action for e in c.activity()].count("import_refused") == refusals
    org.trust(c.conn, pair.fingerprint, "Researcher One", c.author)

    # a damaged bundle under its final name: maybe still arriving, then refused
    damaged = bytearray(whole)
    payload = whole.index(b"\n", whole.index(b"\n--- ") + 1) + 1
    damaged[payload + 40] ^= 1  # in the first chunk, before the manifest is read
    (outbox / "bundle-000003.age").write_bytes(bytes(damaged))
    result = c.sync_pass()
    assert [e["sequence"] for e in result.imported] == [1]
    # the same bytes damaged, under another name: its import was refused, not repeated
    assert result.waiting == [f"{outbox.parent.name}/bundle-000003.age"]
    assert (outbox / "bundle-000003.age").exists()
    result = syncfolder.sync_pass(c, settle=0)
    assert result.quarantined == [{"file": f"{outbox.parent.name}/bundle-000003.age",
                                   "reason": "bundle_damaged"}]
    assert not (outbox / "bundle-000003.age").exists()
    assert len(list((root / "quarantine").iterdir())) == 1
    assert c.activity(1)[0].action == "import_refused"
    assert c.check() == []


def test_receipt_written_by_the_next_pass(pair: Pair) -> None:
    """An import committed by a pass that stopped before its receipt."""
    r, c = pair.researcher, pair.coordinator
    root = _setup(pair)
    r.add_json(SEEDS.read_bytes())
    r.sync_pass()
    c.sync_pass()
    inbox = _outbox(pair, root).parent / "inbox"
    (inbox / "bundle-000001.receipt.age").unlink()
    result = c.sync_pass()
    assert result.imported[0]["already_imported"] and result.imported[0]["receipt"]
    assert r.sync_pass().receipts == [1]


def test_the_folder_must_be_a_writable_folder_outside_the_vault(pair: Pair) -> None:
    r = pair.researcher
    with pytest.raises(InputError) as exc:
        r.sync_pass()
    assert exc.value.code == "sync_folder_unset"
    with pytest.raises(InputError) as exc:
        r.set_sync_folder(pair.folder / "missing")
    assert exc.value.code == "sync_folder_invalid"
    with pytest.raises(InputError) as exc:
        r.set_sync_folder(r.folder)
    assert exc.value.code == "sync_folder_in_vault"
    assert r.sync_folder() is None
    (pair.folder / "s").mkdir()
    assert r.set_sync_folder(pair.folder / "s") == pair.folder / "s"
    assert r.sync_folder() == pair.folder / "s"
    r.set_sync_folder(None)
    assert r.sync_folder() is None


def test_syncthing_key_is_only_sent_to_a_local_syncthing(tmp_path: Path) -> None:
    from testimony_app.core.sync import syncthing

    config = tmp_path / "config.xml"
    template = ('<configuration><gui tls="false"><address>{address}</address>'
                '<apikey>k3y</apikey></gui></configuration>')
    config.write_text(template.format(address="127.0.0.1:8384"))
    assert syncthing.read_endpoint(config) == syncthing.Endpoint("http://127.0.0.1:8384", "k3y")
    for address in ("0.0.0.0:8384", "192.0.2.7:8384", "evil.example:8384"):
        config.write_text(template.format(address=address))
        with pytest.raises(InputError) as exc:
            syncthing.read_endpoint(config)
        assert exc.value.code == "syncthing_not_local"
    config.write_text("<configuration><gui/></configuration>")
    with pytest.raises(InputError) as exc:
        syncthing.read_endpoint(config)
    assert exc.value.code == "syncthing_config"


def test_a_vault_of_the_previous_version_gains_the_timestamp_queue(pair: Pair) -> None:
    from testimony_app.core.session import Session
    from testimony_app.core.sync import bundle
    from testimony_app.core.vault import migrations

    c = pair.coordinator
    folder, key = c.folder, c.data_key()
    c.conn.execute("DROP TABLE timestamps")
    step = next(n for n, sql in enumerate(migrations.MIGRATIONS, 1)
                if isinstance(sql, str) and "CREATE TABLE IF NOT EXISTS timestamps" in sql)
    c.conn.execute(f"PRAGMA user_version = {step - 1}")
    c.close()
    with Session.open_with_key(folder, key) as again:
        assert again.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        pair.researcher.add_json(SEEDS.read_bytes())
        exported = bundle.export(pair.researcher, pair.folder / "b.age")
        bundle.import_bundle(again, exported.path)
        assert again.conn.execute("SELECT count(*) FROM timestamps WHERE token IS NULL"
                                  ).fetchone()[0] == 1
