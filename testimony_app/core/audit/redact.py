"""Redacted exports for auditors (coordinator side).

What leaves: pseudonyms derived with a key of this auditor's own (two auditors'
exports share no pseudonym; one auditor sees the same code for the same person
every time), non-identifying attributes, names already in the public domain
(never a witness's), testimonies whose consent allows it, narratives only once a
coordinator approved their redaction preview (else withheld and counted), free
text that could name someone withheld, documented counts below the threshold
suppressed, places and dates optionally coarsened. What each value becomes is
decided once, by the disclosure policy (core/audit/disclosure.py); every file here is
rendered from its result. The redaction log says what kinds were removed and how
many, never the values. The folder carries a SHA-256 manifest signed with the
organisation's Ed25519 key.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import hmac
import io
import json
import secrets
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from testimony_app.core.audit import disclosure, report, uwazi
from testimony_app.core.common import outfile
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.identity import narrative_redaction, seal
from testimony_app.core.records import dates, narrative_tags, record_days, tables
from testimony_app.core.records import sealed as sealing
from testimony_app.core.sync import timestamp
from testimony_app.core.vault import activity, meta, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction
from testimony_app.i18n import N_  # narrative log keys are shown translated to auditors

EXPORT_FORMAT = disclosure.EXPORT_FORMAT
SHARED_SCOPES = set(disclosure.SHARED_SCOPES)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class ReviewItem(TypedDict):
    """A finalised testimony in the redaction review (`candidates`)."""

    id: RecordId
    title: str
    date: str  # the interview's sort date, ISO
    scope: str  # the consent's scope
    has_narrative: bool
    approved: bool  # its preview for this auditor approved as it reads now


@dataclass(frozen=True)
class Options:
    auditor: str = "auditor"
    profile: str = "auditor"
    date_from: str | None = None
    date_until: str | None = None
    threshold: int = 5
    coarsen_places: str | None = None  # "city" or "governorate"
    coarsen_dates: bool = False
    zip: bool = False
    uwazi: bool = False  # also write uwazi.zip for HURIDOCS Uwazi's CSV import

    def profile_(self) -> disclosure.Profile:
        """The part of the options the disclosure policy decides by."""
        return disclosure.Profile(
            auditor=self.auditor, name=self.profile, date_from=self.date_from,
            date_until=self.date_until, threshold=self.threshold,
            coarsen_places=self.coarsen_places, coarsen_dates=self.coarsen_dates)


def auditor_key(conn: Connection, auditor: str) -> bytes:
    """A pseudonym key for one auditor, derived from a root secret only the
    coordinator holds (researchers hold the matching key, not this)."""
    root = org.get_meta(conn, "org.pseudonym_root")
    if root is None:
        with transaction(conn):
            root = base64.b64encode(secrets.token_bytes(32)).decode()
            meta.put(conn, "org.pseudonym_root", root)
    name = " ".join(auditor.casefold().split())
    return hmac.new(base64.b64decode(root), b"auditor\0" + name.encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, person_id: str) -> str:
    digest = hmac.new(key, person_id.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    chars = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(8))
    return f"A-{chars[:4]}-{chars[4:]}"


# -- free text ---------------------------------------------------------------------


def _private_names(conn: Connection, key: bytes, level: str | None = None
                   ) -> narrative_redaction.Redactor:
    """What narratives are redacted against (core/identity/narrative_redaction.py): every person
    whose name is not public (a witness's always), individual sources, and places
    finer than `level` (by default sites)."""
    witnesses = tables.witnesses(conn)
    persons, public = [], []
    for person_id, identity in sorted(tables.identities(conn).items()):
        if identity.get("public_domain") and person_id not in witnesses:
            public.append(narrative_redaction.Person(person_id, "", tuple(
                seal.names_of(identity))))
            continue
        persons.append(narrative_redaction.Person(
            person_id, f"[{pseudonym(key, person_id)}]", tuple(seal.names_of(identity)),
            tuple(str(identity[k]) for k in ("father_name", "mother_name")
                  if identity.get(k))))
    sources = [(s["id"], s["name"]) for s in _load(conn, "source")
               if s.get("kind") == "individual"]
    places = [narrative_redaction.Place(
        p["id"], tuple(sorted(p["name"].values())), p["level"], p.get("parent"),
        tuple(sorted(p["name"].items()))) for p in _load(conn, "place")]
    return narrative_redaction.Redactor(persons, sources, places,
                                        level or narrative_redaction.DEFAULT_LEVEL, public)


def _kept_tags(conn: Connection) -> set[str]:
    """Persons whose tagged names may stay in a narrative: public-domain names of
    people who are nobody's witness."""
    return tables.public_non_witnesses(conn)


def _narrative(conn: Connection, record: dict[str, Any], names: narrative_redaction.Redactor,
               key: bytes, kept: set[str], memo: Any = None
               ) -> dict[str, tuple[str, Counter[str]]]:
    """Per language: the narrative as it would leave, and what was replaced in it.

    Sealed testimonies are read opened (coordinator); every tagged name (or the token
    a researcher's vault put in its place) becomes this auditor's pseudonym, then
    narrative_redaction replaces untagged names, sources, contact details, document
    numbers and fine places.
    """
    record = seal.opened(conn, record)
    out = {}
    for lang, text in (record.get("narrative") or {}).items():
        spans = [(t["start"], t["end"], f"[{pseudonym(key, t['person'])}]")
                 for t in record.get("tags") or ()
                 if t["field"] == "narrative" and t["lang"] == lang and t["person"] not in kept]
        tagged, _where = narrative_tags.replace_spans(text, spans)
        redacted, counts = names.redact(tagged, lang)
        counts["name"] += len(spans)
        out[lang] = (redacted, counts)
    return out


def preview(conn: Connection, testimony_id: RecordId, auditor: str = "auditor") -> dict[str, str]:
    """The narrative of a testimony as it would leave, per language."""
    key = auditor_key(conn, auditor)
    names = _private_names(conn, key)
    record = tables.testimony(conn, testimony_id)
    if record is None:
        raise InputError("not_a_testimony")
    texts = _narrative(conn, record, names, key, _kept_tags(conn))
    return {lang: pair[0] for lang, pair in texts.items()}


_NARRATIVE_LOG = {
    "name": N_("name replaced by pseudonym in a narrative"),
    "source": N_("source name replaced in a narrative"),
    "contact": N_("contact detail replaced in a narrative"),
    "document number": N_("document number replaced in a narrative"),
    "place": N_("place coarsened in a narrative"),
}


def _digest(texts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()


def approve(conn: Connection, testimony_id: RecordId, author: str,
            auditor: str = "auditor") -> None:
    """Approve the narrative's redaction preview as it is now (bound to its hash)."""
    texts = preview(conn, testimony_id, auditor)
    with transaction(conn):
        conn.execute("INSERT OR REPLACE INTO narrative_reviews (record_id, field, sha256, "
                     "reviewed_at) VALUES (?, 'narrative', ?, ?)",
                     (testimony_id, _digest(texts), activity.now()))
        activity.record(conn, author, "redaction_approved", testimony_id)


def withdraw(conn: Connection, testimony_id: RecordId, author: str) -> bool:
    """Take back an approval: the narrative is withheld again. True if there was one."""
    with transaction(conn):
        cursor = conn.execute("DELETE FROM narrative_reviews WHERE record_id = ? "
                              "AND field = 'narrative'", (testimony_id,))
        if cursor.rowcount:
            activity.record(conn, author, "redaction_withdrawn", testimony_id)
    return bool(cursor.rowcount)


def candidates(conn: Connection, auditor: str = "auditor") -> list[ReviewItem]:
    """Finalised testimonies whose consent lets them leave, for the review screen:
    id, title, interview date, scope, whether there is a narrative, and whether its
    preview for this auditor is approved as it is now."""
    key = auditor_key(conn, auditor)
    names = _private_names(conn, key)
    kept = _kept_tags(conn)
    memo = None
    reviewed = {r[0]: r[1] for r in conn.execute(
        "SELECT record_id, sha256 FROM narrative_reviews WHERE field = 'narrative'")}
    out: list[ReviewItem] = []
    for record_id, title, sort_date, record in tables.finalised_testimonies(conn):
        if record.get("consent", {}).get("scope") not in SHARED_SCOPES:
            continue
        narrative = seal.opened(conn, record).get("narrative") or {}
        texts = {lang: pair[0] for lang, pair in
                 _narrative(conn, record, names, key, kept, memo).items()}
        out.append({"id": RecordId(record_id), "title": title or "", "date": sort_date or "",
                    "scope": record["consent"]["scope"], "has_narrative": bool(narrative),
                    "approved": bool(narrative) and reviewed.get(record_id) == _digest(texts)})
    return out


# -- export ------------------------------------------------------------------------


def _load(conn: Connection, kind: str) -> list[dict[str, Any]]:
    return tables.of_kind(conn, kind)


class _Passes:
    """Records read from the vault afresh at every pass over them, one at a time. At
    1 000 000 testimonies, holding them all took gigabytes for an export of one
    period (bench/README.md, "A coordinator's archive")."""

    def __init__(self, read: Callable[[], Iterator[dict[str, Any]]]) -> None:
        self._read = read

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._read()


def _witnesses(conn: Connection) -> set[str]:
    """Every person some testimony gives as its witness: the links, and what the seals
    of testimonies this vault could not open when they were written say now."""
    found = tables.witnesses(conn)
    for stub in sealing.unopened_testimonies(conn):
        witness = seal.opened(conn, stub).get("witness")
        if witness:
            found.add(witness)
    return found


def holdings(conn: Connection, auditor: str, coarsen_places: str | None = None,
             period: tuple[str | None, str | None] = (None, None)) -> disclosure.Holdings:
    """What the vault holds, as the disclosure policy reads it for this auditor:
    records opened, identities, and each narrative's redaction with its review.

    With a `period` (first and last day, either open), the testimonies and incidents
    are those whose dates can fall in it: the policy still decides on each one's date.
    Reading every testimony of an archive for a period of a tenth of it was most of
    the export's work (bench/README.md). Every testimony's witness, in or out of the
    period, comes from the links table, written with the testimony and checked against
    it by `check`, and from the seals of testimonies this vault could not open when
    they were written (`_witnesses`)."""
    key = auditor_key(conn, auditor)

    # Made at the first reviewed narrative: an export without one needs no redactor,
    # whose names are every person's (bench/README.md, the period's export).
    @functools.cache
    def names() -> narrative_redaction.Redactor:
        return _private_names(conn, key)

    # Approvals bind the narrative as previewed (sites coarsened); an export at a
    # coarser place level coarsens the approved text further.
    @functools.cache
    def coarser() -> narrative_redaction.Redactor:
        return _private_names(conn, key, coarsen_places)

    kept = _kept_tags(conn)
    reviewed = {r[0]: r[1] for r in conn.execute(
        "SELECT record_id, sha256 FROM narrative_reviews WHERE field = 'narrative'")}

    def narrate(testimony: dict[str, Any]) -> disclosure.Narrative:
        if testimony["id"] not in reviewed:
            # Never reviewed: withheld whatever its redaction would read, so the
            # redaction (most of an export's work) is not made for nothing.
            return disclosure.Narrative({}, {}, False)
        texts = _narrative(conn, testimony, names(), key, kept)
        redacted = {lang: pair[0] for lang, pair in texts.items()}
        approved = reviewed.get(testimony["id"]) == _digest(redacted)
        if approved and coarsen_places:
            texts = _narrative(conn, testimony, coarser(), key, kept)
        replaced: Counter[str] = Counter()
        for _text, counts in texts.values():
            for kind, n in sorted(counts.items()):
                replaced[_NARRATIVE_LOG[kind]] += n
        return disclosure.Narrative({lang: pair[0] for lang, pair in texts.items()},
                                    dict(replaced), approved)

    # A person who gave information is never named.
    sources = [{**s, "name": narrative_redaction.SOURCE} if s.get("kind") == "individual"
               else s for s in _load(conn, "source")]
    return disclosure.Holdings(
        sources=sources, places=_load(conn, "place"),
        persons=_load(conn, "person"),
        testimonies=_Passes(lambda: (seal.opened(conn, t) for t in record_days.between(
            conn, "testimony", *period))),
        incidents=_Passes(lambda: record_days.between(conn, "incident", *period)),
        aggregates=_load(conn, "aggregate"),
        identities=tables.identities(conn),
        witnesses=frozenset(_witnesses(conn)),
        pseudonym=lambda person_id: pseudonym(key, person_id), narrate=narrate)


def disclose(conn: Connection, options: Options) -> disclosure.Disclosure:
    """The export as the disclosure policy decides it."""
    profile = options.profile_()
    period = (profile.date_from or None, profile.date_until or None)
    return disclosure.decide(holdings(conn, options.auditor, options.coarsen_places, period),
                             profile)


def build(conn: Connection, options: Options) -> tuple[dict[str, Any], Counter[str]]:
    """The records that leave, and the redaction log (kinds and counts only)."""
    result = disclose(conn, options)
    return result.records, result.log


def records_csv(result: disclosure.Disclosure) -> bytes:
    """One row per incident and per other source's figure. An incident under a
    suppressed figure has no victim count (`victims` says `withheld`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "id", "date", "type", "victims", "qualifier", "verification"])
    persons = {p["pseudonym"]: p for p in result.records["persons"]}
    for i in result.records["incidents"]:
        counts = report.incident_counts(i, persons)
        writer.writerow(["incident", i["id"], dates.text(i["date"]), i["type"],
                         "withheld" if counts["victims"] is None else counts["victims"],
                         counts["qualifier"], i["verification"]])
    for a in result.records["aggregates"]:
        writer.writerow(["aggregate", a["id"], dates.text(a["period"]), a["incident_type"],
                         a["count"], a["qualifier"], ""])
    return buffer.getvalue().encode("utf-8")


def uwazi_zip(records: dict[str, Any]) -> bytes:
    """The Uwazi package of an export's records (core/audit/uwazi.py)."""
    return uwazi.package(records)


def manifest_of(result: disclosure.Disclosure, organisation: dict[str, Any],
                created: str) -> dict[str, Any]:
    """The manifest before its file list: scope, policy, counts, the redaction log
    (kinds and counts, never values) and the figures."""
    profile = result.profile
    return {
        "format": EXPORT_FORMAT, "created": created, "profile": profile.name,
        "auditor": profile.auditor, "threshold": profile.threshold,
        "organisation": organisation,
        "scope": {"from": profile.date_from, "until": profile.date_until,
                  "coarsen_places": profile.coarsen_places,
                  "coarsen_dates": profile.coarsen_dates},
        "policy": result.policy,
        "counts": {k: len(v) for k, v in result.records.items() if isinstance(v, list)},
        "redaction_log": dict(sorted(result.log.items())), "figures": result.figures,
    }


def render(result: disclosure.Disclosure, manifest: dict[str, Any],
           with_uwazi: bool = False) -> dict[str, bytes]:
    """Every data file of the export, each rendered from the policy's result only."""
    files: dict[str, bytes] = {
        "records.json": json.dumps(result.records, ensure_ascii=False, indent=1,
                                   sort_keys=True).encode("utf-8"),
        "records.csv": records_csv(result),
        "report.html": report.render_html(manifest, result.records).encode("utf-8"),
    }
    if with_uwazi:
        files["uwazi.zip"] = uwazi_zip(result.records)
    return files


def signed(files: dict[str, bytes], manifest: dict[str, Any],
           sign: Callable[[bytes], bytes]) -> dict[str, bytes]:
    """The files with the manifest listing them, its signature and SHA256SUMS."""
    manifest["files"] = {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                         for name, data in sorted(files.items())}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1,
                                sort_keys=True).encode("utf-8")
    files = {**files, "manifest.json": manifest_bytes,
             "manifest.sig": base64.b64encode(sign(manifest_bytes)) + b"\n"}
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items()) if name != "manifest.sig")
    files["SHA256SUMS"] = sums.encode("ascii")
    return files


