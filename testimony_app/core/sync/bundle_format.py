"""A sync bundle's format: its limits and members, the manifest and the records
lines as read from it, their hashes, and what an export and an import return (the
whole format is described in bundle.py and docs/FORMAT.md)."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrage import x25519

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import IntegrityError
from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.records import interchange
from testimony_app.core.vault import loghead, org

if TYPE_CHECKING:
    pass


FORMAT = "testimony-bundle/1"
# The same, with sealed material: attachments sealed for the organisation (an
# entry's "sealed") or a history hash sealed to it ("sealed_sha256"): written only
# when a bundle holds one, so that older importers refuse it whole.
FORMAT_SEALED = "testimony-bundle/2"
MAX_SEAL = 16 * 1024 * 1024  # characters of an attachment entry's sealed details
SIG_CONTEXT = b"testimony-bundle/1 signature\n"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
RECORDS = "records.jsonl"
ATTACHMENTS = "attachments/"
BLOCK = 512
RECORD_SIZE = 20 * BLOCK  # tar's default blocking factor
MAX_MANIFEST = 16 * 1024 * 1024
MAX_RECORDS = 256 * 1024 * 1024
MAX_LINE = 32 * 1024 * 1024
MAX_ENTRIES = 100_000
MAX_HISTORY = 10_000
MAX_TOTAL = 1 << 40
# records.jsonl is hashed (for the signed manifest) before it is streamed: the lines
# of the first this-many bytes are kept from that pass instead of being made twice.
LINES_KEPT = 32 * 1024 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


class Refused(IntegrityError):
    """A bundle (or receipt) failed a check; nothing was imported."""

    code = "bundle_damaged"


class _AlreadyImported(Exception):
    pass


@dataclass(frozen=True)
class ExportResult:
    path: Path
    bundle_id: BundleId
    sequence: int
    records: int
    attachments: int
    size: int


@dataclass
class ImportResult:
    bundle_id: BundleId
    signer: str  # fingerprint
    signer_name: str
    device_id: str
    sequence: int
    already_imported: bool = False
    added: list[RecordId] = field(default_factory=list)
    updated: list[RecordId] = field(default_factory=list)
    unchanged: list[RecordId] = field(default_factory=list)
    conflicting: list[RecordId] = field(default_factory=list)
    attachments_added: list[str] = field(default_factory=list)
    attachments_unchanged: list[str] = field(default_factory=list)
    missing_sequences: list[int] = field(default_factory=list)
    log_warning: str | None = None  # core/vault/loghead.py: the sender's log did not extend

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of a record's canonical form (identity included for persons)."""
    return hashlib.sha256(safejson.dumps(data)).hexdigest()


def _stored_hash(stored: str) -> str:
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()


# -- import ------------------------------------------------------------------


@dataclass
class _Entry:
    name: str
    size: int
    sha256: str
    attachment: dict[str, Any] | None = None


@dataclass
class _Line:
    kind: str
    id: RecordId
    revision: int
    sha256: str
    data: dict[str, Any]
    history: list[dict[str, Any]]


def _refuse(code: str, **params: Any) -> Refused:
    return Refused(code, **params)


def _uuid(value: Any) -> str:
    if not isinstance(value, str) or str(uuid.UUID(value)) != value:
        raise ValueError("not a lower-case uuid")
    return value


