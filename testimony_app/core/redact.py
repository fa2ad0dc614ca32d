"""Redacted exports for auditors (coordinator side).

What leaves: pseudonyms derived with a key of this auditor's own (two auditors'
exports share no pseudonym; one auditor sees the same code for the same person
every time), non-identifying attributes, names already in the public domain
(never a witness's), testimonies whose consent allows it, narratives only once a
coordinator approved their redaction preview (else withheld and counted), free
text that could name someone withheld, documented counts below the threshold
suppressed, places and dates optionally coarsened. The redaction log says what
kinds were removed and how many, never the values. The folder carries a
SHA-256 manifest signed with the organisation's Ed25519 key.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import io
import json
import secrets
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testimony_app.core import (
    audit,
    dates,
    narrative_redaction,
    narrative_tags,
    org,
    outfile,
    report,
    seal,
    vocab,
)
from testimony_app.core.db import transaction
from testimony_app.core.errors import InputError

EXPORT_FORMAT = "testimony-redacted/1"
SHARED_SCOPES = {"partners", "publish_anonymised", "publish_named"}
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


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


def auditor_key(conn: Any, auditor: str) -> bytes:
    """A pseudonym key for one auditor, derived from a root secret only the
    coordinator holds (researchers hold the matching key, not this)."""
    root = org.get_meta(conn, "org.pseudonym_root")
    if root is None:
        with transaction(conn):
            root = base64.b64encode(secrets.token_bytes(32)).decode()
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES "
                         "('org.pseudonym_root', ?)", (root,))
    name = " ".join(auditor.casefold().split())
    return hmac.new(base64.b64decode(root), b"auditor\0" + name.encode(), hashlib.sha256).digest()


def pseudonym(key: bytes, person_id: str) -> str:
    digest = hmac.new(key, person_id.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    chars = "".join(_ALPHABET[(number >> (5 * i)) & 31] for i in range(8))
    return f"A-{chars[:4]}-{chars[4:]}"


# -- free text ---------------------------------------------------------------------


def _private_names(conn: Any, key: bytes, level: str | None = None
                   ) -> narrative_redaction.Redactor:
    """What narratives are redacted against (core/narrative_redaction.py): every person
    whose name is not public (a witness's always), individual sources, and places
    finer than `level` (by default sites)."""
    witnesses = {r[0] for r in conn.execute("SELECT to_id FROM links WHERE role = 'witness'")}
    persons = []
    for person_id, data in conn.execute("SELECT person_id, data FROM identities "
                                        "ORDER BY person_id"):
        identity = json.loads(data)
        if identity.get("public_domain") and person_id not in witnesses:
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
                                        level or narrative_redaction.DEFAULT_LEVEL)


def _kept_tags(conn: Any) -> set[str]:
    """Persons whose tagged names may stay in a narrative: public-domain names of
    people who are nobody's witness."""
    return {r[0] for r in conn.execute(
        "SELECT person_id FROM identities WHERE public_domain = 1 AND person_id NOT IN "
        "(SELECT to_id FROM links WHERE role = 'witness')")}


def _narrative(conn: Any, record: dict[str, Any], names: narrative_redaction.Redactor,
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


def preview(conn: Any, testimony_id: str, auditor: str = "auditor") -> dict[str, str]:
    """The narrative of a testimony as it would leave, per language."""
    key = auditor_key(conn, auditor)
    names = _private_names(conn, key)
    row = conn.execute("SELECT data FROM records WHERE id = ? AND kind = 'testimony'",
                       (testimony_id,)).fetchone()
    if row is None:
        raise InputError("not_a_testimony")
    texts = _narrative(conn, json.loads(row[0]), names, key, _kept_tags(conn))
    return {lang: pair[0] for lang, pair in texts.items()}


_NARRATIVE_LOG = {
    "name": "name replaced by pseudonym in a narrative",
    "source": "source name replaced in a narrative",
    "contact": "contact detail replaced in a narrative",
    "document number": "document number replaced in a narrative",
    "place": "place coarsened in a narrative",
}


def _digest(texts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()


def approve(conn: Any, testimony_id: str, author: str, auditor: str = "auditor") -> None:
    """Approve the narrative's redaction preview as it is now (bound to its hash)."""
    texts = preview(conn, testimony_id, auditor)
    with transaction(conn):
        conn.execute("INSERT OR REPLACE INTO narrative_reviews (record_id, field, sha256, "
                     "reviewed_at) VALUES (?, 'narrative', ?, ?)",
                     (testimony_id, _digest(texts), audit.now()))
        audit.record(conn, author, "redaction_approved", testimony_id)


def withdraw(conn: Any, testimony_id: str, author: str) -> bool:
    """Take back an approval: the narrative is withheld again. True if there was one."""
    with transaction(conn):
        cursor = conn.execute("DELETE FROM narrative_reviews WHERE record_id = ? "
                              "AND field = 'narrative'", (testimony_id,))
        if cursor.rowcount:
            audit.record(conn, author, "redaction_withdrawn", testimony_id)
    return bool(cursor.rowcount)


def candidates(conn: Any, auditor: str = "auditor") -> list[dict[str, Any]]:
    """Finalised testimonies whose consent lets them leave, for the review screen:
    id, title, interview date, scope, whether there is a narrative, and whether its
    preview for this auditor is approved as it is now."""
    key = auditor_key(conn, auditor)
    names = _private_names(conn, key)
    kept = _kept_tags(conn)
    memo = None
    reviewed = {r[0]: r[1] for r in conn.execute(
        "SELECT record_id, sha256 FROM narrative_reviews WHERE field = 'narrative'")}
    out = []
    for record_id, title, sort_date, data in conn.execute(
            "SELECT id, title, sort_date, data FROM records WHERE kind = 'testimony' "
            "AND status = 'finalised' ORDER BY sort_date, id"):
        record = json.loads(data)
        if record.get("consent", {}).get("scope") not in SHARED_SCOPES:
            continue
        narrative = seal.opened(conn, record).get("narrative") or {}
        texts = {lang: pair[0] for lang, pair in
                 _narrative(conn, record, names, key, kept, memo).items()}
        out.append({"id": record_id, "title": title or "", "date": sort_date or "",
                    "scope": record["consent"]["scope"], "has_narrative": bool(narrative),
                    "approved": bool(narrative) and reviewed.get(record_id) == _digest(texts)})
    return out


# -- export ------------------------------------------------------------------------


def _load(conn: Any, kind: str) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in conn.execute(
        "SELECT data FROM records WHERE kind = ? ORDER BY sort_date, id", (kind,))]


def _in_scope(date: dict[str, Any], options: Options) -> bool:
    if options.date_from and dates.end(date) < options.date_from:
        return False
    return not (options.date_until and dates.start(date) > options.date_until)


def _coarse_date(date: dict[str, Any], options: Options) -> dict[str, Any]:
    month = dates.month(date)
    if options.coarsen_dates and month:
        return {"precision": "month", "value": month}
    return {k: v for k, v in date.items() if k != "text"}  # the source's words may quote


def build(conn: Any, options: Options) -> tuple[dict[str, Any], Counter[str]]:
    """The records that leave, and the redaction log (kinds and counts only)."""
    log: Counter[str] = Counter()
    key = auditor_key(conn, options.auditor)
    names = _private_names(conn, key)
    # Approvals bind the narrative as previewed (sites coarsened); an export at a
    # coarser place level coarsens the approved text further.
    coarser = (_private_names(conn, key, options.coarsen_places)
               if options.coarsen_places else None)
    places = {p["id"]: p for p in _load(conn, "place")}
    levels = ["country", "governorate", "city"]

    def place_ref(place_id: str | None) -> str | None:
        if not place_id or not options.coarsen_places:
            return place_id
        keep = levels[: levels.index(options.coarsen_places) + 1]
        current = places.get(place_id)
        while current and current["level"] not in keep and current.get("parent"):
            log["place coarsened"] += 1
            current = places.get(current["parent"])
        return current["id"] if current else None

    reviewed = {r[0]: r[1] for r in conn.execute(
        "SELECT record_id, sha256 FROM narrative_reviews WHERE field = 'narrative'")}
    identities = {r[0]: json.loads(r[1]) for r in conn.execute(
        "SELECT person_id, data FROM identities")}
    witnesses = {r[0] for r in conn.execute("SELECT to_id FROM links WHERE role = 'witness'")}

    kept = _kept_tags(conn)
    memo = None
    testimonies, shared = [], set()
    for stored in _load(conn, "testimony"):
        t = seal.opened(conn, stored)  # a wholly sealed testimony, opened
        if "witness" in t:
            witnesses.add(t["witness"])
        if not _in_scope(t["interview"]["date"], options):
            continue
        if t["consent"]["scope"] not in SHARED_SCOPES or t["status"] != "finalised":
            log["testimony withheld (consent or status)"] += 1
            continue
        shared.add(t["id"])
        out: dict[str, Any] = {"id": t["id"], "status": t["status"],
                               "consent_scope": t["consent"]["scope"],
                               "interview": {"date": _coarse_date(t["interview"]["date"],
                                                                  options),
                                             "language": t["interview"]["language"],
                                             "mode": t["interview"]["mode"]}}
        if "assessment" in t:
            out["assessment"] = t["assessment"]
        if t.get("narrative"):
            texts = _narrative(conn, t, names, key, kept, memo)
            redacted = {lang: pair[0] for lang, pair in texts.items()}
            if reviewed.get(t["id"]) == _digest(redacted):
                if coarser is not None:  # approved as it is, left coarser still
                    texts = _narrative(conn, t, coarser, key, kept, memo)
                out["narrative"] = {lang: pair[0] for lang, pair in texts.items()}
                for _text, counts in texts.values():
                    for kind, n in sorted(counts.items()):
                        log[_NARRATIVE_LOG[kind]] += n
            else:
                log["narrative withheld (not reviewed)"] += 1
        for field in ("title", "summary"):
            if field in t:
                log[f"{field} withheld (free text)"] += 1
        if "witness" in t:
            out["witness"] = pseudonym(key, t["witness"])
            log["witness identity withheld"] += 1 if t["witness"] in identities else 0
        testimonies.append(out)

    persons_needed: set[str] = set()
    incidents = []
    for i in _load(conn, "incident"):
        if not _in_scope(i["date"], options):
            continue
        if not i.get("sources") and not any(t in shared for t in i.get("testimonies", [])):
            log["incident withheld (its testimonies may not leave)"] += 1
            continue
        out = {"id": i["id"], "type": i["type"], "date": _coarse_date(i["date"], options),
               "verification": i["verification"],
               "testimonies": [t for t in i.get("testimonies", []) if t in shared]}
        if i.get("place"):
            out["place"] = place_ref(i["place"])
        if "perpetrator" in i:
            out["perpetrator"] = {"category": i["perpetrator"]["category"]}
            if "description" in i["perpetrator"]:
                log["perpetrator description withheld (free text)"] += 1
        if "description" in i:
            log["incident description withheld (free text)"] += 1
        if "sources" in i:
            out["sources"] = i["sources"]
        victims = []
        for v in i.get("victims", []):
            if "person" in v:
                persons_needed.add(v["person"])
                victims.append({"person": pseudonym(key, v["person"]),
                                **({"status": v["status"]} if "status" in v else {})})
            else:
                group = {k: v["group"][k] for k in ("count", "qualifier", "breakdown")
                         if k in v["group"]}
                if "label" in v["group"]:
                    log["victim group label withheld (free text)"] += 1
                victims.append({"group": group,
                                **({"status": v["status"]} if "status" in v else {})})
        out["victims"] = victims
        incidents.append(out)
    cited = {t["witness"] for t in testimonies if "witness" in t}  # pseudonyms
    persons_needed |= {w for w in witnesses if pseudonym(key, w) in cited}

    persons = []
    for p in _load(conn, "person"):
        if p["id"] not in persons_needed:
            continue
        out = {"pseudonym": pseudonym(key, p["id"]), "sex": p["sex"]}
        if "age" in p or "age_group" in p:
            out["age_group"] = p.get("age_group") or (
                "child" if int(p["age"]) < 18 else "adult")
        if "occupation" in p:
            out["occupation"] = p["occupation"]
        identity = identities.get(p["id"])
        if identity and identity.get("public_domain") and p["id"] not in witnesses:
            out["public_name"] = identity["name"]
            log["public-domain name kept"] += 1
        elif identity or "sealed_identity" in p:
            log["identity withheld"] += 1
        persons.append(out)

    aggregates = [{k: a[k] for k in ("id", "source", "incident_type", "period", "count",
                                     "qualifier", "breakdown") if k in a}
                  for a in _load(conn, "aggregate") if _in_scope(a["period"], options)]
    for a in aggregates:
        a["period"] = _coarse_date(a["period"], options) if dates.month(a["period"]) \
            else {k: v for k, v in a["period"].items() if k != "text"}
    used_places = {i.get("place") for i in incidents}
    place_out: list[dict[str, Any]] = []
    for pid in sorted(p for p in used_places if p):
        chain = pid
        while chain and chain in places:
            place = places[chain]
            if not any(x["id"] == chain for x in place_out):
                place_out.append({k: place[k] for k in ("id", "name", "level", "parent")
                                  if k in place})
            chain = place.get("parent")
    records = {"format": EXPORT_FORMAT,
               "sources": [{**{k: s[k] for k in ("id", "name", "kind") if k in s},
                            # a person who gave information is never named
                            **({"name": narrative_redaction.SOURCE}
                               if s.get("kind") == "individual" else {})}
                           for s in _load(conn, "source")],
               "places": place_out, "persons": persons, "testimonies": testimonies,
               "incidents": incidents, "aggregates": aggregates}
    return records, log


def _csv(records: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "id", "date", "type", "victims", "qualifier", "verification"])
    for i in records["incidents"]:
        count = sum(v["group"]["count"] if "group" in v else 1 for v in i["victims"])
        writer.writerow(["incident", i["id"], dates.sort_key(i["date"]), i["type"], count,
                         "", i["verification"]])
    for a in records["aggregates"]:
        writer.writerow(["aggregate", a["id"], dates.sort_key(a["period"]), a["incident_type"],
                         a["count"], a["qualifier"], ""])
    return buffer.getvalue().encode("utf-8")


def _uwazi_date(day: str) -> str:
    return day.replace("-", "/")


def uwazi_zip(records: dict[str, Any]) -> bytes:
    """A zip Uwazi's CSV import takes: import.csv at its root (docs/UWAZI.md)."""
    places = {p["id"]: p for p in records.get("places", [])}

    def place_path(place_id: str | None, language: str) -> str:
        chain = []
        while place_id and place_id in places:
            place = places[place_id]
            chain.append(place["name"].get(language) or next(iter(place["name"].values())))
            place_id = place.get("parent")
        # Uwazi thesauri nest two levels: the broadest place that is not the country,
        # then the incident's own place.
        chain = chain[:-1] if len(chain) > 1 else chain
        return "::".join([chain[-1], chain[0]]) if len(chain) > 1 else "".join(chain)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["title__en", "title__ar", "incident_type", "date", "date_range", "place",
                     "perpetrator", "victims", "victim_status", "verification",
                     "victim_pseudonyms", "source_ids"])
    for i in records.get("incidents", []):
        first, last = dates.start(i["date"]), dates.end(i["date"])
        count = sum(v["group"]["count"] if "group" in v else 1 for v in i["victims"])
        titles = {lang: f"{vocab.label('incident_type', i['type'], lang)} — "
                        f"{first or last} — {place_path(i.get('place'), lang) or '-'}"
                  for lang in ("en", "ar")}
        writer.writerow([
            titles["en"], titles["ar"], vocab.label("incident_type", i["type"]),
            _uwazi_date(first) if first == last else "",
            "" if first == last else f"{_uwazi_date(first)}:{_uwazi_date(last)[:10]}",
            place_path(i.get("place"), "en"),
            vocab.label("perpetrator", i["perpetrator"]["category"]) if "perpetrator" in i
            else "", count,
            "|".join(sorted({vocab.label("victim_status", v["status"])
                             for v in i["victims"] if "status" in v})),
            vocab.label("verification", i["verification"]),
            "|".join(v["person"] for v in i["victims"] if "person" in v),
            "|".join(i.get("sources", []))])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("import.csv", buffer.getvalue().encode("utf-8"))
    return archive.getvalue()


