"""An approved narrative leaves in a redacted export without the private things in it.

A canary hunt over every file an export writes (report.html, records.json,
records.csv, the manifest, the zip and the Uwazi zip inside it), in UTF-8, UTF-16,
HTML- and JSON-escaped forms, NFC and NFD: no name in a possessive, plural or
proclitic spelling, no family name without its article, no phone or document
number, no site, no individual source. And a name part two people share is never
given to one of them.
"""

from __future__ import annotations

import html
import io
import json
import os
import subprocess
import sys
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import Any

from testimony_app.core.audit import redact
from testimony_app.core.common.ids import RecordId
from tests.sync_fixtures import Pair

WITNESS = {"en": "Qorvandel Zibrakhan", "ar": "قُرْوَنْدَل زِبْرَخان"}
VICTIM = {"en": "Marvelline Oskatrub", "ar": "مرفيلين الأسكاتروب"}
AHMAD_ONE = "أحمد النيساوي"
AHMAD_TWO = "أحمد الدرقوني"
SOURCE = "Tasqueline Morvadek"

EN = ("Zibrakhan's brother and the Zibrakhans were there; el-Oskatrub's car stood by. "
      "The Qorvandel-Oskatrub house was empty. "
      "Call +963 944 123 456 or qorvan@example.org; ID 01234567891, passport N1234567. "
      "They met at the Kammarosh family house, then at Drevolin street 12. "
      "Tasqueline Morvadek confirmed it on 2016-12-15, at least 61 people.")
AR = ("رأى أسكاتروب وبالأسكاتروب وللأسكاتروبيين والأسكاتروبية عند الحاجز. "
      "اتصل على ٠٩٤٤١٢٣٤٥٦. "
      f"قابلت {AHMAD_ONE} ثم أحمد وحده، وقال أبو إنه رأى النيساويين.")

CANARIES = ["Zibrakhan", "Oskatrub", "أسكاتروب", "اسكاتروب", "944 123 456", "٠٩٤٤١٢٣٤٥٦",
            "0944123456", "qorvan@example", "01234567891", "N1234567", "Kammarosh",
            "Drevolin", "Tasqueline", "Morvadek", "النيساوي", "نيساوي", "الدرقوني"]


def _forms(text: str) -> set[bytes]:
    out: set[bytes] = set()
    for form in {text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)}:
        out |= {form.encode("utf-8"), form.encode("utf-16-le"), form.encode("utf-16-be"),
                html.escape(form).encode(), form.encode("ascii", "xmlcharrefreplace"),
                json.dumps(form)[1:-1].encode()}
    return out


def _files(folder: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}

    def add(name: str, data: bytes) -> None:
        out[name] = data
        if name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    add(f"{name}/{member}", archive.read(member))

    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() \
            else [folder]:
        add(str(path.relative_to(folder) if folder.is_dir() else path.name), path.read_bytes())
    return out


def _vault(pair: Pair) -> tuple[str, dict[str, str]]:
    coordinator = pair.coordinator
    ids = {k: str(uuid.uuid4()) for k in (
        "witness", "victim", "one", "two", "testimony", "incident", "source",
        "city", "hood", "house", "street")}
    place = {"city": ("city", None, {"en": "Aleppo", "ar": "حلب"}),
             "hood": ("neighbourhood", "city", {"en": "Bustan al-Qasr", "ar": "بستان القصر"}),
             "house": ("site", "hood", {"en": "Kammarosh family house"}),
             "street": ("site", "hood", {"en": "Drevolin street 12"})}
    coordinator.add_document({
        "format": "testimony/1",
        "sources": [{"id": ids["source"], "name": SOURCE, "kind": "individual"}],
        "places": [{"id": ids[k], "level": level, "name": name,
                    **({"parent": ids[parent]} if parent else {})}
                   for k, (level, parent, name) in place.items()],
        "persons": [
            {"id": ids["witness"], "sex": "male", "identity": {
                "name": WITNESS, "aliases": ["Abu Qorvan"], "public_domain": False}},
            {"id": ids["victim"], "sex": "female", "identity": {
                "name": VICTIM, "public_domain": False}},
            {"id": ids["one"], "sex": "male", "identity": {
                "name": {"ar": AHMAD_ONE}, "public_domain": False}},
            {"id": ids["two"], "sex": "male", "identity": {
                "name": {"ar": AHMAD_TWO}, "public_domain": False}}],
        "testimonies": [{"id": ids["testimony"], "witness": ids["witness"],
                         "status": "finalised",
                         "interview": {"date": {"precision": "day", "value": "2016-12-16"},
                                       "language": "en", "mode": "in_person"},
                         "consent": {"scope": "publish_anonymised", "recorded_by": "team"},
                         "narrative": {"en": EN, "ar": AR}}],
        "incidents": [{"id": ids["incident"], "type": "arbitrary_arrest",
                       "verification": "unverified", "place": ids["hood"],
                       "date": {"precision": "day", "value": "2016-12-16"},
                       "testimonies": [ids["testimony"]], "sources": [ids["source"]],
                       "victims": [{"person": ids["victim"], "status": "detained"},
                                   {"person": ids["one"], "status": "killed"}]}]})
    return ids["testimony"], ids


