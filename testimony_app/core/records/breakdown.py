"""Parts of a counted group or of a reported figure, each with its own qualifier.

A breakdown maps a category (vocabulary `breakdown`: women, children, civilian
adults, wounded...) to a part: either `{"count": n, "qualifier": q}`, or a bare
integer, which is read with the qualifier of the figure it belongs to ("at least
61 people, including 11 women" says at least of both). Sources give parts along
different lines (sex, age, civilians, wounded), so parts may overlap; only the
sex-and-age parts that cannot (women, men, girls, boys, children) must not add up
to more than the whole.
"""

from __future__ import annotations

from typing import Any

from testimony_app.core.records import vocab

DISJOINT = ("women", "men", "girls", "boys", "children")


def part(value: Any, qualifier: str) -> tuple[int, str]:
    """(count, qualifier) of one part; a bare integer takes the figure's qualifier."""
    if isinstance(value, dict):
        return int(value["count"]), str(value["qualifier"])
    return int(value), qualifier


def parts(breakdown: dict[str, Any] | None, qualifier: str) -> dict[str, tuple[int, str]]:
    """Every part as (count, qualifier), in the vocabulary's order."""
    given = breakdown or {}
    return {code: part(given[code], qualifier) for code in vocab.BREAKDOWN if code in given}


def count(breakdown: dict[str, Any] | None, code: str) -> int:
    value = (breakdown or {}).get(code)
    return 0 if value is None else part(value, "exact")[0]


def as_json(breakdown: dict[str, Any] | None, qualifier: str) -> dict[str, dict[str, Any]]:
    """Every part written out with its qualifier."""
    return {code: {"count": n, "qualifier": q}
            for code, (n, q) in parts(breakdown, qualifier).items()}


def problems(breakdown: dict[str, Any] | None, whole: int) -> list[tuple[str, str]]:
    """(key, what is wrong) for parts larger than the whole, or disjoint parts that
    add up to more than it."""
    out: list[tuple[str, str]] = []
    given = breakdown or {}
    for code, value in given.items():
        if part(value, "exact")[0] > whole:
            out.append((code, "is more than the count"))
    if sum(count(given, code) for code in DISJOINT) > whole:
        out.append(("", "adds up to more than the count"))
    return out


# facet value -> (codes that add up, disjoint; codes that each hold all of them)
_FACETS = ({"female": (("women", "girls"), ("females",)),
            "male": (("men", "boys"), ("males",))},
           {"child": (("girls", "boys", "children"), ()),
            "adult": (("women", "men"), ("adults", "civilian_adults")),
            "elderly": (("elderly",), ())})


def by_facet(breakdown: dict[str, Any] | None, qualifier: str,
             facet: int) -> dict[str, tuple[int, str]]:
    """What the parts say of sex (facet 0) or age group (facet 1): value -> (count,
    qualifier). Disjoint parts add up (women and girls are female); a part that
    holds them (females) stands instead when it says more."""
    given = parts(breakdown, qualifier)
    out: dict[str, tuple[int, str]] = {}
    for value, (disjoint, wholes) in _FACETS[facet].items():
        found = [given[c] for c in disjoint if c in given]
        best = (sum(n for n, _q in found), combine(q for _n, q in found)) if found else None
        for code in wholes:
            if code in given and (best is None or given[code][0] > best[0]):
                best = given[code]
        if best is not None and best[0] > 0:
            out[value] = best
    return out


def combine(qualifiers: Any) -> str:
    """The qualifier of a sum, the weakest of its parts: exact only if every part is;
    "perhaps more" or "at least" while every part is a lower bound; "at most" while
    every part is an upper bound; else approximately."""
    found = set(qualifiers)
    if found <= {"exact"}:
        return "exact"
    if found <= {"exact", "perhaps_more"}:
        return "perhaps_more"
    if found <= {"exact", "at_least", "perhaps_more"}:
        return "at_least"
    if found <= {"exact", "at_most"}:
        return "at_most"
    return "approximately"
