"""The JSON importer (`interchange.parse` + `Session.add_json`) fed hostile input:
only the app's own errors (TestimonyError) may come out, in bounded time and memory,
and a refused document changes nothing."""

from __future__ import annotations

import copy
import json
import tracemalloc
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testimony_app.core.common import errors
from testimony_app.core.records import interchange
from testimony_app.core.session import Session

FUZZ = settings(max_examples=200, deadline=2000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
MAX_PEAK = 64 * 1024 * 1024

PLACE, PERSON, TESTIMONY = (str(uuid.UUID(int=n)) for n in (1, 2, 3))
VALID: dict[str, Any] = {
    "format": "testimony/1",
    "places": [{"id": PLACE, "name": {"en": "Aleppo", "ar": "حلب"}, "level": "city"}],
    "persons": [{"id": PERSON, "sex": "female", "age_group": "adult",
                 "identity": {"name": {"ar": "اسم"}, "public_domain": False}}],
    "testimonies": [{"id": TESTIMONY, "title": "t", "witness": PERSON,
                     "interview": {"date": {"precision": "day", "value": "2016-12-15"},
                                   "language": "ar", "mode": "in_person", "place": PLACE},
                     "consent": {"scope": "internal"}, "status": "draft",
                     "narrative": {"ar": "قال"}}],
}

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\u202e", "\u0000", "\ud800", "\udfff", "e\u0301", "\ufeff", "x" * 5000,
                     "1" * 400, "NaN", "-Infinity", "2016-02-30", "9999-99-99"]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner,
                                                                  max_size=4),
    max_leaves=10)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += paths(item, (*prefix, i))
    return found


ALL_PATHS = [p for p in paths(VALID) if p]


def replace(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    document = copy.deepcopy(document)
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return document


def encode(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=True).encode(
        "utf-8", "surrogatepass")


def state(session: Session) -> tuple[int, ...]:
    return tuple(session.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                 for t in ("records", "revisions", "identities", "search"))


@pytest.fixture(autouse=True, scope="module")
def _validators_built() -> None:
    """Both schema validators are built once per process, at the first validation
    (~0.2 s each): outside the calls timed and traced here, which are about handling
    one document."""
    from testimony_app.core.records import schemacheck

    schemacheck.valid({}, interchange.schema)
    interchange._validator()


def feed(session: Session, raw: bytes) -> None:
    before = state(session)
    tracemalloc.start()
    try:
        session.add_json(raw)
    except errors.TestimonyError:
        assert state(session) == before  # all or nothing
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MAX_PEAK, peak


@FUZZ
@given(raw=st.binary(max_size=600))
def test_any_bytes(session: Session, raw: bytes) -> None:
    feed(session, raw)


@FUZZ
@given(path=st.sampled_from(ALL_PATHS), value=json_values)
def test_a_valid_document_with_one_value_replaced(session: Session, path: tuple[Any, ...],
                                                  value: Any) -> None:
    feed(session, encode(replace(VALID, path, value)))


@FUZZ
@given(document=json_values)
def test_any_json_value(session: Session, document: Any) -> None:
    feed(session, encode(document))


@pytest.mark.parametrize("raw", [
    b"[" * 200_000 + b"]" * 200_000,
    b'{"format": "testimony/1", "places": [' + b"1" * 50_000 + b"]}",
    b'{"a": 1e999999}',
    b"\xef\xbb\xbf{}",
    b'{"format": "testimony/1", "format": "testimony/1"}',
    encode(replace(VALID, ("testimonies", 0, "title"), "\ud800")),
    encode(replace(VALID, ("places", 0, "name", "en"), "\ud800x")),
    encode(replace(VALID, ("persons", 0, "identity", "name", "ar"), "\udfff")),
])
def test_known_nasties(session: Session, raw: bytes) -> None:
    feed(session, raw)
    with pytest.raises(errors.TestimonyError):
        interchange.parse(raw[:-1])  # and cut short: never JSON
