"""One strict JSON parser (core/common/safejson.py) for every untrusted input, the same on
both sides: what `testimony add` accepts, the coordinator's importer accepts too.
Refused with a clear message naming where: NaN and infinities, integers beyond
2**53-1, numbers of thousands of digits, lone surrogates, duplicate keys, excessive
depth. Nothing is added."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, bundle_format
from tests.conftest import Cli
from tests.security.test_fuzz_import import PERSON, VALID

AGE = '"age_group": "adult"'

# (what, the document's text with the bad value in a person's age, where it is)
BAD = [
    ("NaN", '"age": NaN', "$.persons[0].age"),
    ("Infinity", '"age": Infinity', "$.persons[0].age"),
    ("-Infinity", '"age": -Infinity', "$.persons[0].age"),
    ("1e999", '"age": 1e999', "$.persons[0].age"),
    ("4000 digits", '"age": ' + "7" * 4000, "$.persons[0].age"),
    ("2**53", f'"age": {2**53}', "$.persons[0].age"),
    ("lone surrogate", '"age_group": "adult", "description": {"en": "a\\ud800b"}',
     "$.persons[0].description.en"),
    ("duplicate key", '"age_group": "adult", "sex": "male"', "$.persons[0].sex"),
]


def _document(replacement: str) -> bytes:
    text = json.dumps(VALID, ensure_ascii=False)
    assert AGE in text
    return text.replace(AGE, replacement, 1).encode("utf-8")


@pytest.mark.parametrize(("what", "replacement", "where"), BAD, ids=[b[0] for b in BAD])
def test_add_refuses_with_the_path(session: Session, what: str, replacement: str,
                                   where: str) -> None:
    raw = _document(replacement)
    with pytest.raises(InputError) as info:
        session.add_json(raw)
    assert info.value.code == "json_refused", what
    assert where in str(info.value) and "nothing was added" in str(info.value)
    assert session.conn.execute("SELECT count(*) FROM records").fetchone()[0] == 0
    # The coordinator's importer refuses the same line: the same parser on both sides.
    data = '{"id":"' + PERSON + '","sex":"female",' + replacement + "}"
    line = ('{"kind":"person","id":"' + PERSON + '","revision":1,"sha256":"' + "0" * 64
            + '","history":[],"data":' + data + "}")
    with pytest.raises(bundle.Refused):
        bundle_format._parse_line(line.encode("utf-8"))


def test_depth_and_syntax(session: Session) -> None:
    deep = copy.deepcopy(VALID)
    nested: dict[str, object] = {}
    deep["persons"][0]["description"] = nested
    for _ in range(40):
        nested["en"] = {}
        nested = nested["en"]  # type: ignore[assignment]
    with pytest.raises(InputError) as info:
        session.add_json(json.dumps(deep).encode())
    assert info.value.code == "json_refused" and "nested too deeply" in str(info.value)
    with pytest.raises(InputError) as info:
        session.add_json(b"[" * 100_000)
    assert info.value.code in ("json_refused", "not_json")
    with pytest.raises(InputError) as info:
        session.add_json(b'{"format": "testimony/1",\n "persons": [1,]}')
    assert info.value.code == "not_json" and "line 2" in str(info.value)
    # A byte-order mark, as editors write one, is fine in a document for `add`.
    assert session.add_json(b"\xef\xbb\xbf" + json.dumps(VALID).encode()).added
    with pytest.raises(safejson.Malformed):
        safejson.loads(b"\xef\xbb\xbf{}")  # but never in what machines make


def test_field_names_that_are_not_field_names_are_not_quoted() -> None:
    with pytest.raises(safejson.Malformed) as info:
        safejson.loads(b'{"Qorvandel Zibrakhan": NaN}')
    assert "Qorvandel" not in str(info.value) and "$.<field>" in str(info.value)


def test_drafts_refuse_what_json_cannot_hold(session: Session) -> None:
    for bad, where in (({"document": {"title": "a\ud800"}}, "$.document.title"),
                       ({"document": {"age": float("nan")}}, "$.document.age"),
                       ({"n": [10**30]}, "$.n[0]")):
        with pytest.raises(InputError) as info:
            session.save_draft("d", None, "testimony", bad)
        assert info.value.code == "draft_refused" and where in str(info.value)
    assert session.drafts() == []


def test_the_command_line_says_where(cli: Cli, vault_dir: Path, tmp_path: Path) -> None:
    for what, replacement, where in (BAD[0], BAD[4], BAD[6]):
        path = tmp_path / "doc.json"
        path.write_bytes(_document(replacement))
        r = cli("add", "--json", str(path), "--vault", str(vault_dir))
        assert r.code != 0, what
        assert "Unexpected error" not in r.err + r.out, what
        assert where in r.err + r.out, (what, r.err)
