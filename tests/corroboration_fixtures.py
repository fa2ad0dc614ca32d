"""A coordinator and two enrolled researchers, and the crafted accounts that corroboration
is tested on: the same arrest told in English to one researcher and in Arabic to the
other, beside look-alikes that must not be suggested.

Built on the pair fixture (tests/sync_fixtures.py): the second researcher is made the
same way (a copy of the template vault, a new device id, an enrolment file, trusted by
the coordinator under a name).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from testimony_app.core.common.ids import RecordId
from testimony_app.core.identity import enrolling
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.conftest import Template
from tests.sync_fixtures import PairTemplate


@dataclass(frozen=True)
class TrioTemplate:
    coordinator: Path
    one: Path
    two: Path
    key: bytes
    fp_one: str
    fp_two: str


@dataclass
class Trio:
    coordinator: Session
    one: Session
    two: Session
    fp_one: str
    fp_two: str
    folder: Path

    def send(self, researcher: Session, name: str) -> bundle.ImportResult:
        """Export everything new from a researcher and import it at the coordinator."""
        exported = bundle.export(researcher, self.folder / f"{name}.age")
        return bundle.import_bundle(self.coordinator, exported.path)


def _open(folder: Path, key: bytes) -> Session:
    return Session.open_with_key(folder, key)


@pytest.fixture(scope="session")
def trio_template(pair_template: PairTemplate, template: Template,
                  tmp_path_factory: pytest.TempPathFactory) -> TrioTemplate:
    base = tmp_path_factory.mktemp("trio")
    coord_dir, one_dir, two_dir = base / "coordinator", base / "one", base / "two"
    shutil.copytree(pair_template.coordinator, coord_dir)
    shutil.copytree(pair_template.researcher, one_dir)
    shutil.copytree(template.folder, two_dir)
    with _open(coord_dir, template.key) as coordinator, _open(two_dir, template.key) as two:
        two.conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'",
                         (str(uuid.uuid4()),))
        code = org.write_enrolment(coordinator.conn, base / "enrol-2.age", coordinator.author)
        enrolling.apply_enrolment(two.conn, org.read_enrolment(base / "enrol-2.age", code),
                            two.author)
        fp_two = org.whoami(two.conn).fingerprint
        org.trust(coordinator.conn, fp_two, "Researcher Two", coordinator.author)
    return TrioTemplate(coord_dir, one_dir, two_dir, template.key, pair_template.fingerprint,
                        fp_two)


@pytest.fixture
def trio(trio_template: TrioTemplate, tmp_path: Path) -> Iterator[Trio]:
    sessions = []
    for name in ("coordinator", "one", "two"):
        shutil.copytree(getattr(trio_template, name), tmp_path / name)
        sessions.append(_open(tmp_path / name, trio_template.key))
    coordinator, one, two = sessions
    yield Trio(coordinator, one, two, trio_template.fp_one, trio_template.fp_two, tmp_path)
    for s in sessions:
        s.close()


# -- crafted accounts ---------------------------------------------------------------


def new_id() -> str:
    return str(uuid.uuid4())


def day(value: str) -> dict[str, Any]:
    return {"precision": "day", "value": value}


def place(name: dict[str, str], level: str, parent: str | None = None) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": new_id(), "name": name, "level": level}
    if parent:
        rec["parent"] = parent
    return rec


def witness(name: dict[str, str], sex: str = "male") -> dict[str, Any]:
    return {"id": new_id(), "sex": sex,
            "identity": {"name": name, "public_domain": False}}


def interview_record(witness_id: str, language: str, narrative: str, title: str) -> dict[str, Any]:
    return {"id": new_id(), "title": title,
            "interview": {"date": day("2017-01-10"), "language": language,
                          "mode": "in_person", "interviewer": "field researcher"},
            "witness": witness_id,
            "consent": {"scope": "internal", "recorded_by": "field researcher"},
            "narrative": {language: narrative}, "status": "draft"}


def incident(testimony_id: str, type_: str, date: dict[str, Any], place_id: str | None,
             perpetrator: str | None = None, description: dict[str, str] | None = None,
             victims: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": new_id(), "type": type_, "date": date, "verification": "unverified",
        "testimonies": [testimony_id],
        "victims": victims or [{"group": {"label": {"en": "men"}, "count": 7,
                                          "qualifier": "perhaps_more"},
                                "status": "detained"}]}
    if place_id:
        rec["place"] = place_id
    if perpetrator:
        rec["perpetrator"] = {"category": perpetrator}
    if description:
        rec["description"] = description
    return rec


def document(**arrays: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "testimony/1", **arrays}


@dataclass
class Accounts:
    """Ids of the crafted incidents, by what they are."""

    english_arrest: RecordId  # researcher one, English account, al-Kalasa, 14 Dec 2016
    arabic_arrest: RecordId  # researcher two, Arabic account, Aleppo, mid-December
    other_type: RecordId  # researcher two, same place and time, looting
    other_month: RecordId  # researcher two, arrest in Aleppo in October
    other_city: RecordId  # researcher two, arrest in Idlib, same days
    midan_one: RecordId  # researcher one, arrest in al-Midan, Aleppo
    midan_two: RecordId  # researcher two, arrest in al-Midan, Damascus (same name, other city)


def english_account() -> tuple[dict[str, Any], dict[str, str]]:
    """Researcher one: a full place hierarchy, an English narrative."""
    syria = place({"en": "Syria", "ar": "سوريا"}, "country")
    gov = place({"en": "Aleppo Governorate", "ar": "محافظة حلب"}, "governorate", syria["id"])
    aleppo = place({"en": "Aleppo", "ar": "حلب"}, "city", gov["id"])
    kalasa = place({"en": "al-Kalasa"}, "neighbourhood", aleppo["id"])
    midan = place({"en": "al-Midan"}, "neighbourhood", aleppo["id"])
    person = witness({"en": "Mohammed al-Halabi"})
    t = interview_record(person["id"], "en",
                  "On 14 December militiamen took seven men from our street in al-Kalasa.",
                  "Evacuee: men taken from al-Kalasa")
    arrest = incident(t["id"], "arbitrary_arrest", day("2016-12-14"), kalasa["id"],
                      "pro_government_militia",
                      {"en": "Seven men taken at a militia checkpoint."})
    midan_arrest = incident(t["id"], "arbitrary_arrest", day("2016-12-15"), midan["id"])
    doc = document(places=[syria, gov, aleppo, kalasa, midan], persons=[person],
                   testimonies=[t], incidents=[arrest, midan_arrest])
    return doc, {"english_arrest": arrest["id"], "midan_one": midan_arrest["id"],
                 "testimony_one": t["id"], "witness_one": person["id"]}


def arabic_account() -> tuple[dict[str, Any], dict[str, str]]:
    """Researcher two: places named in Arabic (and one in English), an Arabic narrative,
    another witness."""
    aleppo = place({"ar": "حلب"}, "city")
    idlib = place({"ar": "إدلب"}, "city")
    damascus = place({"ar": "دمشق", "en": "Damascus"}, "city")
    midan = place({"en": "Al Midan", "ar": "الميدان"}, "neighbourhood", damascus["id"])
    person = witness({"en": "Khaled Hajj Ali", "ar": "خالد حاج علي"})
    t = interview_record(person["id"], "ar",
                  "في منتصف كانون الأول أخذ عناصر الميليشيا سبعة رجال من حارتنا.",
                  "شهادة: اعتقال رجال في حلب")
    mid_december = {"precision": "approximate", "from": "2016-12-10", "to": "2016-12-20",
                    "text": "منتصف كانون الأول"}
    arrest = incident(t["id"], "arbitrary_arrest", mid_december, aleppo["id"],
                      "pro_government_militia",
                      {"ar": "اعتقال سبعة رجال على حاجز للميليشيا."})
    looting = incident(t["id"], "looting", mid_december, aleppo["id"])
    october = incident(t["id"], "arbitrary_arrest", {"precision": "month", "value": "2016-10"},
                       aleppo["id"])
    in_idlib = incident(t["id"], "arbitrary_arrest", day("2016-12-14"), idlib["id"])
    in_midan = incident(t["id"], "arbitrary_arrest", day("2016-12-15"), midan["id"])
    doc = document(places=[aleppo, idlib, damascus, midan], persons=[person], testimonies=[t],
                   incidents=[arrest, looting, october, in_idlib, in_midan])
    return doc, {"arabic_arrest": arrest["id"], "other_type": looting["id"],
                 "other_month": october["id"], "other_city": in_idlib["id"],
                 "midan_two": in_midan["id"], "testimony_two": t["id"],
                 "witness_two": person["id"]}


def load_two_accounts(trio: Trio, finalise: bool = True) -> tuple[Accounts, dict[str, str]]:
    """Each researcher records their account (finalised, so identities are sealed and
    carry match keys), sends a bundle, and the coordinator imports both."""
    doc_one, ids_one = english_account()
    doc_two, ids_two = arabic_account()
    trio.one.add_document(doc_one)
    trio.two.add_document(doc_two)
    if finalise:
        trio.one.finalise(ids_one["testimony_one"], allow_untagged=True)
        trio.two.finalise(ids_two["testimony_two"], allow_untagged=True)
    trio.send(trio.one, "one-1")
    trio.send(trio.two, "two-1")
    ids = {**ids_one, **ids_two}
    accounts = Accounts(**{k: RecordId(v) for k, v in ids.items()
                           if k in Accounts.__annotations__})
    return accounts, ids
