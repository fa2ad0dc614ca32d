"""Cycles holding Qt objects are freed on the window's thread, even when the worker's
thread is the one allocating (where Python would otherwise collect them)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from testimony_app.gui import gc_guard
from tests.gui.conftest import wait_idle


def test_cycles_are_freed_on_the_window_thread(qtbot, worker) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert app is not None
    collector = gc_guard.install(app)
    assert gc_guard.install(app) is collector  # one per application
    assert not gc.isenabled()
    freed_on_main: list[bool] = []
    holder = QObject()
    holder.cycle = holder  # type: ignore[attr-defined]  # garbage only a collection frees
    QTimer(holder).start(60_000)
    holder.destroyed.connect(
        lambda: freed_on_main.append(threading.current_thread() is threading.main_thread()))
    del holder
    # The worker allocates plenty (enough to cross the thresholds many times over).
    worker.run(lambda _job: [[] for _ in range(200_000)])
    wait_idle(qtbot, worker)
    qtbot.waitUntil(lambda: bool(freed_on_main), timeout=5_000)
    assert freed_on_main == [True]
