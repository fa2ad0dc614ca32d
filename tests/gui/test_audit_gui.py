"""Exports for auditors through real widgets: review and approve narratives, export,
the auditor's window verifying good and tampered exports, the --open-export start,
and possible duplicates on the People page. Real vaults (the coordinator/researcher
pair), real exports, no mocks."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from testimony_app.core.audit import redact, verify
from testimony_app.core.common.ids import RecordId
from testimony_app.core.identity import seal
from testimony_app.core.session import Session
from testimony_app.core.sync import bundle
from testimony_app.core.vault import org
from testimony_app.gui.app import open_export_window
from testimony_app.gui.audit.auditor_window import AuditorWindow
from testimony_app.gui.audit.export_dialog import AuditExportDialog
from testimony_app.gui.list_page import ListPage
from testimony_app.gui.start_window import StartWindow
from testimony_app.gui.worker import VaultWorker
from tests.conftest import SEEDS
from tests.gui.conftest import item_text, wait_idle
from tests.sync_fixtures import Pair, PairTemplate, pair, pair_template  # noqa: F401

APPROVED = "26365c27"  # publish_named, finalised
WITHHELD = "df7cdfe3"  # publish_anonymised, finalised


@pytest.fixture
def coordinator(qtbot: QtBot, pair: Pair) -> Iterator[VaultWorker]:  # noqa: F811
    """The coordinator's worker, its vault holding the demo data imported from a bundle."""
    pair.researcher.add_json(SEEDS.read_bytes())
    sent = pair.folder / "bundle.age"
    bundle.export(pair.researcher, sent)
    bundle.import_bundle(pair.coordinator, sent)
    worker = VaultWorker()
    worker.set_session(pair.coordinator)
    yield worker
    wait_idle(qtbot, worker)
    worker.set_session(None)
    worker.stop()


def full_id(session: Session, prefix: str) -> str:
    return session.resolve(prefix)


def open_dialog(qtbot: QtBot, worker: VaultWorker, auditor: str = "Auditor A") -> AuditExportDialog:
    dialog = AuditExportDialog(worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.coordinator is not None, timeout=20_000)
    dialog.set_auditor(auditor)
    qtbot.waitUntil(lambda: bool(dialog.review.rows) and not dialog.review.loading,
                    timeout=20_000)
    return dialog


def select(qtbot: QtBot, dialog: AuditExportDialog, testimony_id: str) -> None:
    ids: list[str] = [r["id"] for r in dialog.review.rows]
    dialog.review.list.setCurrentRow(ids.index(testimony_id))
    qtbot.waitUntil(lambda: dialog.review.previewed == testimony_id, timeout=20_000)


