"""Dates with precision (docs/FORMAT.md): their bounds and the month they count in."""

from __future__ import annotations

import calendar
from typing import Any


def start(date: dict[str, Any]) -> str:
    """Earliest day the date can mean, as YYYY-MM-DD ('' for 'before' dates)."""
    precision = date["precision"]
    if precision in ("range", "approximate"):
        return str(date["from"])
    if precision == "month":
        return f"{date['value']}-01"
    if precision == "year":
        return f"{date['value']}-01-01"
    if precision == "before":
        return ""
    return str(date["value"])


def end(date: dict[str, Any]) -> str:
    """Latest day the date can mean ('9999-12-31' for 'after' dates)."""
    precision = date["precision"]
    if precision in ("range", "approximate"):
        return str(date["to"])
    if precision == "month":
        year, month = (int(x) for x in str(date["value"]).split("-"))
        return f"{date['value']}-{calendar.monthrange(year, month)[1]:02d}"
    if precision == "year":
        return f"{date['value']}-12-31"
    if precision == "after":
        return "9999-12-31"
    return str(date["value"])


def sort_key(date: dict[str, Any]) -> str:
    """Where the date sorts: its start, or its end when only the end is known."""
    return start(date) or end(date)


def month(date: dict[str, Any]) -> str | None:
    """The single month a date falls in, or None when it spans several or is open."""
    if date["precision"] in ("before", "after"):
        return None
    first, last = start(date)[:7], end(date)[:7]
    return first if first == last else None


def text(date: dict[str, Any]) -> str:
    """The date at the precision held, never a day it does not hold: 2016-12-14,
    2016-12, 2016, a span as 2016-12-12/2016-12-13 (approximate bounds end in ~),
    open spans as ../2016-12-15 and 2016-12-15/.. (ISO 8601-2 intervals)."""
    precision = date["precision"]
    if precision in ("range", "approximate"):
        mark = "~" if precision == "approximate" else ""
        return f"{date['from']}{mark}/{date['to']}{mark}"
    if precision == "before":
        return f"../{date['value']}"
    if precision == "after":
        return f"{date['value']}/.."
    return str(date["value"])