def test_no_private_thing_leaves_in_an_approved_narrative(pair: Pair, tmp_path: Path) -> None:
    coordinator = pair.coordinator
    testimony, ids = _vault(pair)
    preview = redact.preview(coordinator.conn, RecordId(testimony), "Auditor A")
    key = redact.auditor_key(coordinator.conn, "Auditor A")
    one, two = (f"[{redact.pseudonym(key, ids[k])}]" for k in ("one", "two"))
    # the whole name and the family name (a nisba plural) go to their person, "Ahmad"
    # alone to nobody; "Abu" stays a word
    assert preview["ar"].count(one) == 2 and two not in preview["ar"], preview["ar"]
    assert "أحمد وحده" not in preview["ar"] and "[name] وحده" in preview["ar"]
    assert "أبو" in preview["ar"]
    assert "[phone]" in preview["en"] and "[email]" in preview["en"]
    assert "[id number]" in preview["en"] and "[source]" in preview["en"]
    assert "Bustan al-Qasr" in preview["en"]  # the sites, coarsened to their neighbourhood
    assert "2016-12-15" in preview["en"] and "61 people" in preview["en"]
    redact.approve(coordinator.conn, RecordId(testimony), coordinator.author, "Auditor A")
    folder, archive = tmp_path / "export", tmp_path / "export.zip"
    redact.export(coordinator, folder, redact.Options(auditor="Auditor A", uwazi=True))
    redact.export(coordinator, archive, redact.Options(auditor="Auditor A", uwazi=True,
                                                       zip=True))
    records = json.loads((folder / "records.json").read_bytes())
    assert records["testimonies"][0]["narrative"] == preview  # it did leave, approved
    files = {**_files(folder), **_files(archive)}
    found = [(name, canary) for name, data in files.items() for canary in CANARIES
             for needle in _forms(canary) if needle in data]
    assert found == [], found


def test_the_preview_does_not_depend_on_hash_order(pair: Pair) -> None:
    """Two people share a name part: the preview is the same in every process."""
    coordinator = pair.coordinator
    testimony, _ids = _vault(pair)
    coordinator.add_document({"format": "testimony/1", "persons": [
        {"id": str(uuid.uuid4()), "sex": "male", "identity": {
            "name": {"en": f"Qorvandel Oskatrub {n}"}, "public_domain": False}}
        for n in ("Abo", "Kel", "Ruv")]})
    folder, key = coordinator.folder, coordinator.data_key()
    coordinator.close()
    script = ("import json, sys; from pathlib import Path; "
              "from testimony_app.core.session import Session; "
              "s = Session.open_with_key(Path(sys.argv[1]), bytes.fromhex(sys.stdin.read())); "
              "from testimony_app.core.audit import redact; "
              "print(json.dumps(redact.preview(s.conn, sys.argv[2], 'Auditor A'), "
              "sort_keys=True)); s.close()")
    outputs: list[Any] = []
    for seed in ("1", "2", "3", "4", "5"):
        done = subprocess.run([sys.executable, "-c", script, str(folder), testimony],
                              input=key.hex(), capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append(done.stdout)
    assert len(set(outputs)) == 1, outputs
    pair.coordinator = type(coordinator).open_with_key(folder, key)


def test_an_export_at_a_coarser_place_level_coarsens_the_approved_narrative(
        pair: Pair, tmp_path: Path) -> None:
    coordinator = pair.coordinator
    testimony, _ids = _vault(pair)
    redact.approve(coordinator.conn, RecordId(testimony), coordinator.author, "Auditor A")
    folder = tmp_path / "coarse"
    redact.export(coordinator, folder, redact.Options(auditor="Auditor A",
                                                      coarsen_places="city"))
    records = json.loads((folder / "records.json").read_bytes())
    narrative = records["testimonies"][0]["narrative"]["en"]
    assert "Bustan" not in narrative and "Aleppo" in narrative
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert manifest["redaction_log"]["place coarsened in a narrative"] >= 2


def test_relatives_and_shared_parts_go_to_nobody() -> None:
    from testimony_app.core.identity.narrative_redaction import Person, Redactor

    redactor = Redactor([Person("1", "[A-ONE]", ("Qorvandel Zibrakhan",), ("Yusrindel Kammar",)),
                         Person("2", "[A-TWO]", ("Qorvandel Oskatrub",))])
    text, counts = redactor.redact("Qorvandel met Yusrindel and Zibrakhan's son, "
                                   "then Qorvandel Oskatrub.")
    assert text == "[name] met [name] and [A-ONE]'s son, then [A-TWO]."
    assert counts["name"] == 4
