"""Numbers and dates in the form of the UI language's locale, in one kind of digits:
the language's own (Arabic-Indic in Arabic) unless the person chose Latin digits."""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QLocale, QTime

from testimony_app import i18n


def locale() -> QLocale:
    return QLocale(i18n.locale_name())


def number(value: int) -> str:
    return i18n.digits(locale().toString(value))


def timestamp(iso: str) -> str:
    """An ISO UTC timestamp (2026-11-27T10:11:05Z) as the locale writes date and time."""
    parsed = QDateTime.fromString(iso[:19], "yyyy-MM-ddTHH:mm:ss")
    if not parsed.isValid():
        return iso
    return i18n.digits(locale().toString(parsed, QLocale.FormatType.ShortFormat))


def time(iso: str) -> str:
    """The time of day of an ISO timestamp (10:11:05), in the UI's digits."""
    parsed = QTime.fromString(iso[11:19], "HH:mm:ss")
    if not parsed.isValid():
        return iso
    return i18n.digits(locale().toString(parsed, "HH:mm:ss"))


def duration(seconds: int) -> str:
    """A running counter (m:ss, h:mm:ss past an hour), in the UI's digits."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return i18n.digits(text)


def digits(text: str) -> str:
    """Text holding numbers (a ratio, a range) in the UI's digits."""
    return i18n.digits(text)


def date(iso: str) -> str:
    """YYYY-MM-DD (or YYYY-MM, YYYY) as the locale writes it; other text unchanged."""
    parsed = QDate.fromString(iso[:10], "yyyy-MM-dd")
    if parsed.isValid() and len(iso) >= 10:
        return i18n.digits(locale().toString(parsed, QLocale.FormatType.ShortFormat))
    return iso
