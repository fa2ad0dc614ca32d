"""Fuzz the bundle reader with whole files: random bytes, real bundles with bytes
changed, and arbitrary tar-like streams properly encrypted to the organisation.
The importer may only ever raise the app's own errors, leave the vault as it was,
and finish within bounded time and memory."""

from __future__ import annotations

import contextlib
import resource
import time
from pathlib import Path

import pyrage
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyrage import x25519

from testimony_app.core.common import errors
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.sync_fixtures import Pair

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def counts(pair: Pair) -> dict[str, int]:
    return pair.coordinator.counts()


def import_only_app_errors(pair: Pair, path: Path) -> None:
    before = counts(pair)
    start = time.monotonic()
    with contextlib.suppress(errors.TestimonyError):  # anything else fails the test
        bundle.import_bundle(pair.coordinator, path)
    # A hang guard with a wide margin (refusals take well under a second), not a
    # measurement: bench/ measures import speed.
    assert time.monotonic() - start < 20
    assert counts(pair) == before
    # RSS in KiB on Linux: the reader never grows with hostile input
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2_000_000


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(pair: Pair, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "random.age"
    path.write_bytes(data)
    import_only_app_errors(pair, path)


@FUZZ
@given(data=st.binary(min_size=1, max_size=20_000))
def test_arbitrary_streams_encrypted_to_the_organisation(pair: Pair, tmp_path: Path,
                                                        data: bytes) -> None:
    recipients = [x25519.Recipient.from_str(r)
                  for r in org.organisation(pair.coordinator.conn).recipients]
    path = tmp_path / "stream.age"
    path.write_bytes(pyrage.encrypt(data, recipients))
    import_only_app_errors(pair, path)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)),
                      min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_real_bundles_with_bytes_changed(pair: Pair, tmp_path: Path,
                                        edits: list[tuple[int, int]], cut: int | None) -> None:
    original = tmp_path / "real.age"
    if not original.exists():
        pair.researcher.add_json(b'{"format": "testimony/1", "sources": [{"id": '
                                 b'"3b2d280a-98a3-5ca7-bc91-4d5b816fd16c", "name": "S", '
                                 b'"kind": "organisation"}]}')
        bundle.export(pair.researcher, original, everything=True)
    data = bytearray(original.read_bytes())
    for offset, value in edits:
        data[offset % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    assume(bytes(data) != original.read_bytes())
    path = tmp_path / "changed.age"
    path.write_bytes(bytes(data))
    import_only_app_errors(pair, path)


def test_an_absurd_sequence_number_is_counted_cheaply(pair: Pair) -> None:
    """A signed bundle numbered 2**31-1 once made the importer list every number
    below it (hypothesis found it; the process grew to 24 GB)."""
    conn = pair.coordinator.conn
    for number, seq in enumerate((1, 2**31 - 1)):
        conn.execute("INSERT INTO received_bundles VALUES (?, 'FP', 'dev', ?, '', '', '{}')",
                     (f"b{number}", seq))
    # Bounded work, not a timing: a report of every gap would list 2**31 numbers.
    missing = bundle.missing_sequences(conn, "FP", "dev")
    assert missing == list(range(2, 2 + bundle.MAX_GAPS_REPORTED))
