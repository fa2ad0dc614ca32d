"""A witness's name never leaves, even where the name is public: it is enough that one
testimony anywhere in the vault names the person as its witness, whatever period the
export covers and whether or not the links table says so. The policy reads each
testimony once (a vault's export streams them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from testimony_app.core.audit import disclosure


class _Once:
    """Testimonies that can be read only once, as a stream from the vault would be
    wasted if read twice."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self._records, self._read = records, False

    def __iter__(self) -> Iterator[dict[str, Any]]:
        assert not self._read, "the testimonies were read twice"
        self._read = True
        return iter(self._records)


def _exported_person(testimonies: list[dict[str, Any]]) -> dict[str, Any]:
    incident = {"id": "i1", "type": "arbitrary_arrest", "verification": "verified",
                "date": {"precision": "day", "value": "2016-12-14"}, "sources": ["s"],
                "victims": [{"person": "p1", "status": "detained"},
                            {"group": {"count": 10, "qualifier": "exact"},
                             "status": "detained"}]}  # a figure large enough to show
    holdings = disclosure.Holdings(
        sources=[{"id": "s", "name": "S", "kind": "organisation"}], places=[],
        persons=[{"id": "p1", "sex": "male"}], testimonies=_Once(testimonies),
        incidents=[incident], aggregates=[],
        identities={"p1": {"name": "Known Name", "public_domain": True}},
        witnesses=frozenset(),  # the links table does not say it
        pseudonym=lambda p: f"A-{p}", narrate=lambda t: None)
    result = disclosure.decide(holdings, disclosure.Profile(date_from="2016-01-01"))
    (person,) = result.records["persons"]
    return dict(person)


def test_a_public_name_leaves_for_a_person_who_is_nobodys_witness() -> None:
    assert _exported_person([])["public_name"] == "Known Name"


def test_a_witness_of_a_testimony_outside_the_period_keeps_the_name_home() -> None:
    elsewhere = {"id": "t1", "witness": "p1", "status": "finalised",
                 "consent": {"scope": "internal"},
                 "interview": {"date": {"precision": "day", "value": "2012-03-01"},
                               "language": "ar", "mode": "in_person"}}
    person = _exported_person([elsewhere])
    assert "public_name" not in person
    assert "Known Name" not in repr(person)
