"""Redacted exports: what an auditor receives holds no private identity, verifies
without secrets, and fails verification on any change."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import urllib.parse
import uuid
from pathlib import Path

import pytest

from testimony_app.core.audit import redact, verify
from testimony_app.core.common.ids import RecordId
from testimony_app.core.sync import bundle
from tests.conftest import SEEDS, Cli
from tests.sync_fixtures import Pair

PRIVATE = ["Qorvandel Zibrakhan", "قُرْوَنْدَل زِبْرَخان", "Abu Qorvan", "Yusrindel Kammarosh"]
SNHR_DECEMBER = 1897


def encodings(text: str) -> list[bytes]:
    forms = {text, *[w for w in text.split() if len(w) >= 5]}
    out = []
    for form in forms:
        out += [form.encode("utf-8"), form.encode("utf-16-le"),
                html.escape(form).encode(), form.encode("ascii", "xmlcharrefreplace"),
                json.dumps(form).encode(), urllib.parse.quote(form).encode()]
    return out


@pytest.fixture
def exported(pair: Pair, tmp_path: Path) -> tuple[Pair, Path, Path, str]:
    researcher, coordinator = pair.researcher, pair.coordinator
    researcher.add_json(SEEDS.read_bytes())
    ids = [str(uuid.uuid4()) for _ in range(4)]
    witness, victim, testimony, incident = ids
    researcher.add_document({
        "format": "testimony/1",
        "persons": [
            {"id": witness, "sex": "male", "identity": {
                "name": {"en": PRIVATE[0], "ar": PRIVATE[1]}, "aliases": [PRIVATE[2]],
                "public_domain": False}},
            {"id": victim, "sex": "female", "age": 30, "identity": {
                "name": {"en": PRIVATE[3]}, "public_domain": False}}],
        "testimonies": [{"id": testimony, "witness": witness, "status": "draft",
                         "interview": {"date": {"precision": "day", "value": "2016-12-16"},
                                       "language": "en", "mode": "in_person"},
                         "consent": {"scope": "publish_anonymised", "recorded_by": "team"},
                         "narrative": {"en": "Muhammad Zibrakhan (Abo Qorvan) saw them take "
                                             "Yusrindel at the checkpoint.",
                                       "ar": "رأى زبرخان اعتقال يسريندل عند الحاجز"}}],
        "incidents": [{"id": incident, "type": "arbitrary_arrest", "verification": "unverified",
                       "date": {"precision": "day", "value": "2016-12-16"},
                       "testimonies": [testimony],
                       "victims": [{"person": victim, "status": "detained"}]}]})
    researcher.finalise(testimony, allow_untagged=True)
    sent = tmp_path / "bundle.age"
    bundle.export(researcher, sent)
    bundle.import_bundle(coordinator, sent)
    preview = redact.preview(coordinator.conn, RecordId(testimony), "Auditor A")
    assert "Zibrakhan" not in preview["en"] and "Qorvan" not in preview["en"]
    assert "زبرخان" not in preview["ar"]
    redact.approve(coordinator.conn, RecordId(testimony), coordinator.author, "Auditor A")
    a, b = tmp_path / "export-a", tmp_path / "export-b"
    redact.export(coordinator, a, redact.Options(auditor="Auditor A"))
    redact.export(coordinator, b, redact.Options(auditor="Auditor B", zip=True))
    return pair, a, b, testimony


def test_export_verifies_and_holds_no_private_identity(
        exported: tuple[Pair, Path, Path, str]) -> None:
    pair, a, b, testimony = exported
    problems, manifest = verify.verify(a)
    assert manifest is not None and len(problems) == 1  # no expected key: unknown signer
    problems, _m = verify.verify(a, manifest["organisation"]["fingerprint"])
    assert problems == []
    problems, _m = verify.verify(b, manifest["organisation"]["fingerprint"])
    assert problems == []
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=a,
                          check=False).returncode == 0
    blob = b"".join(p.read_bytes() for p in a.iterdir())
    leaks = [n for name in PRIVATE for n in encodings(name) if n in blob]
    assert leaks == []
    records = json.loads((a / "records.json").read_text())
    public = [p["public_name"]["en"] for p in records["persons"] if "public_name" in p]
    assert public and all(name.encode() in blob for name in public)  # they may appear
    shared = next(t for t in records["testimonies"] if t["id"] == testimony)
    assert "[A-" in shared["narrative"]["en"]
    # the report's figures: SNHR's December row as published
    snhr = [f for f in manifest["figures"] if f["source"] == "Syrian Network for Human Rights"
            and f["month"] == "2016-12" and f["incident_type"] == "arbitrary_arrest"]
    assert snhr[0]["victims"] == SNHR_DECEMBER
    assert "1,897" in (a / "report.html").read_text()
    assert manifest["redaction_log"]["identity withheld"] >= 2
    assert not any(f["victims"] is not None and 0 < f["victims"] < 5
                   for f in manifest["figures"] if f["source"] == "documented")


def test_two_auditors_share_no_pseudonym(exported: tuple[Pair, Path, Path, str]) -> None:
    import zipfile

    _pair, a, b, _t = exported
    codes_a = {p["pseudonym"] for p in json.loads((a / "records.json").read_text())["persons"]}
    with zipfile.ZipFile(b) as archive:
        codes_b = {p["pseudonym"] for p in json.loads(archive.read("records.json"))["persons"]}
    assert codes_a and codes_b and not codes_a & codes_b


def test_any_change_fails_verification(
        exported: tuple[Pair, Path, Path, str], tmp_path: Path) -> None:
    _pair, a, _b, _t = exported
    for name in ("records.json", "report.html", "records.csv", "manifest.json", "SHA256SUMS"):
        copy = tmp_path / f"copy-{name}"
        shutil.copytree(a, copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        assert verify.verify(copy)[0], name
    # a record removed with every hash updated: the signed manifest still catches it
    copy = tmp_path / "removed"
    shutil.copytree(a, copy)
    records = json.loads((copy / "records.json").read_text())
    records["incidents"].pop()
    (copy / "records.json").write_text(json.dumps(records))
    manifest = json.loads((copy / "manifest.json").read_text())
    import hashlib

    rewritten = (copy / "records.json").read_bytes()
    manifest["files"]["records.json"] = {"sha256": hashlib.sha256(rewritten).hexdigest(),
                                         "size": len(rewritten)}
    (copy / "manifest.json").write_text(json.dumps(manifest))
    problems = verify.verify(copy)[0]
    assert any("signature" in p for p in problems)
    (copy / "extra.txt").write_text("x")
    assert verify.verify(copy)[0]


def test_verify_from_the_command_line_needs_no_vault(
        exported: tuple[Pair, Path, Path, str], cli: Cli, tmp_path: Path) -> None:
    _pair, a, b, _t = exported
    fingerprint = json.loads((a / "manifest.json").read_text())["organisation"]["fingerprint"]
    r = cli("verify", str(a), "--expect", fingerprint, TESTIMONY_PASSPHRASE="unused")
    assert r.code == 0, r.out + r.err
    assert "Authentic and complete" in r.out
    r = cli("verify", str(b), "--json", "--expect", fingerprint)
    assert r.code == 0 and json.loads(r.out)["ok"] is True
    copy = tmp_path / "tampered"
    shutil.copytree(a, copy)
    (copy / "records.csv").write_text("kind,id\n")
    r = cli("verify", str(copy))
    assert r.code == 1 and "records.csv was changed" in r.out
    other = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"
    r = cli("verify", str(a), "--expect", other)
    assert r.code == 1 and "not by the expected key" in r.out


def test_uwazi_package(exported: tuple[Pair, Path, Path, str], tmp_path: Path) -> None:
    import csv
    import io
    import zipfile

    pair, _a, _b, _t = exported
    target = tmp_path / "uwazi-export"
    redact.export(pair.coordinator, target, redact.Options(auditor="Auditor A", uwazi=True))
    assert verify.check(target).problems == []  # intact (no key given: signer unknown)
    with zipfile.ZipFile(target / "uwazi.zip") as archive:
        assert archive.namelist() == ["import.csv"]
        rows = list(csv.DictReader(io.StringIO(archive.read("import.csv").decode("utf-8"))))
    assert rows and {"title__en", "title__ar", "date", "date_range", "place__en", "place__ar",
                     "incident_type__en", "incident_type__ar",
                     "location_geolocation"} <= set(rows[0])
    assert all(r["title__en"] and r["title__ar"] for r in rows)
    assert all(r["date"] or ":" in r["date_range"] for r in rows)
    assert any(r["incident_type__ar"] == "اعتقال تعسفي" for r in rows)
    # Aleppo's coordinates (given to 10 km) leave on the city's grid only
    assert {r["location_geolocation"] for r in rows} <= {"", "36.2|37.1"}
    records = json.loads((target / "records.json").read_text())
    # what records.json withholds under a small figure, the package withholds too
    withheld = {i["id"] for i in records["incidents"] if "victims" not in i}
    assert withheld
    for r, incident in zip(rows, records["incidents"], strict=True):
        if incident["id"] in withheld:
            assert r["victim_pseudonyms"] == "" and r["victim_status__en"] == ""
    blob = (target / "uwazi.zip").read_bytes()
    assert not any(n in blob for name in PRIVATE for n in encodings(name))


def test_an_export_that_cannot_be_written_leaves_nothing(
        exported: tuple[Pair, Path, Path, str], tmp_path: Path) -> None:
    from testimony_app.core.common.errors import InputError

    pair, a, _b, _t = exported
    with pytest.raises(InputError) as existing:
        redact.export(pair.coordinator, a, redact.Options(auditor="Auditor A"))
    assert existing.value.code == "file_exists"
    leftover = tmp_path / ".export-c.stale.part"  # an earlier crash's partial folder
    leftover.mkdir()
    target = tmp_path / "export-c"
    redact.export(pair.coordinator, target, redact.Options(auditor="Auditor A"))
    assert verify.check(target).problems == []  # intact (no key given: signer unknown)
    with pytest.raises(InputError) as missing:
        redact.export(pair.coordinator, tmp_path / "no-such-folder" / "x",
                      redact.Options(auditor="Auditor A"))
    assert missing.value.code == "file_unreadable"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".export-c")) == [
        ".export-c.stale.part"]


def test_suppressed_figures_cannot_be_recomputed_from_any_file(
        exported: tuple[Pair, Path, Path, str], tmp_path: Path) -> None:
    from tests.security.disclosure_attack import hidden_cells, read_export, recover

    pair, a, b, _t = exported
    target = tmp_path / "threshold-10"
    redact.export(pair.coordinator, target,
                  redact.Options(auditor="Auditor A", threshold=10, uwazi=True))
    fingerprint = json.loads((target / "manifest.json").read_text())["organisation"]["fingerprint"]
    assert verify.verify(target, fingerprint)[0] == []
    for export in (a, b, target):
        files = read_export(export)
        assert hidden_cells(files)  # the demo data has small figures
        assert recover(files) == {}, export.name
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["threshold"] == manifest["policy"]["threshold"] == 10
    assert "&lt;10" in (target / "report.html").read_text()
    assert "&lt;5" not in (target / "report.html").read_text()
