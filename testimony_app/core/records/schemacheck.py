"""A compiled yes/no check of the interchange schema, for the common case: a valid document.

`jsonschema` interprets the schema anew for every value (about 0.4 ms per record,
more than SQLite takes to store it: bench/README.md). `fastjsonschema` turns the same
schema into Python code once; it answers only "valid or not", ten times faster.
`interchange.validate` asks it first and, when it says no (or cannot answer),
runs `jsonschema` as before, which alone words the problems. So the compiled check
can only make validation faster, never change what is reported; what it must never
do is accept a document that `jsonschema` refuses, and a test holds it to that on
valid documents mutated in every field (tests/core/records/test_schemacheck.py).

It is stricter than `jsonschema` in places, which is safe: a pattern's `$` is the
end of the string (Python's `re` also lets a final newline through), and it treats
equal values of different types (1 and true) as duplicates in `uniqueItems`.
The schema's keywords are all of draft 7, so it is compiled as draft 7; its only
references are local (`#/$defs/...`). No reference is ever fetched: every URL scheme
has a handler that refuses.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


def _no_fetch(uri: str) -> Any:
    raise ValueError("the interchange schema has no remote references")


@cache
def _compiled(schema: Callable[[], dict[str, Any]]) -> Any:
    """Built at the first check (~0.2 s; the module is imported only then)."""
    try:
        import fastjsonschema
    except ImportError:  # an install without it validates as before, more slowly
        return None
    raw = schema()
    definition = {**raw, "$schema": "http://json-schema.org/draft-07/schema#"}
    try:
        return fastjsonschema.compile(
            definition, handlers={"http": _no_fetch, "https": _no_fetch, "file": _no_fetch},
            use_default=False, use_formats=False)
    except Exception:  # noqa: BLE001 - a schema it cannot compile: validate the slow way
        return None


def valid(document: Any, schema: Callable[[], dict[str, Any]]) -> bool:
    """True when the document certainly passes the schema (`schema()` gives it: the
    interchange schema); False means "ask jsonschema"."""
    check = _compiled(schema)
    if check is None:
        return False
    try:
        check(document)
    except Exception:  # noqa: BLE001 - JsonSchemaException, or a value it did not expect
        return False
    return True
