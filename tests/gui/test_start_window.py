"""First run, unlock (right and wrong), recovery, and a responsive event loop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from testimony_app.gui.start_window import StartWindow, strength
from testimony_app.gui.worker import VaultWorker
from tests.conftest import PASSPHRASE, Template


def test_create_vault_shows_code_and_asks_two_groups_back(
        qtbot: QtBot, worker: VaultWorker, tmp_path: Path) -> None:
    folder = tmp_path / "new-vault"
    window = StartWindow(worker, folder, lambda _f: None)
    qtbot.addWidget(window)
    window.show()
    assert window.stack.currentWidget() is window.first_page
    window.stack.setCurrentWidget(window.create_page)
    window.create_folder.setText(str(folder))
    window.new_pass.setText("short")
    window.create_button.click()
    assert "at least 12" in window.create_page.message.text()
    window.new_pass.setText(PASSPHRASE)
    window.new_pass2.setText(PASSPHRASE + "x")
    window.create_button.click()
    assert "not the same" in window.create_page.message.text()
    window.new_pass2.setText(PASSPHRASE)

    # Two Argon2id derivations run on the worker: the GUI thread handles its events
    # meanwhile (how long its longest stall is, bench/gui.py measures).
    ticks_while_busy: list[bool] = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks_while_busy.append(not worker.idle))
    timer.start()
    window.create_button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.code_page, timeout=30_000)
    timer.stop()
    assert any(ticks_while_busy)

    code = window.code_label.text()
    groups = code.split("-")
    assert len(groups) == 8 and worker.session is not None
    window.check_a.setText("WRONG")
    window.check_b.setText("WRONG")
    window._confirm_code()
    assert "do not match" in window.code_page.message.text()
    a, b = window._asked
    window.check_a.setText(groups[a].lower())
    window.check_b.setText(groups[b])
    with qtbot.waitSignal(window.unlocked, timeout=5000):
        window._confirm_code()
    assert window.code_label.text() == ""


def test_unlock_wrong_then_right(qtbot: QtBot, worker: VaultWorker, vault_dir: Path) -> None:
    window = StartWindow(worker, vault_dir, lambda _f: None)
    qtbot.addWidget(window)
    assert window.stack.currentWidget() is window.unlock_page
    window.passphrase.setText("not the right passphrase")
    window._unlock()
    qtbot.waitUntil(lambda: "Wrong passphrase" in window.unlock_page.message.text(),
                    timeout=30_000)
    assert worker.session is None
    window.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=30_000):
        window._unlock()
    assert worker.session is not None
    assert window.passphrase.text() == ""


def test_recovery_code_path(
        qtbot: QtBot, worker: VaultWorker, vault_dir: Path, template: Template) -> None:
    window = StartWindow(worker, vault_dir, lambda _f: None)
    qtbot.addWidget(window)
    window.stack.setCurrentWidget(window.recover_page)
    window.recovery_code.setText(template.recovery_code)
    window.recover_pass.setText("a brand new passphrase")
    window.recover_pass2.setText("a brand new passphrase")
    progress: list[tuple[int, int]] = []
    window.recover_page.busy.valueChanged.connect(
        lambda v: progress.append((v, window.recover_page.busy.maximum())))
    with qtbot.waitSignal(window.unlocked, timeout=30_000):
        window._recover()
    assert worker.session is not None
    # The vault was re-encrypted under a new key, with a bar that reached its end.
    assert progress and progress[-1] == (1000, 1000)
    assert worker.session.data_key() != template.key


def test_strength_words() -> None:
    assert strength("short")[0] == 0
    assert strength("correct horse battery staple")[0] >= 3


def test_unlocking_a_vault_of_an_earlier_version_says_it_is_upgrading(
        qtbot: QtBot, worker: VaultWorker, tmp_path: Path) -> None:
    """The first unlock after an upgrade runs the migrations (minutes for a large
    archive): the page says so, step by step, rather than "Deriving the key"
    throughout, over the moving busy bar."""
    import shutil

    from tests.core.vault.test_stored_vaults import STORED, VERSIONS

    folder = tmp_path / "vault"
    shutil.copytree(STORED / VERSIONS[0] / "vault", folder)
    window = StartWindow(worker, folder, lambda _f: None)
    qtbot.addWidget(window)
    shown: list[tuple[str, bool, int]] = []
    page = window.unlock_page
    set_text = page.message.setText

    def showing(text: str) -> None:  # what the page says, with the bar as it then is
        set_text(text)
        shown.append((text, page.busy.isVisibleTo(page), page.busy.maximum()))

    page.message.setText = showing  # type: ignore[method-assign]
    window.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=60_000):
        window._unlock()
    upgrading = [s for s in shown if s[0].startswith("Upgrading this vault")]
    steps = len(upgrading) - 1
    assert steps >= 3, shown
    assert [text.split(":")[1].split(".")[0] for text, _v, _m in upgrading] == [
        f" step {min(n + 1, steps)} of {steps}" for n in range(steps + 1)]
    assert all(visible and maximum == 0 for _text, visible, maximum in upgrading)
    assert page.message.text() == ""
    assert worker.session is not None
