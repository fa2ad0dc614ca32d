"""Sync through real widgets: export, import with preview and trust, the Researchers
page, receipts and purge, between two real vaults and with real bundles."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from testimony_app.core.session import Session
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import org
from testimony_app.gui import fmt
from testimony_app.gui.sync.export_dialog import ExportDialog
from testimony_app.gui.sync.import_dialog import ImportDialog
from testimony_app.gui.sync.receipt_dialog import ReceiptDialog
from testimony_app.gui.sync.researchers_page import ResearchersPage
from testimony_app.gui.worker import VaultWorker
from tests.conftest import SEEDS, Cli
from tests.gui.conftest import item_text, wait_idle
from tests.sync_fixtures import Pair, PairTemplate, pair, pair_template  # noqa: F401

MIB = 1 << 20


@pytest.fixture
def workers(qtbot: QtBot, pair: Pair) -> Iterator[tuple[VaultWorker, VaultWorker]]:  # noqa: F811
    """(researcher's worker, coordinator's worker), each holding its vault."""
    rw, cw = VaultWorker(), VaultWorker()
    rw.set_session(pair.researcher)
    cw.set_session(pair.coordinator)
    yield rw, cw
    for w in (rw, cw):
        wait_idle(qtbot, w)
        w.set_session(None)
        w.stop()


def demo(session: Session, folder: Path, attachment_mib: int = 0) -> None:
    session.add_json(SEEDS.read_bytes())
    if attachment_mib:
        path = folder / "interview.bin"
        path.write_bytes(bytes(range(256)) * (attachment_mib * MIB // 256))
        session.attach(session.list_testimonies()[0].id, path)
        path.unlink()


class Ticks:
    """A timer ticking every 10 ms on the GUI thread, counting the ticks it handled while
    the worker was busy (how long the longest stall is, bench/gui.py measures)."""

    def __init__(self, worker: VaultWorker) -> None:
        self.while_busy = 0
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(lambda: self._tick(worker))

    def _tick(self, worker: VaultWorker) -> None:
        self.while_busy += not worker.idle

    def __enter__(self) -> Ticks:
        gc.collect()  # start clean: a full collection of pytest's objects is not the app's
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()


def export_dialog(qtbot: QtBot, worker: VaultWorker) -> ExportDialog:
    dialog = ExportDialog(worker)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20_000)
    return dialog


def test_export_through_the_dialog_with_progress(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    rw, _cw = workers
    demo(pair.researcher, pair.folder, attachment_mib=12)
    dialog = export_dialog(qtbot, rw)
    text = dialog.summary.text()
    assert "Bundle 1 for \u2068Test Organisation\u2069" in text and "Testimonies: 8" in text
    assert "1 attachment, 12" in text
    assert not dialog.export_button.isEnabled()  # no file chosen yet
    target = pair.folder / "usb" / "bundle-1.age"
    target.parent.mkdir()
    dialog.set_target(target)
    assert dialog.export_button.isEnabled()
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        dialog.export_button.click()
        assert dialog.cancel_button.isVisibleTo(dialog)
    result = blocker.args[0]
    assert target.exists() and result.path == target and result.sequence == 1
    assert any(0 < v < 1000 for v in seen) and seen[-1] == 1000
    assert str(target) in dialog.status.text() and "Bundle 1 written" in dialog.status.text()
    qtbot.waitUntil(lambda: dialog.plan is not None and dialog.plan.empty, timeout=20_000)
    assert "Nothing new or changed since bundle 1" in dialog.summary.text()
    dialog.everything.setChecked(True)
    qtbot.waitUntil(lambda: dialog.plan is not None and not dialog.plan.empty, timeout=20_000)
    assert "Bundle 2" in dialog.summary.text()


def test_cancel_leaves_no_file_and_marks_nothing_sent(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    rw, _cw = workers
    demo(pair.researcher, pair.folder, attachment_mib=12)
    dialog = export_dialog(qtbot, rw)
    target = pair.folder / "out" / "bundle.age"
    target.parent.mkdir()
    dialog.set_target(target)
    job = dialog.start_export()
    assert job is not None
    dialog.cancel()  # checked at the next 4 MiB of the stream
    qtbot.waitUntil(lambda: dialog.job is None, timeout=60_000)
    assert "Cancelled" in dialog.status.text()
    assert list(target.parent.iterdir()) == []  # no bundle, no partial file
    wait_idle(qtbot, rw)
    assert bundle.plan(pair.researcher).sequence == 1  # nothing was marked as sent
    dialog.reject()
    assert not dialog.isVisible()


def test_export_refuses_a_vault_not_enrolled(
        qtbot: QtBot, worker: VaultWorker, session: Session) -> None:
    worker.set_session(session)
    dialog = ExportDialog(worker)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "does not belong to an organisation" in dialog.summary.text(),
                    timeout=20_000)
    assert not dialog.export_button.isEnabled() and not dialog.choose_button.isEnabled()
    wait_idle(qtbot, worker)
    worker.set_session(None)


def test_import_preview_untrusted_trust_then_import_as_the_cli_does(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair,  # noqa: F811
        pair_template: PairTemplate, cli: Cli) -> None:  # noqa: F811
    rw, cw = workers
    demo(pair.researcher, pair.folder, attachment_mib=1)
    exported = bundle.export(pair.researcher, pair.folder / "bundle-1.age")
    org.untrust(pair.coordinator.conn, pair.fingerprint, "test")
    before = len(pair.coordinator.activity())

    dialog = ImportDialog(cw)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_files([exported.path])
    item = dialog.items[0]
    qtbot.waitUntil(lambda: item.preview is not None, timeout=60_000)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=10_000)
    assert item_text(dialog.table, 0, 8) == "Sender not trusted"
    assert dialog.fingerprint.text() == pair.fingerprint
    assert dialog.words.text() == org.fingerprint_words(pair.fingerprint)
    assert dialog.trust_button.isVisibleTo(dialog) and not dialog.import_button.isEnabled()
    assert "does not trust" in dialog.signer.text()
    assert f"If imported: {exported.records} new" in dialog.details.text()
    assert len(pair.coordinator.activity()) == before  # the preview changed nothing

    trust = dialog.open_trust()
    assert trust is not None and trust.fingerprint.text() == pair.fingerprint
    assert not trust.ok.isEnabled()
    trust.name.setText("Researcher One")
    with qtbot.waitSignal(trust.trusted, timeout=20_000):
        trust.ok.click()
    qtbot.waitUntil(lambda: item.preview is not None and item.preview.trusted
                    and dialog.job is None, timeout=60_000)
    assert item_text(dialog.table, 0, 8) == "Ready to import"
    assert item_text(dialog.table, 0, 1) == "Researcher One"
    assert dialog.import_button.isEnabled() and not dialog.trust_button.isVisibleTo(dialog)
    assert item.preview is not None
    preview = item.preview.result

    with qtbot.waitSignal(dialog.imported, timeout=60_000):
        dialog.import_button.click()
    result = item.result
    assert result is not None and not result.already_imported
    assert item_text(dialog.table, 0, 8) == "Imported"
    receipt_path = receipt.default_path(exported.path, 1)
    assert item.receipt == receipt_path and receipt_path.exists()
    assert str(receipt_path) in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    for name in ("added", "updated", "unchanged", "conflicting", "attachments_added"):
        assert getattr(preview, name) == getattr(result, name)

    # the command line, on a copy of the same coordinator vault, gives the same counts
    copy = pair.folder / "cli-coordinator"
    shutil.copytree(pair_template.coordinator, copy)
    r = cli("import-bundle", str(exported.path), "--vault", str(copy), "--json", "--no-receipt")
    assert r.code == 0, r.err
    by_cli = json.loads(r.out)[0]
    for name in ("added", "updated", "unchanged", "conflicting", "attachments_added",
                 "missing_sequences"):
        assert sorted(by_cli[name]) == sorted(getattr(result, name)), name

    # the same file again: already imported, nothing to do
    dialog.set_files([exported.path])
    qtbot.waitUntil(lambda: dialog.items[0].preview is not None and dialog.job is None,
                    timeout=60_000)
    assert item_text(dialog.table, 0, 8) == "Already imported"
    assert not dialog.import_button.isEnabled()


def test_import_refuses_a_damaged_bundle_inline(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    _rw, cw = workers
    demo(pair.researcher, pair.folder)
    exported = bundle.export(pair.researcher, pair.folder / "b.age")
    data = bytearray(exported.path.read_bytes())
    data[len(data) // 2] ^= 1
    bad = pair.folder / "bad.age"
    bad.write_bytes(bytes(data))
    dialog = ImportDialog(cw)
    qtbot.addWidget(dialog)
    dialog.set_files([bad, exported.path])
    qtbot.waitUntil(lambda: all(i.preview or i.error for i in dialog.items)
                    and dialog.job is None, timeout=60_000)
    assert item_text(dialog.table, 0, 8) == "Refused"
    assert item_text(dialog.table, 1, 8) == "Ready to import"
    dialog.table.selectRow(0)
    assert "nothing was imported" in dialog.details.text()
    with qtbot.waitSignal(dialog.imported, timeout=60_000):
        dialog.import_button.click()
    assert dialog.items[1].result is not None and dialog.items[0].result is None


def test_researchers_page_lists_the_trusted_researcher(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    rw, cw = workers
    demo(pair.researcher, pair.folder)
    bundle.export(pair.researcher, pair.folder / "1.age")
    testimony = pair.researcher.list_testimonies()[0].id
    doc = pair.researcher.show(testimony)
    doc.pop("meta")
    doc["testimonies"][0]["title"] = "a second version"
    pair.researcher.add_document(doc)
    second = bundle.export(pair.researcher, pair.folder / "2.age")
    with pytest.raises(bundle.Refused):  # bundle 2 alone refers to records of bundle 1
        bundle.import_bundle(pair.coordinator, second.path)
    bundle.import_bundle(pair.coordinator, pair.folder / "1.age")
    doc["testimonies"][0]["title"] = "a third version"
    pair.researcher.add_document(doc)
    bundle.import_bundle(pair.coordinator,
                         bundle.export(pair.researcher, pair.folder / "3.age").path)

    page = ResearchersPage(cw)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=20_000)
    cells = [item_text(page.table, 0, c) for c in range(4)]
    # by name, the bundle by number and date; the key only in the details
    made = pair.coordinator.conn.execute(
        "SELECT created_at FROM received_bundles WHERE sequence = 3").fetchone()[0]
    assert cells == ["Researcher One", "yes", f"bundle 3, \u2068{fmt.day_of(made)}\u2069", "2"]
    assert pair.fingerprint not in " ".join(cells)
    assert not page.details.isVisible()
    page.table.selectRow(0)
    assert page.details.text() == (f"Fingerprint: {pair.fingerprint}\n"
                                   f"Read aloud: {org.fingerprint_words(pair.fingerprint)}")
    page.details.toggle.click()
    page.details.copy_button.click()
    assert QGuiApplication.clipboard().text() == page.details.text()
    assert page.my_fingerprint.text() == org.whoami(pair.coordinator.conn).fingerprint
    assert "coordinator" in page.organisation.text()
    page.table.selectRow(0)
    assert page.untrust_button.isEnabled()
    page.untrust_button.click()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1
                    and item_text(page.table, 0, 1) == "no", timeout=20_000)
    assert "No longer trusted" in page.message.text()
    page.table.selectRow(0)
    trust = page.open_trust()
    assert trust.fingerprint.text() == pair.fingerprint
    trust.name.setText("Researcher One (field team)")
    with qtbot.waitSignal(trust.trusted, timeout=20_000):
        trust.submit()
    qtbot.waitUntil(lambda: page.table.item(0, 1) is not None
                    and item_text(page.table, 0, 1) == "yes", timeout=20_000)
    assert item_text(page.table, 0, 0) == "Researcher One (field team)"

    # the researcher's own page: who am I, no list of people
    mine = ResearchersPage(rw)
    qtbot.addWidget(mine)
    mine.show()
    mine.reload()
    qtbot.waitUntil(lambda: mine.my_fingerprint.text() == pair.fingerprint, timeout=20_000)
    assert mine.my_words.text() == org.fingerprint_words(pair.fingerprint)
    assert not mine.people_box.isVisible()


def test_the_coordinator_sets_whole_testimony_sealing_on_the_researchers_page(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    rw, cw = workers
    page = ResearchersPage(cw)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.seal_whole.isVisible(), timeout=20_000)
    assert page.seal_whole.isEnabled() and not page.seal_whole.isChecked()
    page.seal_whole.click()
    qtbot.waitUntil(lambda: "Whole testimonies will be sealed" in page.message.text(),
                    timeout=20_000)
    wait_idle(qtbot, cw)
    settings = org.organisation(pair.coordinator.conn).settings  # type: ignore[union-attr]
    assert settings["seal_whole_testimony"] is True
    # the researcher sees the organisation's setting but cannot change it
    mine = ResearchersPage(rw)
    qtbot.addWidget(mine)
    mine.show()
    mine.reload()
    qtbot.waitUntil(lambda: mine.seal_whole.isVisible(), timeout=20_000)
    assert not mine.seal_whole.isEnabled()
    page.clear()
    assert not page.seal_whole.isVisible()


def test_receipt_accept_then_purge_with_confirmation(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    rw, _cw = workers
    demo(pair.researcher, pair.folder, attachment_mib=1)
    exported = bundle.export(pair.researcher, pair.folder / "1.age")
    bundle.import_bundle(pair.coordinator, exported.path)
    path = receipt.default_path(exported.path, 1)
    receipt.write(pair.coordinator, exported.bundle_id, path)

    dialog = ReceiptDialog(rw)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept_receipt(path)
    qtbot.waitUntil(lambda: dialog.purge_button.isVisible(), timeout=20_000)
    text = dialog.outcome.text()
    assert f"bundle 1, with {exported.records} records and 1 attachment." in text
    assert f"{exported.records} records arrived safely" in text
    dialog.purge_button.click()
    assert dialog.confirm_box.isVisible() and not dialog.confirm_button.isEnabled()
    assert dialog.purge() is None  # not without the tick
    dialog.confirm_check.setChecked(True)
    with qtbot.waitSignal(dialog.purged, timeout=30_000) as blocker:
        dialog.confirm_button.click()
    assert blocker.args[0].records == exported.records
    assert "Removed" in dialog.outcome.text() and not dialog.confirm_box.isVisible()
    wait_idle(qtbot, rw)
    assert pair.researcher.list_testimonies() == []

    # a damaged receipt is refused inline
    bad = pair.folder / "bad.receipt"
    data = bytearray(path.read_bytes())
    data[-3] ^= 1
    bad.write_bytes(bytes(data))
    dialog.accept_receipt(bad)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20_000)
    assert "receipt" in dialog.outcome.text() and not dialog.purge_button.isVisible()


def test_window_stays_responsive_during_export_and_import(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    rw, cw = workers
    demo(pair.researcher, pair.folder, attachment_mib=48)
    dialog = export_dialog(qtbot, rw)
    dialog.set_target(pair.folder / "big.age")
    with Ticks(rw) as export_ticks, qtbot.waitSignal(dialog.exported, timeout=120_000):
        dialog.start_export()
    importer = ImportDialog(cw)
    qtbot.addWidget(importer)
    importer.show()
    with Ticks(cw) as import_ticks:
        importer.set_files([pair.folder / "big.age"])
        qtbot.waitUntil(lambda: importer.items[0].preview is not None
                        and importer.job is None, timeout=120_000)
        with qtbot.waitSignal(importer.imported, timeout=120_000):
            importer.start_import()
    assert importer.items[0].result is not None
    assert len(importer.items[0].result.attachments_added) == 1
    # The GUI thread kept turning its event loop while both ran on the worker; how
    # long its longest stall was is measured by bench/gui.py (responsiveness), not here.
    assert export_ticks.while_busy > 0 and import_ticks.while_busy > 0


def test_main_window_has_the_sync_menu_and_researchers_page(
        qtbot: QtBot, workers: tuple[VaultWorker, VaultWorker], pair: Pair) -> None:  # noqa: F811
    from testimony_app.gui.main_window import PAGES, MainWindow

    rw, _cw = workers
    window = MainWindow(rw, "vault")
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, rw)
    sync = window.sync
    assert "Sync" in [a.text() for a in window.menuBar().actions()]
    window.nav.setCurrentRow(PAGES.index("researchers"))
    assert window.stack.currentWidget() is sync.page
    qtbot.waitUntil(lambda: sync.page.my_fingerprint.text() == pair.fingerprint, timeout=20_000)
    window.new_testimony()
    assert window.stack.currentWidget() is window.editor
    sync.export_action.trigger()
    assert isinstance(sync.dialog, ExportDialog) and sync.dialog.isVisible()
    sync.receipt_action.trigger()
    assert isinstance(sync.dialog, ReceiptDialog)
    sync.import_action.trigger()
    assert isinstance(sync.dialog, ImportDialog)
    wait_idle(qtbot, rw)
    window.clear()
    assert not sync.dialog.isVisible() and sync.page.my_fingerprint.text() == ""
