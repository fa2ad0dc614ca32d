"""Fixtures for duplicate persons: a coordinator and two enrolled researchers, each
of whom recorded, finalised (sealed) and sent the same victim spelt another way.

Built once per test session like the sync pair (the second researcher is enrolled
the way `pair_template` enrols the first), then copied for each test.

    researcher one: A "Mohammad Abdul Rahman al-Hassan", born 1980, killed in Salah al-Din
                    F "Ahmad Yusuf Darwish", born 1990, father Yusuf
    researcher two: B "محمد عبد الرحمن الحسن" (Arabic only), born 1980, Salah al-Din
                    C "Mohammed Abd al-Rahman al-Hasani" (a near miss)
                    D "Mohammad Abdul Rahman al-Hassan", a woman (never the same as A)
                    G "Ahmed Yousef Darwish", born 1950, father Ibrahim (same key as F,
                      but too far apart to suggest)
                    K "Samir Hajjar" and K2 "Sameer Hajjar" (one match key)
    coordinator:    E "Muhammad Abd al-Rahman el-Hasan", recorded in the office
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testimony_app.core.identity import enrolling
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from tests.conftest import Template
from tests.sync_fixtures import PairTemplate

NAMES = {
    "A": "Mohammad Abdul Rahman al-Hassan",
    "B": "محمد عبد الرحمن الحسن",
    "C": "Mohammed Abd al-Rahman al-Hasani",
    "D": "Mohammad Abdul Rahman al-Hassan",
    "E": "Muhammad Abd al-Rahman el-Hasan",
    "F": "Ahmad Yusuf Darwish",
    "G": "Ahmed Yousef Darwish",
    "K": "Samir Hajjar",
    "K2": "Sameer Hajjar",
    "W1": "Zubair Qattan",
    "W2": "Lina Saadeh",
}
# Fixed ids, so that tests can name them.
IDS = {key: str(uuid.uuid5(uuid.NAMESPACE_URL, f"testimony-duplicates/{key}"))
       for key in [*NAMES, "T1", "T2", "I1", "I2", "I3", "ALEPPO", "CITY", "SALAH", "SARAQIB"]}

PLACES = [
    {"id": IDS["ALEPPO"], "name": {"en": "Aleppo governorate"}, "level": "governorate"},
    {"id": IDS["CITY"], "name": {"en": "Aleppo"}, "level": "city", "parent": IDS["ALEPPO"]},
    {"id": IDS["SALAH"], "name": {"en": "Salah al-Din"}, "level": "neighbourhood",
     "parent": IDS["CITY"]},
    {"id": IDS["SARAQIB"], "name": {"en": "Saraqib"}, "level": "city"},
]


def person(key: str, sex: str = "male", *, lang: str = "en", born: str | None = None,
           father: str | None = None) -> dict[str, object]:
    identity: dict[str, object] = {"name": {lang: NAMES[key]}, "public_domain": False}
    if born:
        identity["birth_date"] = {"precision": "year", "value": born}
    if father:
        identity["father_name"] = father
    return {"id": IDS[key], "sex": sex, "identity": identity}


def testimony(key: str, witness: str) -> dict[str, object]:
    return {"id": IDS[key], "witness": IDS[witness], "status": "draft",
            "interview": {"date": {"precision": "day", "value": "2016-12-20"},
                          "language": "ar", "mode": "in_person"},
            "consent": {"scope": "internal", "recorded_by": "team"}}


def incident(key: str, testimony_key: str, place: str, victims: list[str]) -> dict[str, object]:
    return {"id": IDS[key], "type": "summary_execution", "place": IDS[place],
            "date": {"precision": "month", "value": "2016-12"},
            "verification": "unverified", "testimonies": [IDS[testimony_key]],
            "victims": [{"person": IDS[v], "status": "killed"} for v in victims]}


def researcher_one_document() -> dict[str, object]:
    return {"format": "testimony/1", "places": PLACES,
            "persons": [person("W1"), person("A", born="1980"),
                        person("F", born="1990", father="Yusuf")],
            "testimonies": [testimony("T1", "W1")],
            "incidents": [incident("I1", "T1", "SALAH", ["A"]),
                          incident("I3", "T1", "SARAQIB", ["F"])]}


def researcher_two_document() -> dict[str, object]:
    return {"format": "testimony/1", "places": PLACES,
            "persons": [person("W2", "female"), person("B", lang="ar", born="1980"),
                        person("C"), person("D", "female"),
                        person("G", born="1950", father="Ibrahim"),
                        person("K"), person("K2")],
            "testimonies": [testimony("T2", "W2")],
            "incidents": [incident("I2", "T2", "SALAH", ["B", "C", "D", "G", "K", "K2"])]}


@dataclass(frozen=True)
class DupTemplate:
    coordinator: Path
    one: Path
    two: Path
    key: bytes


@dataclass
class DupTrio:
    coordinator: Session
    one: Session
    two: Session

    def code(self, key: str) -> str:
        return str(self.coordinator.record(IDS[key]).code)


def _open(folder: Path, key: bytes) -> Session:
    return Session._open_with_key(folder, key)


@pytest.fixture(scope="session")
def dup_template(template: Template, pair_template: PairTemplate,
                  tmp_path_factory: pytest.TempPathFactory) -> DupTemplate:
    base = tmp_path_factory.mktemp("dup_trio")
    coord_dir, one_dir, two_dir = base / "coordinator", base / "one", base / "two"
    shutil.copytree(pair_template.coordinator, coord_dir)
    shutil.copytree(pair_template.researcher, one_dir)
    shutil.copytree(template.folder, two_dir)
    key = template.key
    with _open(coord_dir, key) as coordinator, _open(one_dir, key) as one, \
            _open(two_dir, key) as two:
        # The second researcher: its own device, enrolled and trusted like the first.
        two.conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'",
                         (str(uuid.uuid4()),))
        code = org.write_enrolment(coordinator.conn, base / "enrol2.age", coordinator.author)
        enrolling.apply_enrolment(two.conn, org.read_enrolment(base / "enrol2.age", code),
                                  two.author)
        org.trust(coordinator.conn, org.whoami(two.conn).fingerprint, "Researcher Two",
                  coordinator.author)
        for session, document, testimony_key in (
                (one, researcher_one_document(), "T1"), (two, researcher_two_document(), "T2")):
            session.add_document(document)
            # seals every identity it concerns
            session.finalise(IDS[testimony_key], allow_untagged=True)
            sent = bundle.export(session, base / f"{testimony_key}.age")
            bundle.import_bundle(coordinator, sent.path)
        coordinator.add_document({"format": "testimony/1", "persons": [person("E")]})
    return DupTemplate(coord_dir, one_dir, two_dir, key)


@pytest.fixture
def dup_trio(dup_template: DupTemplate, tmp_path: Path) -> Iterator[DupTrio]:
    sessions = []
    for name in ("coordinator", "one", "two"):
        target = tmp_path / name
        shutil.copytree(getattr(dup_template, name), target)
        sessions.append(_open(target, dup_template.key))
    yield DupTrio(*sessions)
    for session in sessions:
        session.close()
