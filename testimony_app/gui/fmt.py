"""Numbers and dates in the form of the UI language's locale (Arabic digits in Arabic)."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale

from testimony_app import i18n


def locale() -> QLocale:
    return QLocale(i18n.language())


def number(value: int) -> str:
    return locale().toString(value)


def timestamp(iso: str) -> str:
    """An ISO UTC timestamp (2026-11-27T10:11:05Z) as the locale writes date and time."""
    parsed = QDateTime.fromString(iso[:19], "yyyy-MM-ddTHH:mm:ss")
    if not parsed.isValid():
        return iso
    return locale().toString(parsed, QLocale.FormatType.ShortFormat)


def date(iso: str) -> str:
    """YYYY-MM-DD (or YYYY-MM, YYYY) as the locale writes it; other text unchanged."""
    parsed = QDate.fromString(iso[:10], "yyyy-MM-dd")
    if parsed.isValid() and len(iso) >= 10:
        return locale().toString(parsed, QLocale.FormatType.ShortFormat)
    return iso
