"""Latin digits in Qt's own number widgets when a person chose them in Arabic.

Our text goes through i18n.digits; Qt's spin boxes and progress bars write numbers
through their locale, and the Syrian locale writes Arabic-Indic digits. No Arabic
locale has both the Levantine month names and Latin digits, so number-only widgets
take an Arabic locale that writes Latin digits (they show no month names) when they
are first shown. Date editors keep the Syrian locale: their month names are the ones
used everywhere else.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QLocale, QObject
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDateTimeEdit, QProgressBar

from testimony_app import i18n

# Arabic, with Latin digits (the United Arab Emirates' locale writes 0-9).
LATIN_ARABIC = "ar_AE"


class _NumberLocale(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() == QEvent.Type.Polish and i18n.language() == "ar" \
                and i18n.digit_kind() == "latin" \
                and isinstance(watched, QAbstractSpinBox | QProgressBar) \
                and not isinstance(watched, QDateTimeEdit):
            watched.setLocale(QLocale(LATIN_ARABIC))
        return False


_installed: list[_NumberLocale] = []


def install(app: QApplication) -> None:
    """Once per application: number widgets follow the digits setting."""
    if not _installed:
        _installed.append(_NumberLocale(app))
        app.installEventFilter(_installed[0])
