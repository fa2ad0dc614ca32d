"""What a seal holds was written by whoever sealed it (it arrives in a bundle), and
the vault header by whoever handed over the folder: both are parsed as strictly as
a bundle's manifest. A key given twice, or a number JSON cannot hold (1e999), is
refused, never read one way here and another way elsewhere."""

from __future__ import annotations

import base64
import json
import shutil
import uuid
from pathlib import Path

import pyrage
import pytest

from testimony_app.core.common.errors import VaultError
from testimony_app.core.identity import seal
from testimony_app.core.vault import keyfile, org
from tests.conftest import Template
from tests.sync_fixtures import Pair


def _sealed(plaintext: bytes, recipients: tuple[str, ...]) -> dict[str, object]:
    data = pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(r) for r in recipients])
    return {"format": seal.SEAL_FORMAT, "data": base64.b64encode(data).decode("ascii"),
            "recipients": sorted(org.recipient_fingerprint(r) for r in recipients)}


def _recipients(pair: Pair) -> tuple[str, ...]:
    current = org.organisation(pair.coordinator.conn)
    assert current is not None
    return current.recipients


def test_a_sealed_identity_with_a_key_twice_stays_sealed(pair: Pair) -> None:
    recipients = _recipients(pair)
    good = _sealed(b'{"name": {"en": "Ali Awad"}, "public_domain": false}', recipients)
    assert seal.try_unseal(pair.coordinator.conn, good) == {
        "name": {"en": "Ali Awad"}, "public_domain": False}
    twice = _sealed(b'{"name": {"en": "Shown here"}, "name": {"en": "Ali Awad"}, '
                    b'"public_domain": false}', recipients)
    assert seal.try_unseal(pair.coordinator.conn, twice) is None


def test_a_sealed_attachment_with_an_infinite_number_is_refused(pair: Pair) -> None:
    recipients = _recipients(pair)
    identity = org.org_identity(pair.coordinator.conn)
    info = (b'{"filename": "a.pdf", "size": 3, "sha256": "' + b"0" * 64
            + b'", "meta": {"pages": 1e999}}')
    with pytest.raises(ValueError, match="sealed attachment"):
        seal.open_attachment_info(identity, _sealed(info, recipients))
    twice = (b'{"filename": "a.pdf", "filename": "b.pdf", "size": 3, "sha256": "'
             + b"0" * 64 + b'"}')
    with pytest.raises(ValueError, match="sealed attachment"):
        seal.open_attachment_info(identity, _sealed(twice, recipients))


def test_a_sealed_testimony_with_a_key_twice_is_not_opened(pair: Pair) -> None:
    recipients = _recipients(pair)
    record_id = str(uuid.uuid4())
    full = {"id": record_id, "witness": str(uuid.uuid4()), "status": "finalised",
            "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                          "language": "ar", "mode": "in_person"},
            "consent": {"scope": "publish_anonymised", "recorded_by": "team A"},
            "narrative": {"en": "They took two men at the checkpoint."}}
    text = json.dumps(full)
    stub = {"id": record_id, "sealed": _sealed(text.encode(), recipients)}
    assert seal.opened(pair.coordinator.conn, stub) == full  # a well-formed seal opens
    # One reader takes the first narrative, another the last: never opened at all.
    twice = text.replace('"narrative":', '"narrative": {"en": "Nothing happened."}, '
                                         '"narrative":', 1)
    stub = {"id": record_id, "sealed": _sealed(twice.encode(), recipients)}
    assert seal.opened(pair.coordinator.conn, stub) is stub
    tag = {"id": record_id, "tags": [{"start": 0, "end": 1, "sealed": _sealed(
        b'{"text": "Shown here", "text": "Ali Awad"}', recipients)}]}
    assert seal.opened(pair.coordinator.conn, tag) is tag


def test_a_vault_header_with_a_key_twice_is_not_a_vault(template: Template,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    shutil.copytree(template.folder, folder)
    keyfile.read_header(folder)
    raw = (folder / keyfile.HEADER_FILE).read_bytes()
    assert raw.startswith(b"{")
    (folder / keyfile.HEADER_FILE).write_bytes(b'{"vault_id": "another vault", ' + raw[1:])
    with pytest.raises(VaultError) as info:
        keyfile.read_header(folder)
    assert info.value.code == "not_a_vault"