def export(session: Any, target: Path, options: Options,
           progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write the export folder (or .zip); returns its manifest."""
    conn = session.conn
    options.profile_()  # a threshold or level out of bounds is refused before anything
    organisation = org.require_coordinator(conn)
    result = disclose(conn, options)
    manifest = manifest_of(result, {
        "id": organisation.id, "name": organisation.name,
        "signing_key": base64.b64encode(organisation.signing_key).decode(),
        "fingerprint": organisation.fingerprint}, activity.now())
    files = render(result, manifest, options.uwazi)
    # When the coordinator first received each record, as time-stamp authorities
    # attested (core/sync/timestamp.py); checked by `verify` against the TSA it trusts.
    stamps = timestamp.for_export(conn, sorted(timestamp.record_ids(result.records)))
    if stamps is not None:
        files["timestamps.json"] = json.dumps(stamps, indent=1, sort_keys=True).encode("utf-8")
    files = signed(files, manifest, org.org_signing_key(conn).sign)
    _write(target, files, options.zip)
    with transaction(conn):
        activity.record(conn, session.author, "export_redacted", None, auditor_hash=hashlib.sha256(
            options.auditor.encode()).hexdigest()[:12], **manifest["counts"])
    return manifest


def _write(target: Path, files: dict[str, bytes], as_zip: bool) -> None:
    if as_zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
        outfile.write_new(target, buffer.getvalue())
        return
    if target.exists():
        raise InputError("file_exists", path=str(target))
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part",
                                     dir=target.parent))
    except FileNotFoundError:
        raise InputError("file_unreadable", path=str(target.parent)) from None
    except OSError:
        raise InputError("disk") from None
    try:
        for name, data in files.items():
            outfile.write_new(temp / name, data)
        temp.rename(target)  # the folder appears whole or not at all
    except OSError:
        raise InputError("disk") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