def export(session: Any, target: Path, options: Options,
           progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Write the export folder (or .zip); returns its manifest."""
    conn = session.conn
    organisation = org.require_coordinator(conn)
    records, log = build(conn, options)
    figures = report.figures(records, options.threshold)
    files: dict[str, bytes] = {
        "records.json": json.dumps(records, ensure_ascii=False, indent=1,
                                   sort_keys=True).encode("utf-8"),
        "records.csv": _csv(records),
    }
    manifest: dict[str, Any] = {
        "format": EXPORT_FORMAT, "created": audit.now(), "profile": options.profile,
        "auditor": options.auditor, "threshold": options.threshold,
        "organisation": {"id": organisation.id, "name": organisation.name,
                         "signing_key": base64.b64encode(organisation.signing_key).decode(),
                         "fingerprint": organisation.fingerprint},
        "scope": {"from": options.date_from, "until": options.date_until,
                  "coarsen_places": options.coarsen_places,
                  "coarsen_dates": options.coarsen_dates},
        "counts": {k: len(v) for k, v in records.items() if isinstance(v, list)},
        "redaction_log": dict(sorted(log.items())), "figures": figures,
    }
    files["report.html"] = report.render_html(manifest, records).encode("utf-8")
    if options.uwazi:
        files["uwazi.zip"] = uwazi_zip(records)
    manifest["files"] = {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                         for name, data in sorted(files.items())}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1,
                                sort_keys=True).encode("utf-8")
    files["manifest.json"] = manifest_bytes
    files["manifest.sig"] = base64.b64encode(
        org.org_signing_key(conn).sign(manifest_bytes)) + b"\n"
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                   for name, data in sorted(files.items()) if name != "manifest.sig")
    files["SHA256SUMS"] = sums.encode("ascii")
    _write(target, files, options.zip)
    with transaction(conn):
        audit.record(conn, session.author, "export_redacted", None, auditor_hash=hashlib.sha256(
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
