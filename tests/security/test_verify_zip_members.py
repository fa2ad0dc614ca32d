"""A zip export whose members could be read one way by `testimony verify` and
extracted another way by an unzip tool is never called authentic: a name given
twice (exactly, up to case, or up to Unicode normalisation), a name with a NUL
byte, an absolute or `..` path, and anything that is not a regular file are each
named as a problem."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from testimony_app.core.audit import redact, verify
from tests.conftest import SEEDS
from tests.sync_fixtures import Pair


@pytest.fixture
def genuine(pair: Pair, tmp_path: Path) -> tuple[Path, str]:
    pair.coordinator.add_json(SEEDS.read_bytes())
    folder = tmp_path / "genuine"
    manifest = redact.export(pair.coordinator, folder, redact.Options(auditor="Auditor A"))
    return folder, manifest["organisation"]["fingerprint"]


def _zip(folder: Path, target: Path, first: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in first:
            archive.writestr(name, data)
        for path in sorted(folder.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    return target


def test_the_genuine_zip_is_authentic(genuine: tuple[Path, str], tmp_path: Path) -> None:
    folder, fingerprint = genuine
    assert verify.check(_zip(folder, tmp_path / "ok.zip", []), [fingerprint]).authentic


def test_a_forged_report_first_under_the_same_name_is_refused(
        genuine: tuple[Path, str], tmp_path: Path) -> None:
    folder, fingerprint = genuine
    forged = (folder / "report.html").read_text().replace(
        "<body", "<body><h1>FORGED: 4,000 victims in March</h1", 1).encode()
    with pytest.warns(UserWarning, match="Duplicate name"):  # zipfile writes it anyway
        target = _zip(folder, tmp_path / "dup.zip", [("report.html", forged)])
    verdict = verify.check(target, [fingerprint])
    assert not verdict.authentic
    assert any("report.html" in p and "more than once" in p for p in verdict.problems)
    _verdict, _manifest, _records = verify.inspect(target, [fingerprint])


@pytest.mark.parametrize("name", ["REPORT.html", "Report.HTML"])
def test_a_name_twice_up_to_case_is_refused(
        genuine: tuple[Path, str], tmp_path: Path, name: str) -> None:
    folder, fingerprint = genuine
    target = _zip(folder, tmp_path / "case.zip", [(name, b"<h1>forged</h1>")])
    verdict = verify.check(target, [fingerprint])
    assert not verdict.authentic and any("more than once" in p for p in verdict.problems)


def test_a_name_twice_up_to_normalisation_is_refused(
        genuine: tuple[Path, str], tmp_path: Path) -> None:
    folder, fingerprint = genuine
    target = tmp_path / "nfc.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("r\u00e9sum\u00e9.txt", b"one")  # composed
        archive.writestr("re\u0301sume\u0301.txt", b"two")  # decomposed
        for path in sorted(folder.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    verdict = verify.check(target, [fingerprint])
    assert not verdict.authentic and any("more than once" in p for p in verdict.problems)


def test_a_name_with_a_nul_byte_is_refused(tmp_path: Path) -> None:
    # zipfile cuts a name at a NUL on reading ("records.csv"); other tools may not.
    with zipfile.ZipFile(tmp_path / "nul-src.zip", "w") as archive:
        archive.writestr("records.csvXreport.html", b"x")
    raw = (tmp_path / "nul-src.zip").read_bytes().replace(b"records.csvX", b"records.csv\0")
    nul = tmp_path / "nul-only.zip"
    nul.write_bytes(raw)
    files, problems = verify._read(nul)  # noqa: SLF001 - the reader on its own
    assert files == {} and problems and "unexpected entry" in problems[0]


@pytest.mark.parametrize("name", ["/etc/report.html", "../report.html", "a/../report.html",
                                  "..", "\\report.html"])
def test_absolute_and_parent_paths_are_refused(
        genuine: tuple[Path, str], tmp_path: Path, name: str) -> None:
    folder, fingerprint = genuine
    target = _zip(folder, tmp_path / "path.zip", [(name, b"forged")])
    verdict = verify.check(target, [fingerprint])
    assert not verdict.authentic and any("unexpected entry" in p for p in verdict.problems)


def test_a_symlink_member_is_refused(genuine: tuple[Path, str], tmp_path: Path) -> None:
    folder, fingerprint = genuine
    target = tmp_path / "link.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.iterdir()):
            if path.name == "records.csv":
                info = zipfile.ZipInfo("records.csv")
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, path.read_bytes())  # its bytes, but a link to unzip
            else:
                archive.writestr(path.name, path.read_bytes())
    verdict = verify.check(target, [fingerprint])
    assert not verdict.authentic
    assert any("records.csv" in p and "not a regular file" in p for p in verdict.problems)
