"""Finalising never skips the untagged-names question, and sealing does not depend on
tags: the names of every person a testimony seals (witness, victims) go from its
text in any spelling, tagged or not, also when a finalised testimony is added whole
(`testimony add`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testimony_app.core.common.errors import InputError
from tests.pages import plaintext_of_vault
from tests.security.test_sealing import PUBLIC, VICTIM, WITNESS, case
from tests.sync_fixtures import Pair


def _names_in(folder: Path, key: bytes) -> list[str]:
    plain = plaintext_of_vault(folder, key)
    return [n for n in ("Kammarosh", "Yusrindel", "Zibrakhan", "Qorvandel")
            if n.encode() in plain or n.encode("utf-16-le") in plain]


def test_adding_a_finalised_testimony_seals_every_name_of_its_persons(
        pair: Pair, tmp_path: Path) -> None:
    r = pair.researcher
    document, testimony, (_witness, victim, _public) = case()
    document["testimonies"][0]["narrative"] = {
        "en": f"{VICTIM} was taken at the checkpoint; Kammarosh's brother saw it. "
              f"I, {WITNESS}, and the minister {PUBLIC} heard it."}
    document["testimonies"][0]["status"] = "finalised"
    r.add_json(json.dumps(document).encode())  # what `testimony add FILE` calls
    narrative = r.show(testimony)["testimonies"][0]["narrative"]["en"]
    assert "sealed_identity" in r.show(victim)["persons"][0]
    for word in ("Kammarosh", "Yusrindel", "Zibrakhan", "Qorvandel"):
        assert word not in narrative, narrative
    assert PUBLIC in narrative  # a public-domain name stays
    assert r.search("Kammarosh") == []
    folder, key = r.folder, bytes(r._key)
    r.close()
    assert _names_in(folder, key) == []


def test_finalise_refuses_while_names_have_no_tag(pair: Pair) -> None:
    r = pair.researcher
    document, testimony, (_witness, victim, _public) = case()
    document["testimonies"][0]["narrative"] = {"en": f"{VICTIM} was taken at the checkpoint."}
    r.add_document(document)
    with pytest.raises(InputError) as refused:
        r.finalise(testimony)
    assert refused.value.code == "untagged_names"
    assert r.show(testimony)["testimonies"][0]["status"] == "draft"
    assert "identity" in r.show(victim)["persons"][0]
    # the caller that asked (a dialog, --dismiss-all-untagged) says so
    r.finalise(testimony, allow_untagged=True)
    assert "Kammarosh" not in r.show(testimony)["testimonies"][0]["narrative"]["en"]
