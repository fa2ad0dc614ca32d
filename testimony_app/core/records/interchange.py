"""The JSON interchange format (docs/FORMAT.md): validation and references.

Validation reports every problem with its JSON path and a reason we word
ourselves: a reason never quotes a value from the document, because a value may
be a name or a narrative and error messages end up on screens and in logs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError, ValidationFailed
from testimony_app.core.records import breakdown, narrative_tags
from testimony_app.i18n import _

if TYPE_CHECKING:
    # Imported by the first validation: jsonschema takes ~60 ms to import, a third
    # of what the app did before painting its start window (bench/README.md).
    import jsonschema

FORMAT = "testimony/1"
KINDS = ("source", "place", "person", "testimony", "incident", "aggregate")
ARRAYS = {"source": "sources", "place": "places", "person": "persons",
          "testimony": "testimonies", "incident": "incidents", "aggregate": "aggregates"}
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
MAX_PROBLEMS = 200
_IDENT = re.compile(r"^[a-z_]{1,40}$")


@cache
def schema() -> dict[str, Any]:
    text = resources.files("testimony_app.core.records.schema").joinpath(
        "testimony-1.schema.json").read_text("utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def parse(raw: bytes) -> Any:
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InputError("invalid_document", count=1)
    try:
        return safejson.loads(raw, bom=True)  # the importer's parser: what it refuses, so do we
    except safejson.Malformed as exc:
        raise refusal(exc) from None


def refusal(exc: safejson.Malformed) -> InputError:
    """The person's words for a document the strict parser refused."""
    if exc.line:
        return InputError("not_json", line=exc.line, column=exc.column)
    return InputError("json_refused", reason=_(exc.reason), path=exc.path)


def _path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (
            f".{part}" if isinstance(part, str) and _IDENT.match(part) else ".<field>")
    return out


def _reason(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value
                   if isinstance(error.instance, dict) and name not in error.instance]
        return "missing required field " + ", ".join(f"'{m}'" for m in missing)
    if kind == "additionalProperties":
        extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
        named = [f"'{k}'" for k in extra if isinstance(k, str) and _IDENT.match(k)]
        return "unknown field " + (", ".join(named) if named else "(name not shown)")
    if kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        return "must be one of: " + ", ".join(str(a) for a in allowed)
    if kind == "type":
        return f"must be of type {error.validator_value}"
    if kind == "pattern":
        return "has the wrong form (see docs/FORMAT.md)"
    if kind in ("minimum", "maximum"):
        return f"must be {'at least' if kind == 'minimum' else 'at most'} {error.validator_value}"
    if kind in ("maxLength", "maxItems", "maxProperties"):
        return f"is too long (at most {error.validator_value})"
    if kind in ("minLength", "minProperties", "minItems"):
        return "must not be empty"
    if kind == "uniqueItems":
        return "lists the same item twice"
    if kind == "propertyNames":
        return "has a key that is not a language code"
    if kind == "oneOf":
        return "does not match any allowed form (see docs/FORMAT.md)"
    return f"is not valid ({kind})"


