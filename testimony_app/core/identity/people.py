"""People as a researcher meets them: found by name, code or attribute, created or
changed with their identity, and seen with every testimony and incident naming them.

A person's identity is what pseudonymisation protects: it is read here only where
this vault may read it (not sealed), and it never leaves in a label unless the
caller asks for it (the window shows it inside the vault, framed as protected).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from testimony_app import i18n
from testimony_app.core.common.errors import InputError, NotFound
from testimony_app.core.common.ids import PersonId, RecordId
from testimony_app.core.identity import seal
from testimony_app.core.records import interchange, store, tables, textnorm, vocab
from testimony_app.core.vault.connection import Connection

# Attributes a person's record carries besides its identity.
ATTRIBUTES = ("sex", "age", "age_group", "occupation", "description")


@dataclass(frozen=True)
class PersonSummary:
    id: PersonId
    code: str
    sex: str
    age: int | None = None
    age_group: str | None = None
    occupation: str | None = None
    name: str | None = None  # readable here: not sealed, and recorded
    public_domain: bool = False
    sealed: bool = False

    def attributes(self, language: str = "en") -> str:
        """"Male · 34 · Health worker", in `language`'s labels (never codes)."""
        # In the UI's language: its digits and its separator (a middle dot beside
        # Arabic-Indic digits reads as a zero, so Arabic writes a comma).
        ui = language == i18n.language()
        parts = [vocab.label("sex", self.sex, language)]
        if self.age is not None:
            parts.append(i18n.number(self.age) if ui else str(self.age))
        elif self.age_group:
            parts.append(vocab.label("age_group", self.age_group, language))
        if self.occupation:
            parts.append(vocab.label("occupation", self.occupation, language))
        return i18n.join(parts, "·") if ui else " · ".join(parts)

    def label(self, language: str = "en", with_name: bool = True) -> str:
        """The pseudonym code, the attributes and (if asked and readable) the name; the
        code and the name isolated, so that a Latin code or name keeps its place in an
        Arabic line and an Arabic name in an English one."""
        text = f"{i18n.isolate(self.code)} · {self.attributes(language)}"
        if with_name and self.name:
            text += f" — {i18n.isolate(self.name)}"
        return text


@dataclass(frozen=True)
class Mention:
    """A record that names a person, and in what role."""

    id: RecordId
    kind: str  # testimony or incident
    role: str  # witness, tagged, victim, victim_reported (a victim of an incident it reports)
    title: str
    date: str  # sort date, ISO
    detail: str = ""  # incident type or testimony status (a code; the face labels it)


@dataclass(frozen=True)
class PersonView:
    summary: PersonSummary
    person: dict[str, Any]  # the record without identity
    identity: dict[str, Any] | None
    testimonies: list[Mention] = field(default_factory=list)
    incidents: list[Mention] = field(default_factory=list)


def _name(identity: dict[str, Any] | None, language: str) -> str | None:
    if not identity:
        return None
    names = identity.get("name") or {}
    value = names.get(language) or next(iter(names.values()), None)
    return str(value) if value else None


def _summary(person_id: PersonId, code: str, record: dict[str, Any],
             identity: dict[str, Any] | None, language: str) -> PersonSummary:
    return PersonSummary(
        id=person_id, code=code, sex=record.get("sex", "unknown"), age=record.get("age"),
        age_group=record.get("age_group"), occupation=record.get("occupation"),
        name=_name(identity, language),
        public_domain=bool(identity and identity.get("public_domain")),
        sealed="sealed_identity" in record)


def _rows(conn: Connection, ids: list[PersonId] | None = None
          ) -> list[tuple[PersonId, str, str, str | None]]:
    return tables.persons_by_code(conn, ids)


def summaries(conn: Connection, ids: list[PersonId] | None = None,
              language: str = "en") -> list[PersonSummary]:
    """Every person (or those of `ids`), by pseudonym code."""
    return [_summary(pid, code, json.loads(data), json.loads(ident) if ident else None,
                     language) for pid, code, data, ident in _rows(conn, ids)]


