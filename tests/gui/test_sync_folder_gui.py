"""The sync folder in the window: the watch exports on start, the coordinator's
watch imports what arrives, the researcher's notices the receipt by itself (file
system watcher) and offers the purge; the settings dialog sets the folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from testimony_app.core.vault import org
from testimony_app.gui.sync.sync_folder_dialog import SyncFolderDialog
from testimony_app.gui.sync.sync_folder_watch import SyncFolderWatch
from testimony_app.gui.worker import VaultWorker
from tests.conftest import SEEDS
from tests.gui.conftest import idle_session, wait_idle
from tests.gui.test_sync_gui import workers  # noqa: F401
from tests.sync_fixtures import Pair, pair, pair_template  # noqa: F401


def test_watches_carry_a_bundle_and_its_receipt(  # type: ignore[no-untyped-def]
        qtbot, pair: Pair, workers: tuple[VaultWorker, VaultWorker]) -> None:  # noqa: F811
    rw, cw = workers
    root = pair.folder / "synced"
    root.mkdir()
    pair.researcher.add_json(SEEDS.read_bytes())
    pair.researcher.set_sync_folder(root)
    pair.coordinator.set_sync_folder(root)
    outbox = root / org.whoami(pair.researcher.conn).device_id / "outbox"
    parent = QWidget()
    qtbot.addWidget(parent)
    researcher, coordinator = SyncFolderWatch(rw, parent), SyncFolderWatch(cw, parent)
    messages: list[str] = []
    researcher.message.connect(messages.append)
    researcher.start()
    qtbot.waitUntil(lambda: (outbox / "bundle-000001.age").exists(), timeout=30_000)
    # The message follows the rename, when the pass's result reaches the window.
    qtbot.waitUntil(lambda: any("bundle 1 is in the outbox" in m for m in messages),
                    timeout=30_000)
    coordinator.start()
    inbox = outbox.parent / "inbox"
    qtbot.waitUntil(lambda: (inbox / "bundle-000001.receipt.age").exists(), timeout=30_000)
    # the researcher's watcher sees the receipt arrive and offers the purge
    qtbot.waitUntil(lambda: researcher.question is not None, timeout=30_000)
    with qtbot.waitSignal(researcher.purged, timeout=30_000) as purged:
        button = researcher.question.button(QMessageBox.StandardButton.Yes)
        button.click()
    assert purged.args[0].records > 0
    session = idle_session(qtbot, rw)
    assert session.counts().get("testimony", 0) == 0
    researcher.before_lock()
    coordinator.before_lock()
    wait_idle(qtbot, rw)
    wait_idle(qtbot, cw)


def test_dialog_sets_the_folder(  # type: ignore[no-untyped-def]
        qtbot, pair: Pair, workers: tuple[VaultWorker, VaultWorker], tmp_path: Path) -> None:  # noqa: F811
    rw, _cw = workers
    dialog = SyncFolderDialog(rw)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, rw)
    assert dialog.path_edit.text() == "" and not dialog.syncthing_button.isEnabled()
    assert dialog.device in dialog.steps.text()
    (tmp_path / "s").mkdir()
    with qtbot.waitSignal(dialog.changed, timeout=20_000):
        dialog.set_folder(tmp_path / "s")
    wait_idle(qtbot, rw)
    assert dialog.path_edit.text() == str(tmp_path / "s")
    assert dialog.syncthing_button.isEnabled()
    dialog.set_folder(tmp_path / "missing")
    wait_idle(qtbot, rw)
    assert "not a folder" in dialog.outcome.text()
    # no Syncthing configuration in this test's home: the steps, nothing contacted
    dialog.ask_consent()
    assert "not found" in dialog.outcome.text()
