"""Lock when the computer sleeps or the screen locks. The D-Bus connections call the
watcher's slots by their signatures (`on_sleep(bool)`, `on_screensaver(bool)`); the
tests call them the same way, through Qt's meta-object system, then unlock: the
editor is back with the unsaved text restored from the draft saved at the lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Q_ARG, QMetaObject, Qt

from testimony_app.core.session import Session
from testimony_app.gui.app import Controller
from testimony_app.gui.sleep_watch import SleepWatch
from tests.conftest import PASSPHRASE
from tests.gui.conftest import wait_idle
from tests.gui.test_controller import make_controller, unlock
from tests.gui.test_main_window import commit_text

NARRATIVE = "They gathered the men at the checkpoint before dawn."


def deliver(watch: SleepWatch, slot: str, value: bool) -> None:
    """What a D-Bus signal connected to SLOT("<slot>(bool)") does on arrival."""
    assert QMetaObject.invokeMethod(watch, slot, Qt.ConnectionType.DirectConnection,
                                    Q_ARG(bool, value))


def test_the_watcher_says_going_away_only_when_it_is(qtbot) -> None:  # type: ignore[no-untyped-def]
    watch = SleepWatch()
    seen: list[bool] = []
    watch.going_away.connect(lambda: seen.append(True))
    deliver(watch, "on_sleep", False)  # waking up
    deliver(watch, "on_screensaver", False)  # the screen unlocked
    assert seen == []
    deliver(watch, "on_sleep", True)
    deliver(watch, "on_screensaver", True)
    assert seen == [True, True]


@pytest.mark.parametrize("slot", ["on_sleep", "on_screensaver"])
def test_sleep_locks_with_a_draft_and_unlock_restores_it(qtbot, qapp, vault_dir: Path,  # type: ignore[no-untyped-def]
                                                         slot: str) -> None:
    controller: Controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        main.new_testimony()
        main.editor.title.setText("At the checkpoint")
        commit_text(main.editor.narrative, NARRATIVE)
        assert main.editor.dirty
        deliver(controller.sleep_watch, slot, True)
        assert controller.main is None  # locked at once, before the lid closes
        qtbot.waitUntil(lambda: controller.worker.session is None, timeout=20_000)
        assert controller.start.isVisible()
        with Session.open(vault_dir, PASSPHRASE) as session:  # the draft, in the vault
            drafts = session.drafts()
        assert [list(d.data["document"]["testimonies"][0]["narrative"].values())
                for d in drafts] == [[NARRATIVE]]

        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        editor = main.editor
        qtbot.waitUntil(lambda: main.stack.currentWidget() is editor
                        and editor.narrative.toPlainText() == NARRATIVE, timeout=20_000)
        assert editor.title.text() == "At the checkpoint"
        assert editor.dirty  # restored, not yet saved
        assert editor.notice.isVisible()  # and it says so
        wait_idle(qtbot, controller.worker)
    finally:
        controller.shutdown()


def test_sleep_does_not_lock_when_the_setting_is_off(qtbot, qapp, vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    controller = make_controller(qapp, vault_dir)
    try:
        unlock(qtbot, controller)
        controller._settings_changed({"lock_on_sleep": "0"})
        deliver(controller.sleep_watch, "on_sleep", True)
        assert controller.main is not None and controller.worker.session is not None
    finally:
        controller.shutdown()