def test_approve_one_withhold_another_and_export(
        qtbot: QtBot, coordinator: VaultWorker, pair: Pair) -> None:  # noqa: F811
    approved, withheld = (full_id(pair.coordinator, p) for p in (APPROVED, WITHHELD))
    dialog = open_dialog(qtbot, coordinator)
    assert len(dialog.review.rows) == 5  # finalised and shareable: not internal, not drafts
    assert not dialog.export_button.isEnabled()  # nowhere to write yet

    select(qtbot, dialog, approved)
    shown = dialog.review.preview_text("en")
    assert shown and shown == redact.preview(pair.coordinator.conn, RecordId(approved),
                                             "Auditor A")["en"]
    assert dialog.review.approve_button.isEnabled()
    dialog.review.approve_button.click()
    qtbot.waitUntil(lambda: any(r["id"] == approved and r["approved"]
                                for r in dialog.review.rows) and not dialog.review.loading,
                    timeout=20_000)
    assert "1 of 5 narratives approved" in dialog.review.summary.text()

    select(qtbot, dialog, withheld)
    dialog.review.withhold_button.click()
    qtbot.waitUntil(lambda: not dialog.review.loading and dialog.review.previewed == withheld,
                    timeout=20_000)
    assert "withheld" in dialog.review.list.currentItem().text()
    assert not dialog.review.withhold_button.isEnabled()

    target = pair.folder / "export-a"
    dialog.threshold.setValue(3)  # honoured in the figures, the records and the report
    dialog.set_target(target)
    assert dialog.export_button.isEnabled()
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        dialog.export_button.click()
        assert dialog.busy.isVisibleTo(dialog)
    manifest = blocker.args[0]
    records = json.loads((target / "records.json").read_text())
    testimonies = {t["id"]: t for t in records["testimonies"]}
    assert testimonies[approved]["narrative"]["en"] == shown  # the redacted narrative
    assert "narrative" not in testimonies[withheld]
    assert manifest["threshold"] == manifest["policy"]["threshold"] == 3
    assert "&lt;3" in (target / "report.html").read_text()
    fingerprint = json.loads((target / "manifest.json").read_text())["organisation"]["fingerprint"]
    assert verify.verify(target, fingerprint)[0] == []
    assert manifest["redaction_log"]["narrative withheld (not reviewed)"] == 4
    assert dialog.result_box.isVisibleTo(dialog)
    assert "narrative withheld (not reviewed): 4" in dialog.log.toPlainText()
    fingerprint = manifest["organisation"]["fingerprint"]
    assert dialog.command.text() == f"testimony verify {target} --expect {fingerprint}"
    assert not dialog.busy.isVisibleTo(dialog)


def test_withholding_an_approved_narrative_takes_the_approval_back(
        qtbot: QtBot, coordinator: VaultWorker,
                                                                    pair: Pair) -> None:  # noqa: F811
    approved = full_id(pair.coordinator, APPROVED)
    redact.approve(pair.coordinator.conn, RecordId(approved), "test", "Auditor A")
    dialog = open_dialog(qtbot, coordinator)
    select(qtbot, dialog, approved)
    assert "approved" in dialog.review.state.text()
    dialog.review.withhold_button.click()
    qtbot.waitUntil(lambda: not dialog.review.loading and not any(
        r["approved"] for r in dialog.review.rows), timeout=20_000)
    assert "withheld" in dialog.review.list.currentItem().text()
    assert dialog.review.approve_button.isEnabled()  # it can be approved again


def test_a_researchers_vault_is_told_inline(qtbot: QtBot, pair: Pair) -> None:  # noqa: F811
    worker = VaultWorker()
    worker.set_session(pair.researcher)
    try:
        dialog = AuditExportDialog(worker)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.coordinator is False, timeout=20_000)
        assert dialog.notice.isVisible() and "not a coordinator's" in dialog.notice.text()
        assert not dialog.export_button.isEnabled() and not dialog.scope.isEnabled()
    finally:
        wait_idle(qtbot, worker)
        worker.set_session(None)
        worker.stop()


@pytest.fixture
def export(coordinator: VaultWorker, pair: Pair) -> tuple[Path, str]:  # noqa: F811
    approved = full_id(pair.coordinator, APPROVED)
    redact.approve(pair.coordinator.conn, RecordId(approved), "test", "Auditor A")
    target = pair.folder / "export-good"
    manifest = redact.export(pair.coordinator, target, redact.Options(auditor="Auditor A"))
    return target, manifest["organisation"]["fingerprint"]


def check(qtbot: QtBot, window: AuditorWindow, path: Path, expect: str | None = None) -> bool:
    with qtbot.waitSignal(window.checked, timeout=20_000) as blocker:
        window.open_export(path, expect)
    return bool(blocker.args[0])