def _int(value: Any, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError("integer out of range")
    return value


def _text(value: Any, limit: int = 1000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError("not a short string")
    return value


def _keys(obj: Any, required: set[str], optional: frozenset[str] | set[str] = frozenset()
          ) -> dict[str, Any]:
    if not isinstance(obj, dict) or not required <= obj.keys() <= required | optional:
        raise ValueError("wrong fields")
    return obj


@dataclass
class _Manifest:
    raw: bytes
    bundle_id: BundleId
    organisation: str
    sequence: int
    created_at: str
    fingerprint: str
    signing_key: bytes
    age_recipient: str
    device_id: str
    recipients: list[str]
    entries: list[_Entry]
    log: loghead.Head | None = None


def _sealed_details(obj: Any) -> None:
    """The shape of an attachment entry's seal (what it holds is checked on import)."""
    sealed = _keys(obj, {"format", "data"}, {"recipients"})
    if sealed["format"] != "age" or not isinstance(sealed["data"], str) \
            or not 0 < len(sealed["data"]) <= MAX_SEAL:
        raise ValueError("sealed attachment")
    recipients = sealed.get("recipients", [])
    if not isinstance(recipients, list) or len(recipients) > 20 \
            or not all(isinstance(r, str) and _HEX32.match(r) for r in recipients):
        raise ValueError("sealed attachment")


def _parse_manifest(raw: bytes) -> _Manifest:
    try:
        obj = _keys(safejson.loads(raw), {"format", "bundle_id", "created_at", "organisation",
                                         "sequence", "sender", "recipients", "entries"},
                   {"log"})
        if obj["format"] not in (FORMAT, FORMAT_SEALED):
            raise ValueError("format")
        sealed_ok = obj["format"] == FORMAT_SEALED
        sender = _keys(obj["sender"], {"fingerprint", "signing_key", "age_recipient",
                                       "device_id"})
        key = base64.b64decode(_text(sender["signing_key"], 100), validate=True)
        if len(key) != 32 or org.fingerprint(key) != sender["fingerprint"]:
            raise ValueError("sender key")
        recipient = _text(sender["age_recipient"], 200)
        x25519.Recipient.from_str(recipient)
        recipients = obj["recipients"]
        if (not isinstance(recipients, list) or not 1 <= len(recipients) <= 16
                or not all(isinstance(r, str) and _HEX32.match(r) for r in recipients)):
            raise ValueError("recipients")
        entries: list[_Entry] = []
        names: set[str] = set()
        raw_entries = obj["entries"]
        if not isinstance(raw_entries, list) or len(raw_entries) > MAX_ENTRIES:
            raise ValueError("entries")
        for i, item in enumerate(raw_entries):
            entry = _keys(item, {"name", "size", "sha256"}, {"records", "attachment"})
            name = _text(entry["name"], 100)
            sha = _text(entry["sha256"], 64)
            if not _HEX64.match(sha) or name in names:
                raise ValueError("entry")
            names.add(name)
            size = _int(entry["size"], 0, MAX_TOTAL)
            meta = None
            if name == RECORDS:
                if i != 0 or "attachment" in entry or size > MAX_RECORDS:
                    raise ValueError("records entry")
                _int(entry.get("records", 0), 0, 10_000_000)
            elif name.startswith(ATTACHMENTS):
                meta = _keys(entry.get("attachment"), {"id", "record_id", "filename",
                                                       "media_type", "created_at"},
                             {"sealed"} if sealed_ok else frozenset())
                if name != ATTACHMENTS + _uuid(meta["id"]) or "records" in entry:
                    raise ValueError("attachment entry")
                _uuid(meta["record_id"])
                for k in ("filename", "media_type", "created_at"):
                    _text(meta[k], 300)
                if "sealed" in meta:
                    _sealed_details(meta["sealed"])
            else:
                raise ValueError("entry name")
            entries.append(_Entry(name, size, sha, meta))
        return _Manifest(raw, BundleId(_uuid(obj["bundle_id"])), _uuid(obj["organisation"]),
                         _int(obj["sequence"], 1, 1 << 31), _text(obj["created_at"], 40),
                         sender["fingerprint"], key, recipient, _uuid(sender["device_id"]),
                         recipients, entries,
                         loghead.parse(obj["log"]) if "log" in obj else None)
    except (ValueError, KeyError, TypeError):
        raise _refuse("bundle_malformed") from None
    except Exception:  # pyrage's recipient parser raises its own types
        raise _refuse("bundle_malformed") from None


def _parse_line(raw: bytes) -> _Line:
    try:
        obj = _keys(safejson.loads(raw), {"kind", "id", "revision", "sha256", "data",
                                         "history"})
        kind = obj["kind"]
        data = obj["data"]
        if kind not in interchange.KINDS or not isinstance(data, dict):
            raise ValueError("kind")
        record_id = RecordId(_uuid(obj["id"]))
        if data.get("id") != record_id or obj["sha256"] != content_hash(data):
            raise ValueError("record hash")
        history = obj["history"]
        if not isinstance(history, list) or len(history) > MAX_HISTORY:
            raise ValueError("history")
        for item in history:
            h = _keys(item, {"revision", "at", "author", "action", "sha256"},
                      {"sealed_sha256"})
            _int(h["revision"], 1, 1 << 53)
            for k in ("at", "author", "action"):
                _text(h[k], 300)
            if "sealed_sha256" in h:
                _text(h["sealed_sha256"], 2000)
            if not isinstance(h["sha256"], str) or not _HEX64.match(h["sha256"]):
                raise ValueError("history hash")
        return _Line(kind, record_id, _int(obj["revision"], 1, 1 << 53), obj["sha256"], data,
                     history)
    except (ValueError, KeyError, TypeError):
        raise _refuse("bundle_malformed") from None