def _best(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    # For oneOf, report the branch that got furthest, when there is a clear one.
    if error.validator == "oneOf" and error.context:
        import jsonschema

        deepest = jsonschema.exceptions.best_match(error.context)
        if deepest is not None and len(deepest.absolute_path) >= len(error.absolute_path):
            return _best(deepest)
    return error


def _inline(node: Any, defs: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """The schema with every local `{"$ref": "#/$defs/x"}` replaced by x itself.

    jsonschema resolves a $ref through its registry on every use (a third of the
    validation time of a large document); the schema has no recursive or remote
    references, and a $ref never has sibling keywords, so the inlined schema
    validates exactly alike and reports the same instance paths and keywords.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) == 1 and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name in defs and name not in seen:
                return _inline(defs[name], defs, (*seen, name))
        return {k: (v if k == "$defs" else _inline(v, defs, seen)) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs, seen) for v in node]
    return node


@cache
def _validator() -> Any:
    """Built once: the checked schema, references inlined (see `_inline`)."""
    import jsonschema

    raw = schema()
    jsonschema.Draft202012Validator.check_schema(raw)
    return jsonschema.Draft202012Validator(_inline(raw, raw.get("$defs", {})))


def validate(document: Any) -> None:
    """Raise ValidationFailed listing every problem; return when the document is valid."""
    from testimony_app.core.records import schemacheck

    if schemacheck.valid(document, schema):  # compiled, yes/no: the common case (see the module)
        problems = sorted(set(_semantic_problems(document)))
        if problems:
            raise ValidationFailed(problems[:1000])
        return
    validator = _validator()
    # At most MAX_PROBLEMS: a hostile document can have millions of errors.
    errors = itertools.islice(validator.iter_errors(document), MAX_PROBLEMS)
    problems = [(_path(e.absolute_path), _reason(e)) for e in (_best(err) for err in errors)]
    if not problems:
        problems = list(_semantic_problems(document))
    if problems:
        problems = sorted(set(problems))
        raise ValidationFailed(problems[:1000])


def records(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, record) pairs in dependency order: what a record refers to comes first."""
    for kind in KINDS:
        for record in document.get(ARRAYS[kind], []):
            yield kind, record


def _dates(record: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(record, dict):
        if "precision" in record:
            yield path, record
        for key, value in record.items():
            yield from _dates(value, f"{path}.{key}")
    elif isinstance(record, list):
        for i, value in enumerate(record):
            yield from _dates(value, f"{path}[{i}]")


def _semantic_problems(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    seen: dict[str, str] = {}
    for kind in KINDS:
        for i, record in enumerate(document.get(ARRAYS[kind], [])):
            path = f"$.{ARRAYS[kind]}[{i}]"
            if record["id"] in seen:
                yield f"{path}.id", f"the same id is used twice (also at {seen[record['id']]})"
            seen[record["id"]] = path
            for date_path, date in _dates(record, path):
                yield from _date_problems(date_path, date)
            for group_path, group in _groups(kind, record, path):
                for part, problem in breakdown.problems(group.get("breakdown"),
                                                        group["count"]):
                    yield f"{group_path}.breakdown{'.' + part if part else ''}", problem
            if kind == "testimony" and record.get("tags"):
                yield from narrative_tags.problems(path, record)


def _groups(kind: str, record: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if kind == "aggregate":
        yield path, record
    elif kind == "incident":
        for j, victim in enumerate(record.get("victims", [])):
            if "group" in victim:
                yield f"{path}.victims[{j}].group", victim["group"]


def _date_problems(path: str, date: dict[str, Any]) -> Iterator[tuple[str, str]]:
    try:
        if "value" in date and date["precision"] not in ("month", "year"):
            dt.date.fromisoformat(date["value"])
        if "from" in date:
            start = dt.date.fromisoformat(date["from"])
            end = dt.date.fromisoformat(date["to"])
            if end < start:
                yield path, "ends before it starts"
    except ValueError:
        yield path, "is not a real calendar date"


def references(kind: str, record: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(role, target id, target kind) for every reference a record makes."""
    if kind == "place" and "parent" in record:
        yield "parent", record["parent"], "place"
    elif kind == "testimony":
        if "place" in record.get("interview", {}):
            yield "interview_place", record["interview"]["place"], "place"
        if "witness" in record:
            yield "witness", record["witness"], "person"
        if "source" in record:
            yield "source", record["source"], "source"
        for person in dict.fromkeys(tag["person"] for tag in record.get("tags", ())):
            yield "tagged", person, "person"
    elif kind == "incident":
        if "place" in record:
            yield "place", record["place"], "place"
        for victim in record.get("victims", []):
            if "person" in victim:
                yield "victim", victim["person"], "person"
        for tid in record.get("testimonies", []):
            yield "reported_by", tid, "testimony"
        for sid in record.get("sources", []):
            yield "source", sid, "source"
    elif kind == "aggregate":
        yield "source", record["source"], "source"
        if "place" in record:
            yield "place", record["place"], "place"


def canonical(record: dict[str, Any]) -> str:
    """The stored form of a record: stable key order, so equal records compare equal."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
