"""Lock when the computer goes to sleep or the screen locks: logind's PrepareForSleep
on the system bus and the desktop screensaver's ActiveChanged on the session bus,
over QtDBus where they are present (nothing happens where they are not)."""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot

log = logging.getLogger(__name__)

_SCREENSAVERS = (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                 ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"),
                 ("org.freedesktop.ScreenSaver", "/ScreenSaver"))


class SleepWatch(QObject):
    """Emits `going_away` before sleep and when the screen locks."""

    going_away = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connected: list[str] = []
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # QtDBus is missing on this platform
            return
        # PySide6's stubs say SLOT() gives str and connect() takes the slot as bytes; at run
        # time connect() takes what SLOT() gives, as Qt for Python's own examples do.
        system = QDBusConnection.systemBus()
        if system.isConnected() and system.connect(
                "org.freedesktop.login1", "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager", "PrepareForSleep", self,
                SLOT("on_sleep(bool)")):  # type: ignore[call-overload]
            self.connected.append("logind")
        session = QDBusConnection.sessionBus()
        if session.isConnected():
            for service, path in _SCREENSAVERS:
                if session.connect(service, path, service, "ActiveChanged", self,  # type: ignore[call-overload]
                                   SLOT("on_screensaver(bool)")):
                    self.connected.append(service)
        log.info("lock on sleep: %d sources", len(self.connected))

    @Slot(bool)
    def on_sleep(self, starting: bool) -> None:
        if starting:
            self.going_away.emit()

    @Slot(bool)
    def on_screensaver(self, active: bool) -> None:
        if active:
            self.going_away.emit()
