"""The compiled schema check (core/records/schemacheck.py) never accepts what jsonschema
refuses, and accepts the valid documents it is there to speed up."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from bench.corpus import Corpus
from testimony_app.core.common.errors import ValidationFailed
from testimony_app.core.records import interchange, schemacheck
from tests.conftest import SEEDS

REPLACEMENTS: list[Any] = [None, 0, 1, -1, 1.5, 1.0, True, False, "", "x", "x" * 1001,
                           "abc\n", "2016-13-01", "2016-02-30", "ZZ", [], [1, 1], {}, {"x": 1},
                           2**60, -(2**60), "00000000-0000-4000-8000-00000000000g", "\u202e"]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


def _mutate(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc = copy.deepcopy(document)
    for _ in range(rng.choice((1, 1, 2))):
        path = rng.choice(_paths(doc)[1:])
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        what = rng.random()
        if what < 0.15 and isinstance(parent, dict):
            del parent[last]
        elif what < 0.25 and isinstance(parent, dict):
            parent["unknown_" + str(rng.randrange(3))] = rng.choice(REPLACEMENTS)
        elif what < 0.35 and isinstance(parent[last], str):
            parent[last] = parent[last] + rng.choice(("\n", " ", "0", "$", "-"))
        elif what < 0.45 and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))  # duplicates for uniqueItems
        else:
            parent[last] = copy.deepcopy(rng.choice(REPLACEMENTS))
    return doc


def _small_documents() -> list[dict[str, Any]]:
    demo = json.loads(SEEDS.read_bytes())
    docs = [{"format": interchange.FORMAT, key: [record]}
            for key in interchange.ARRAYS.values() for record in demo.get(key, [])[:6]]
    docs += list(Corpus(seed=13).documents(6, 3))
    return docs


def test_valid_documents_pass_the_compiled_check() -> None:
    for document in [json.loads(SEEDS.read_bytes()), *_small_documents()]:
        assert schemacheck.valid(document, interchange.schema)


def test_the_compiled_check_accepts_nothing_jsonschema_refuses() -> None:
    validator = interchange._validator()
    rng = random.Random(2016)
    documents = _small_documents()
    accepted = refused = 0
    for _ in range(4000):
        mutated = _mutate(rng.choice(documents), rng)
        if schemacheck.valid(mutated, interchange.schema):
            accepted += 1
            assert next(validator.iter_errors(mutated), None) is None, mutated
        else:
            refused += 1
    assert accepted > 200 and refused > 2000  # both sides were exercised


def test_validate_reports_the_same_problems_as_before() -> None:
    """Refused documents are worded by jsonschema exactly as before."""
    rng = random.Random(7)
    documents = _small_documents()
    for _ in range(300):
        mutated = _mutate(rng.choice(documents), rng)
        try:
            interchange.validate(mutated)
            new: Any = None
        except ValidationFailed as exc:
            new = exc.problems
        errors = list(interchange._validator().iter_errors(mutated))
        old: list[tuple[str, str]] | None = sorted(
            {(interchange._path(e.absolute_path), interchange._reason(e))
             for e in (interchange._best(err) for err in errors)})
        if not old:
            old = sorted(set(interchange._semantic_problems(mutated))) or None
        assert new == (old[:1000] if old else None)