def _haystack(summary: PersonSummary, identity: dict[str, Any] | None) -> str:
    words = [summary.code]
    for language in ("en", "ar"):
        words.append(summary.attributes(language))
    if identity:
        words += [str(n) for n in (identity.get("name") or {}).values()]
        words += [str(a) for a in identity.get("aliases", [])]
        words += [str(identity.get(k, "")) for k in ("father_name", "mother_name")]
    return textnorm.normalize_for_search(" ".join(words))


def find(conn: Connection, query: str, language: str = "en",
         limit: int = 50) -> list[PersonSummary]:
    """People whose readable name (any spelling variant the search folds), pseudonym
    code or attributes (in English or Arabic) hold every word of `query`; all of
    them, by code, when the query is empty."""
    wanted = textnorm.normalize_for_search(query).split()
    out = []
    for pid, code, data, ident in _rows(conn):
        identity = json.loads(ident) if ident else None
        summary = _summary(pid, code, json.loads(data), identity, language)
        if wanted:
            haystack = _haystack(summary, identity)
            if not all(word in haystack for word in wanted):
                continue
        out.append(summary)
        if len(out) >= limit:
            break
    return out


def save(conn: Connection, person: dict[str, Any], author: str,
         language: str = "en") -> PersonSummary:
    """Create (no id, or an unknown one) or update a person, identity included;
    validated as the interchange format says, all or nothing.

    A sealed person's identity cannot be read or replaced here: a given identity
    is refused rather than stored beside the seal in plaintext.
    """
    record = {k: v for k, v in person.items() if k in (*ATTRIBUTES, "identity", "id")}
    record.setdefault("id", str(uuid.uuid4()))
    person_id = PersonId(RecordId(str(record["id"])))  # checked a person below
    record.setdefault("sex", "unknown")
    try:
        old = store.get(conn, person_id, with_identity=False)
    except NotFound:
        old = None
    if old is not None:
        if old.kind != "person":
            raise InputError("not_a_person", id=store.safe_ref(person_id))
        if "sealed_identity" in old.data:
            if "identity" in record:
                raise InputError("person_sealed", person=old.code or "")
            record["sealed_identity"] = old.data["sealed_identity"]
        for kept in ("match_keys",):
            if kept in old.data:
                record[kept] = old.data[kept]
    store.add_document(conn, {"format": interchange.FORMAT, "persons": [record]}, author,
                       sealer=seal.seal_changed)
    return summaries(conn, [person_id], language)[0]


def view(conn: Connection, person_id: PersonId, language: str = "en") -> PersonView:
    """A person with every testimony and incident that names them."""
    rec = store.get(conn, person_id)
    if rec.kind != "person":
        raise InputError("not_a_person", id=store.safe_ref(person_id))
    data = dict(rec.data)
    identity = data.pop("identity", None)
    summary = _summary(person_id, rec.code or "", data, identity, language)
    direct = tables.mentions_of_person(conn, rec.id)
    testimonies: dict[str, Mention] = {}
    incidents: dict[str, Mention] = {}
    for from_id, role, kind, title, date, status, type_ in direct:
        if kind == "testimony" and from_id not in testimonies:
            testimonies[from_id] = Mention(from_id, kind, role, title, date, status)
        elif kind == "incident":
            incidents.setdefault(from_id, Mention(from_id, kind, role, title, date, type_))
    if incidents:
        for tid, title, date, status in tables.testimonies_reporting(conn, sorted(incidents)):
            testimonies.setdefault(tid, Mention(tid, "testimony", "victim_reported", title,
                                                date, status))
    return PersonView(summary, data, identity,
                      sorted(testimonies.values(), key=lambda m: (m.date, m.id)),
                      sorted(incidents.values(), key=lambda m: (m.date, m.id)))


def testimonies_of_incident(conn: Connection, incident_id: RecordId) -> list[Mention]:
    """The testimonies that report an incident (to go from one to the other)."""
    return [Mention(tid, "testimony", "reported_by", title, date, status)
            for tid, title, date, status in tables.testimonies_of_incident(conn, incident_id)]
