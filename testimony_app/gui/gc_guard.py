"""Python's cycle collector runs in whichever thread happens to allocate when its
thresholds are crossed. When that is the vault worker's thread and the garbage holds
widgets or timers of the window's thread (a widget and a lambda connected to its
own signal form a cycle), Qt destroys them from the wrong thread: "Timers cannot be
stopped from another thread", and at times a crash. Automatic collection is turned
off while the window runs; a timer on the window's thread collects instead."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 1000  # the young generations, every second
FULL_EVERY = 15  # and everything every 15 seconds


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect)
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        """Collect everything now, while Qt is still whole, and let Python collect
        again by itself (at exit: garbage left for the interpreter's teardown would
        be destroyed after the application object)."""
        self.timer.stop()
        gc.collect()
        gc.enable()

    def collect(self) -> None:
        self._ticks += 1
        gc.collect(2 if self._ticks % FULL_EVERY == 0 else 1)


def install(app: QObject) -> MainThreadCollector:
    """The application's collector (one, however many windows come and go)."""
    found = app.findChild(MainThreadCollector)
    if isinstance(found, MainThreadCollector):
        return found
    collector = MainThreadCollector(app)
    if isinstance(app, QCoreApplication):
        app.aboutToQuit.connect(collector.stop)
    return collector
