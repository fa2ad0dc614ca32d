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
# bundle_format.py; callers keep importing this module.

from __future__ import annotations

from testimony_app.core.sync.bundle_export import (
    ExportPlan,
    _blocked,
    _header,
    _lines,
    _pad,
    _pending,
    _Reader,
    _record_line,
    _stream,
    export,
    plan,
)
from testimony_app.core.sync.bundle_format import (
    _HEX32,
    _HEX64,
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
    _AlreadyImported,
    _Entry,
    _int,
    _keys,
    _Line,
    _Manifest,
    _parse_line,
    _parse_manifest,
    _refuse,
    _sealed_details,
    _stored_hash,
    _text,
    _uuid,
    content_hash,
)
from testimony_app.core.sync.bundle_import import (
    MAX_GAPS_REPORTED,
    Conflict,
    Preview,
    Provenance,
    Researcher,
    _file_size,
    _import,
    _Importer,
    _note_refusal,
    _raise_decrypt_error,
    conflicts,
    gaps,
    import_bundle,
    missing_sequences,
    preview,
    provenance,
    researchers,
)

__all__ = [
    "ATTACHMENTS",
    "BLOCK",
    "ExportResult",
    "FORMAT",
    "FORMAT_SEALED",
    "ImportResult",
    "IsCancelled",
    "LINES_KEPT",
    "MANIFEST",
    "MAX_ENTRIES",
    "MAX_HISTORY",
    "MAX_LINE",
    "MAX_MANIFEST",
    "MAX_RECORDS",
    "MAX_SEAL",
    "MAX_TOTAL",
    "Progress",
    "RECORDS",
    "RECORD_SIZE",
    "Refused",
    "SIGNATURE",
    "SIG_CONTEXT",
    "_AlreadyImported",
    "_Entry",
    "_HEX32",
    "_HEX64",
    "_Line",
    "_Manifest",
    "_int",
    "_keys",
    "_parse_line",
    "_parse_manifest",
    "_refuse",
    "_sealed_details",
    "_stored_hash",
    "_text",
    "_uuid",
    "content_hash",
    "ExportPlan",
    "_Reader",
    "_blocked",
    "_header",
    "_lines",
    "_pad",
    "_pending",
    "_record_line",
    "_stream",
    "export",
    "plan",
    "Conflict",
    "MAX_GAPS_REPORTED",
    "Preview",
    "Provenance",
    "Researcher",
    "_Importer",
    "_file_size",
    "_import",
    "_note_refusal",
    "_raise_decrypt_error",
    "conflicts",
    "gaps",
    "import_bundle",
    "missing_sequences",
    "preview",
    "provenance",
    "researchers",
]
