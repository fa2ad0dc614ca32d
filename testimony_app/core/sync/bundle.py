"""Sync bundles: a researcher's work leaves as one encrypted, signed file.

A bundle is an age v1 file encrypted to the organisation's recipients. Inside,
a tar stream (GNU format, regular files only):

    manifest.json        bundle id, organisation, sender (signing key, device,
                         age recipient for the receipt), per-device sequence,
                         recipients' fingerprints, and name, size and SHA-256 of
                         every entry that follows, in order
    manifest.sig         Ed25519 over "testimony-bundle/1 signature\\n" + manifest
    records.jsonl        one record per line, with the hashes of its revisions
    attachments/<id>     each attachment, as recorded at intake, or as sealed for
                         the organisation (its seal in the manifest entry,
                         format "testimony-bundle/2"; docs/FORMAT.md)

Export streams all of it through `pyrage.encrypt_io` into a temporary file
that appears under its name only when complete. Import streams the file through
`pyrage.decrypt_io` into a push parser (nothing decrypted touches disk), inside
one database transaction: the manifest and its signature are checked first, then
every entry's size and hash as it arrives, and the transaction commits only when
the last byte has been authenticated. Any refusal rolls everything back and
notes the refusal (never content) in the activity log.
"""

# The bundle is written by bundle_export.py and read by bundle_import.py, over
# bundle_format.py. This module is their public face: what callers outside the
# three use (tests of a private piece import it from its own module).

from __future__ import annotations

from testimony_app.core.sync.bundle_export import (
    ExportPlan,
    export,
    plan,
)
from testimony_app.core.sync.bundle_format import (
    ATTACHMENTS,
    BLOCK,
    FORMAT,
    FORMAT_SEALED,
    LINES_KEPT,
    MANIFEST,
    MAX_ENTRIES,
    MAX_HISTORY,
    MAX_LINE,
    MAX_MANIFEST,
    MAX_RECORDS,
    MAX_SEAL,
    MAX_TOTAL,
    RECORD_SIZE,
    RECORDS,
    SIG_CONTEXT,
    SIGNATURE,
    ExportResult,
    ImportResult,
    IsCancelled,
    Progress,
    Refused,
    content_hash,
)
from testimony_app.core.sync.bundle_import import (
    MAX_GAPS_REPORTED,
    Conflict,
    Preview,
    Provenance,
    Researcher,
    conflicts,
    gaps,
    import_bundle,
    missing_sequences,
    preview,
    provenance,
    researchers,
)

__all__ = [
    "ExportPlan",
    "export",
    "plan",
    "ATTACHMENTS",
    "BLOCK",
    "FORMAT",
    "FORMAT_SEALED",
    "LINES_KEPT",
    "MANIFEST",
    "MAX_ENTRIES",
    "MAX_HISTORY",
    "MAX_LINE",
    "MAX_MANIFEST",
    "MAX_RECORDS",
    "MAX_SEAL",
    "MAX_TOTAL",
    "RECORD_SIZE",
    "RECORDS",
    "SIG_CONTEXT",
    "SIGNATURE",
    "ExportResult",
    "ImportResult",
    "IsCancelled",
    "Progress",
    "Refused",
    "content_hash",
    "MAX_GAPS_REPORTED",
    "Conflict",
    "Preview",
    "Provenance",
    "Researcher",
    "conflicts",
    "gaps",
    "import_bundle",
    "missing_sequences",
    "preview",
    "provenance",
    "researchers",
]
