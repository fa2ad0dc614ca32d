"""The ids are distinct types, and the facade says what it returns.

This file is for the type checker (`make typecheck-tests`, mypy --strict): each line
marked `# type: ignore[...]` is a mistake mypy must catch. Strict mode warns of an
ignore that silences nothing, so if the ids became plain `str` again (or a facade
method went back to returning `Any`) these lines would stop being errors and mypy
would fail on every one of them. The lines without a mark are what must stay allowed.
Nothing here runs against a vault: `_misuses` is never called.
"""

from __future__ import annotations

from pathlib import Path

from testimony_app.core.common.ids import BundleId, PersonId, RecordId
from testimony_app.core.identity import duplicates, seal
from testimony_app.core.records import store
from testimony_app.core.session import Session
from testimony_app.core.sync import receipt
from testimony_app.core.vault.connection import Connection


def _misuses(session: Session, conn: Connection, ref: str, record_id: RecordId,
             person_id: PersonId, bundle_id: BundleId) -> None:
    # A person is a record: its id goes wherever a record's does.
    store.get(conn, person_id)
    store.get(conn, record_id)
    # A bundle's id is no record's, and a reference typed by a person is none until
    # `resolve` turns it into one.
    store.get(conn, bundle_id)  # type: ignore[arg-type]
    store.get(conn, ref)  # type: ignore[arg-type]
    # Any record's id is not a person's: merging a testimony into a person is refused.
    duplicates.merge(conn, record_id, person_id, "author")  # type: ignore[arg-type]
    duplicates.unmerge(conn, record_id, "author")  # type: ignore[arg-type]
    seal.keys_by_person(conn, [record_id])  # type: ignore[list-item]
    # A record's or a person's id is no bundle's.
    receipt.write(session, record_id, Path("r"))  # type: ignore[arg-type]
    session.sync.write_receipt(person_id, Path("r"))  # type: ignore[arg-type]
    session.sync.timestamps_of([record_id])  # type: ignore[list-item]
    session.sync.provenance(bundle_id)  # type: ignore[arg-type]
    session.audit.preview(bundle_id)  # type: ignore[arg-type]
    # A recording is appended to by its attachment's id, never its record's.
    session.append_recording(record_id, b"")  # type: ignore[arg-type]
    # What the facade returns is typed: ids as ids, values as their classes (an
    # `Any` would accept the wrong id and the misspelt field alike).
    wrong: BundleId = session.resolve(ref)  # type: ignore[assignment]
    persons: list[BundleId] = session.testimony_persons(ref)  # type: ignore[assignment]
    session.merge_persons(ref, ref).no_such_field  # type: ignore[attr-defined]  # noqa: B018
    session.unmerge_person(ref).no_such_field  # type: ignore[attr-defined]  # noqa: B018
    session.duplicates().no_such_field  # type: ignore[attr-defined]  # noqa: B018
    session.sync_pass().no_such_field  # type: ignore[attr-defined]  # noqa: B018
    session.organisation().no_such_field  # type: ignore[union-attr]  # noqa: B018
    session.untagged_names(ref)[0].no_such_field  # type: ignore[attr-defined]  # noqa: B018
    session.known_persons()[0].no_such_field  # type: ignore[attr-defined]  # noqa: B018
    session.audit.candidates()[0]["no_such_field"]  # type: ignore[typeddict-item]  # noqa: B018
    del wrong, persons


def test_ids_are_plain_strings_at_run_time() -> None:
    """The types cost nothing when the code runs: an id is the string it wraps."""
    record_id = RecordId("0b8e6a4c-1f0e-4d7e-9d6e-2b8f4a1c3e5d")
    person_id = PersonId(record_id)
    assert person_id == record_id and type(person_id) is str
    assert BundleId("x") == "x"
    assert callable(_misuses)
