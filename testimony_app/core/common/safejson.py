"""JSON from untrusted bytes, parsed strictly: the one parser for every document a
person or another machine hands the app (documents for `testimony add`, bundles,
receipts, enrolment files, editor drafts, auditors' exports), so that what one
side accepts the other side accepts too.

Refused: invalid UTF-8, a byte-order mark (unless the caller allows one), duplicate
keys, NaN and infinities, integers beyond MAX_INT in size, numbers longer than
MAX_NUMBER characters, lone surrogates (a `\\ud800` escape), and nesting deeper than
MAX_DEPTH. A refusal says what and where: the JSON path to the value
(`$.persons[3].identity`), with field names shown only when they look like field
names, never a value, so that errors never quote the input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from testimony_app.i18n import N_

MAX_DEPTH = 32
MAX_INT = 2**53 - 1  # the largest integer every JSON reader holds exactly
MAX_NUMBER = 40  # characters of a number's text
MAX_DIGITS = 18  # kept for callers that named it: MAX_INT has 16 digits
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


class Malformed(ValueError):
    """The bytes are not JSON we accept; the message is ours, never the input's."""

    def __init__(self, reason: str, path: str = "$", line: int = 0, column: int = 0) -> None:
        self.reason, self.path, self.line, self.column = reason, path, line, column
        super().__init__(f"{reason} at {path}" if not line else
                         f"{reason} at line {line}, column {column}")


class _Bad:
    """A value refused while parsing, found (with its path) by the walk after it."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Duplicated(dict[str, Any]):
    """An object with a key given twice (the later value is dropped)."""

    duplicate: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            marked = _Duplicated(result)
            marked.duplicate = key
            return marked
        result[key] = value
    return result


def _int(text: str) -> Any:
    if len(text) > MAX_NUMBER:
        return _Bad(N_("number too large"))
    value = int(text)
    return value if -MAX_INT <= value <= MAX_INT else _Bad(N_("number too large"))


def _float(text: str) -> Any:
    if len(text) > MAX_NUMBER:
        return _Bad(N_("number too large"))
    value = float(text)
    if value in (float("inf"), float("-inf")):
        return _Bad(N_("number too large"))
    return value


def _constant(name: str) -> Any:
    return _Bad(N_("not a JSON number (NaN or Infinity)"))


def _step(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _FIELD.match(key) else f"{path}.<field>"


def check(value: Any, path: str = "$", depth: int = 0) -> None:
    """Refuse what the parser marked, and what no JSON text should hold: text with a
    lone surrogate, nesting deeper than MAX_DEPTH. Also checks values built in
    memory (an editor's draft) before they are stored as JSON."""
    if depth > MAX_DEPTH:
        raise Malformed(N_("nested too deeply"), path)
    if isinstance(value, _Bad):
        raise Malformed(value.reason, path)
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        raise Malformed(N_("not a JSON number (NaN or Infinity)"), path)
    if isinstance(value, int) and not isinstance(value, bool) \
            and not -MAX_INT <= value <= MAX_INT:
        raise Malformed(N_("number too large"), path)
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        if isinstance(value, _Duplicated):
            raise Malformed(N_("a key given twice"), _step(path, value.duplicate))
        for key, item in value.items():
            if not isinstance(key, str):
                raise Malformed(N_("a key that is not text"), path)
            _check_text(key, path)
            check(item, _step(path, key), depth + 1)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check(item, _step(path, index), depth + 1)
    elif value is not None and not isinstance(value, bool | int | float):
        raise Malformed(N_("not a JSON value"), path)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Malformed(N_("a lone surrogate in text"), path) from None


def loads(raw: bytes, *, bom: bool = False) -> Any:
    """Parse `raw` strictly. `bom`: a UTF-8 byte-order mark is allowed (and dropped),
    as text editors write one; machine-made files never have it."""
    if raw.startswith(b"\xef\xbb\xbf"):
        if not bom:
            raise Malformed(N_("byte-order mark"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise Malformed(N_("not UTF-8"), line=line,
                        column=exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1) from None
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_int=_int,
                           parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise Malformed(N_("not JSON"), line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise Malformed(N_("nested too deeply")) from None
    except ValueError:
        raise Malformed(N_("not JSON")) from None
    check(value)
    return value


def dumps(value: Any) -> bytes:
    """Canonical form: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