def test_auditor_sees_green_for_a_good_export(qtbot: QtBot, export: tuple[Path, str]) -> None:
    path, fingerprint = export
    window = AuditorWindow()
    qtbot.addWidget(window)
    window.show()
    assert check(qtbot, window, path, fingerprint)
    assert window.banner.headline.text() == (
        f"Authentic and complete — signed by \u2068Test Organisation\u2069 "
        f"(\u2068{fingerprint}\u2069)")
    manifest = json.loads((path / "manifest.json").read_text())
    records = json.loads((path / "records.json").read_text())
    browser = window.browser
    assert browser.figures.rowCount() == len(manifest["figures"])
    cells = [item_text(browser.figures, r, c) for r in range(browser.figures.rowCount())
             for c in range(3, 6)]
    if any(f[k] is None for f in manifest["figures"] for k in ("victims", "women")):
        assert "<5" in cells
    assert any("1,897" in c for c in cells)  # SNHR's December arrests, as published
    # every published figure on its own row, with its qualifier and place; spans marked
    rows = [[item_text(browser.figures, r, c) for c in range(browser.figures.columnCount())]
            for r in range(browser.figures.rowCount())]
    # Signs sit with their number in a left-to-right isolate (they must never mirror).
    shown = [[r[3].strip("\u2066\u2069"), r[7]] for r in rows]
    assert ["≥500", "East Aleppo"] in shown
    assert ["~29", "West Aleppo"] in shown
    assert any(r[0] == "2016-11 to 2016-12 (spans months)" and r[2] == "documented"
               and r[9].startswith("computed here") for r in rows)
    assert browser.persons.rowCount() == len(records["persons"])
    assert browser.incidents.rowCount() == len(records["incidents"])
    assert browser.testimony_table.rowCount() == len(records["testimonies"])
    with_text = next(i for i, t in enumerate(records["testimonies"]) if "narrative" in t)
    browser.testimony_table.setCurrentCell(with_text, 0)
    assert records["testimonies"][with_text]["narrative"]["en"] in browser.narrative.toPlainText()
    log = [item_text(browser.log, r, 0) for r in range(browser.log.rowCount())]
    assert "narrative withheld (not reviewed)" in log
    # a wrong expected fingerprint turns it red
    window.expect.setText("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    with qtbot.waitSignal(window.checked, timeout=20_000) as blocker:
        window.recheck_button.click()
    assert blocker.args[0] is False
    assert "not by the expected key" in window.banner.headline.text()


def test_auditor_sees_red_after_one_byte_changed(
        qtbot: QtBot, export: tuple[Path, str], tmp_path: Path) -> None:
    path, fingerprint = export
    copy = tmp_path / "tampered"
    shutil.copytree(path, copy)
    data = bytearray((copy / "records.json").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "records.json").write_bytes(bytes(data))
    window = AuditorWindow()
    qtbot.addWidget(window)
    window.show()
    assert not check(qtbot, window, copy, fingerprint)
    assert window.banner.headline.text().startswith("NOT authentic: ")
    assert "records.json was changed" in window.banner.headline.text()
    assert "records.json was changed" in window.banner.details.text()
    assert "#b00020" in window.banner.styleSheet()
    for index in range(window.browser.count()):  # still browsable, the verdict in view
        window.browser.setCurrentIndex(index)
        assert window.banner.isVisible()
    assert window.browser.figures.rowCount() > 0


def test_a_reSigned_export_is_not_green_without_an_expected_key(
        qtbot: QtBot, export: tuple[Path, str], tmp_path: Path) -> None:
    from tests.security.test_verify_forgery import forge

    path, fingerprint = export
    fake = forge(path, tmp_path / "forged")
    window = AuditorWindow()
    qtbot.addWidget(window)
    window.show()
    assert not check(qtbot, window, tmp_path / "forged")
    assert window.banner.headline.text() == \
        f"NOT verified: signed by an unknown key (\u2068{fake}\u2069)"  # isolated
    assert "Expected fingerprint" in window.banner.details.text()
    assert "#2e7d32" not in window.banner.styleSheet() and window.ok is False
    window.expect.setText(fingerprint)  # the organisation's, as the auditor was told it
    with qtbot.waitSignal(window.checked, timeout=20_000) as blocker:
        window.recheck_button.click()
    assert blocker.args[0] is False and "not by the expected key" in window.banner.headline.text()
    assert not check(qtbot, window, path, "")  # the genuine one, no key given: not green
    assert window.banner.headline.text().startswith("NOT verified")
    assert check(qtbot, window, path, fingerprint)


def test_open_export_starts_the_auditor_window_without_a_vault(
        qtbot: QtBot, qapp: QApplication, export: tuple[Path, str]) -> None:
    path, fingerprint = export
    zipped = path.parent / "copy.zip"
    shutil.make_archive(str(zipped.with_suffix("")), "zip", path)
    window = open_export_window(qapp, "en", zipped, fingerprint)
    qtbot.addWidget(window)
    assert window.isVisible()
    qtbot.waitUntil(lambda: window.ok is not None, timeout=20_000)
    assert window.ok is True and window.expect.text() == fingerprint


def test_the_start_window_offers_to_open_an_export(
        qtbot: QtBot, worker: VaultWorker, tmp_path: Path) -> None:
    start = StartWindow(worker, tmp_path / "none", lambda _f: None)
    qtbot.addWidget(start)
    buttons = [b for b in start.first_page.findChildren(QPushButton)
               if b.text() == "Open an export to check it…"]
    with qtbot.waitSignal(start.open_export_requested, timeout=5_000):
        buttons[0].click()


def test_people_page_shows_possible_duplicates(qtbot: QtBot, pair: Pair) -> None:  # noqa: F811
    session = pair.coordinator
    key = org.matching_key(session.conn)
    one, two, other = (str(uuid.uuid4()) for _ in range(3))
    persons = [
        {"id": one, "sex": "male", "match_keys": seal.match_keys(
            key, {"name": {"en": "Mohammad Abo al-Ward"}})},  # researcher one's spelling
        {"id": two, "sex": "male", "match_keys": seal.match_keys(
            key, {"name": {"en": "Muhammad Abu Al Ward", "ar": "محمد أبو الورد"}})},
        {"id": other, "sex": "female", "match_keys": seal.match_keys(
            key, {"name": {"en": "Ali Amouri"}})}]
    session.add_document({"format": "testimony/1", "persons": persons})
    codes = {p["id"]: p["code"] for p in session.people()}
    worker = VaultWorker()
    worker.set_session(session)
    try:
        page = ListPage(worker, "person")
        qtbot.addWidget(page)
        page.apply_filter()
        qtbot.waitUntil(lambda: page.model.count == 3, timeout=20_000)
        column = [k for k, _h in page.model._columns].index("duplicates")
        assert page.model.headerData(column, __import__("PySide6.QtCore").QtCore.Qt
                                     .Orientation.Horizontal) == "Possible duplicates"
        page.model.row(0)
        qtbot.waitUntil(lambda: page.model.row(0) is not None, timeout=20_000)
        shown = {(page.model.row(r) or {})["code"]: page.model.data(page.model.index(r, column))
                 for r in range(3)}
        assert shown[codes[one]] == codes[two]
        assert shown[codes[two]] == codes[one]
        assert shown[codes[other]] == ""
    finally:
        wait_idle(qtbot, worker)
        worker.set_session(None)
        worker.stop()


def test_a_trusted_key_declaring_another_organisation_is_not_green(
        qtbot: QtBot, export: tuple[Path, str], tmp_path: Path) -> None:
    """Signed with a key the auditor trusts, but declaring the name and fingerprint
    of another organisation: red, and the key that signed is the one named."""
    from tests.security.test_verify_forgery import forge_in_the_name_of

    path, fingerprint = export
    signer = forge_in_the_name_of(path, tmp_path / "in-a-name", "Test Organisation",
                                  fingerprint)
    window = AuditorWindow()
    qtbot.addWidget(window)
    window.show()
    assert not check(qtbot, window, tmp_path / "in-a-name", signer)
    headline = window.banner.headline.text()
    assert headline.startswith("NOT authentic: ") and signer in headline
    assert "Authentic and complete" not in headline and "#2e7d32" not in window.banner.styleSheet()
