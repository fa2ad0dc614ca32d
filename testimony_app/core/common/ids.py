"""The ids of what a vault holds, as types: a person's id cannot be handed where a
bundle's is wanted, nor any record's where a person's is, without the type checker
saying so. At run time each is the `str` it wraps.

- `RecordId`: a record's id (testimony, incident, person, source, place, …), a
  lower-case UUID (docs/FORMAT.md "id"), the `records.id` column.
- `PersonId`: the id of a record of kind `person`. A person is a record (the store
  reads and writes it like any other), so a `PersonId` goes wherever a `RecordId`
  does, not the other way round. It is the UUID, never the pseudonym code
  (`P-7K3Q-M2XD`): the code is one of the references a person types.
- `BundleId`: a sync bundle's id, a UUID the researcher's vault gives each bundle it
  writes; receipts, time stamps and the coordinator's import log name bundles by it.
- `AttachmentId`: an attachment's (a file's or a recording's) id, a UUID.

A reference a person types (a full id, an 8+ character id prefix, a pseudonym code)
stays a `str` until `store.resolve` turns it into a `RecordId`. A value read from the
database or from a parsed document is wrapped (`RecordId(row[0])`) where it enters
typed code, once.
"""

from __future__ import annotations

from typing import NewType

RecordId = NewType("RecordId", str)
PersonId = NewType("PersonId", RecordId)
BundleId = NewType("BundleId", str)
AttachmentId = NewType("AttachmentId", str)
