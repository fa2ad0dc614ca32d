"""Numbers, dates and times in the form of the UI language's locale, in one kind of
digits: the language's own (Arabic-Indic in Arabic) unless the person chose Latin
digits. One format per kind, everywhere: lists use short dates, the pages that
describe one record long dates; times are local, never UTC, and 24-hour where the
locale uses it or the person chose it in Settings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, QTimeZone

from testimony_app import i18n
from testimony_app.i18n import _

# "locale", "24" or "12": the Settings choice (clock), applied by the main window.
_clock = ["locale"]


def set_clock(choice: str) -> None:
    _clock[0] = choice if choice in ("locale", "24", "12") else "locale"


def locale() -> QLocale:
    return QLocale(i18n.locale_name())


def number(value: int) -> str:
    return i18n.digits(locale().toString(value))


def uses_24_hours() -> bool:
    if _clock[0] != "locale":
        return _clock[0] == "24"
    if i18n.language().startswith("ar"):
        return True  # Arabic writing in this app: 24-hour, as most Arab administrations
    return "a" not in locale().timeFormat(QLocale.FormatType.ShortFormat).lower()


def time_format() -> str:
    """A QTimeEdit/QDateTime display format for hours and minutes."""
    return "HH:mm" if uses_24_hours() else "h:mm AP"


def _local(iso: str) -> QDateTime | None:
    """An ISO UTC timestamp (2026-11-27T10:11:05Z, with or without fractions) in local time."""
    parsed = QDateTime.fromString(iso[:19], "yyyy-MM-ddTHH:mm:ss")
    if not parsed.isValid():
        return None
    parsed.setTimeZone(QTimeZone.utc())
    return parsed.toLocalTime()


def time_of(iso: str) -> str:
    """The local time of an ISO UTC timestamp: 14:05 (or 2:05 PM)."""
    moment = _local(iso)
    return iso if moment is None else i18n.digits(
        locale().toString(moment.time(), time_format()))


def clock_time(value: QTime) -> str:
    return i18n.digits(locale().toString(value, time_format()))


def timestamp(iso: str) -> str:
    """An ISO UTC timestamp as the locale writes a short date and the local time."""
    moment = _local(iso)
    if moment is None:
        return iso
    return f"{date(moment.date().toString(Qt.DateFormat.ISODate))} " \
           f"{i18n.digits(locale().toString(moment.time(), time_format()))}"


def time(iso: str) -> str:
    """The local time of day of an ISO UTC timestamp, in the UI's digits."""
    return time_of(iso)


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
    """YYYY-MM-DD as a short date for lists (4 Dec 2026: never 12/4/26, which reads
    two ways); other text unchanged."""
    parsed = QDate.fromString(iso[:10], "yyyy-MM-dd")
    if parsed.isValid() and len(iso) >= 10:
        return i18n.digits(locale().toString(parsed, "d MMM yyyy"))
    return iso


def long_date(iso: str) -> str:
    """YYYY-MM-DD as the locale writes a long date (4 December 2026), for one record."""
    parsed = QDate.fromString(iso[:10], "yyyy-MM-dd")
    if parsed.isValid() and len(iso) >= 10:
        return i18n.digits(locale().toString(parsed, "d MMMM yyyy"))
    return iso


def day_of(iso: str) -> str:
    """The local date of an ISO UTC timestamp, as lists write dates (4 Dec 2026)."""
    moment = _local(iso)
    return iso if moment is None else date(moment.date().toString(Qt.DateFormat.ISODate))


def date_with_precision(value: dict[str, Any], short: bool = False) -> str:
    """A date with its precision in words: long dates for one record ("between 12
    December 2016 and 13 December 2016"), short ones for lists (short=True: "12 Dec
    2016", "Dec 2016", without the source's words)."""
    precision = value.get("precision")
    text = str(value.get("value", ""))
    day = date if short else long_date
    if precision == "day":
        words = day(text)
    elif precision == "month" and len(text) == 7:
        words = digits(locale().toString(QDate.fromString(text + "-01", "yyyy-MM-dd"),
                                         "MMM yyyy" if short else "MMMM yyyy"))
    elif precision in ("range", "approximate"):
        words = _("between {first} and {last}").format(
            first=day(str(value.get("from", ""))), last=day(str(value.get("to", ""))))
        if precision == "approximate":
            words = _("roughly {when}").format(when=words)
    elif precision == "before":
        words = _("before {day}").format(day=day(text))
    elif precision == "after":
        words = _("after {day}").format(day=day(text))
    else:
        words = digits(text)
    if value.get("text") and not short:  # the words as given, in any script: isolated
        words += f" ({i18n.isolate('“' + str(value['text']) + '”')})"  # quotes inside it
    return words
