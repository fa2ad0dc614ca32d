"""JSON from untrusted bytes (bundles, receipts, enrolment files), parsed strictly.

Refused: invalid UTF-8, a byte-order mark, duplicate keys, NaN and infinities,
numbers with more than 18 digits, lone surrogates, and nesting deeper than
MAX_DEPTH. Errors never quote the input.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
MAX_DIGITS = 18


class Malformed(ValueError):
    """The bytes are not JSON we accept; the message is ours, never the input's."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise Malformed("duplicate key")
        result[key] = value
    return result


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise Malformed("number too large")
    return int(text)


def _float(text: str) -> float:
    if len(text) > 40:
        raise Malformed("number too large")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise Malformed("number too large")
    return value


def _constant(name: str) -> Any:
    raise Malformed("not a JSON number")


def _check(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Malformed("nested too deeply")
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Malformed("lone surrogate") from None


def loads(raw: bytes) -> Any:
    if raw.startswith(b"\xef\xbb\xbf"):
        raise Malformed("byte-order mark")
    try:
        text = raw.decode("utf-8")
        value = json.loads(text, object_pairs_hook=_pairs, parse_int=_int,
                           parse_float=_float, parse_constant=_constant)
    except Malformed:
        raise
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Malformed("not JSON") from None
    _check(value, 0)
    return value


def dumps(value: Any) -> bytes:
    """Canonical form: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")
