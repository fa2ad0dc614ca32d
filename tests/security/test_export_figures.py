"""The figures of a redacted export follow the rule of the Figures page: every figure
another source published is a row of its own, as published, never added to another;
cases documented here are counted per month, or per span of months when a date
crosses a month boundary, and say they were computed here. `verify` recomputes them
in that shape and fails an export whose figures were changed, even when re-signed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from testimony_app.core.audit import redact, verify
from testimony_app.core.vault import org
from tests.conftest import SEEDS
from tests.security.disclosure_attack import hidden_cells, read_export, recover
from tests.sync_fixtures import Pair

AGONIZING = "An Agonizing Farewell"
EAST, WEST = "3b0e485f", "18c9368d"  # "over 500" in East, "around 29" in West Aleppo
SPANNING = "ca3ba54c"  # arrests "after they escaped east Aleppo", 27 Nov - 22 Dec


def _export(pair: Pair, target: Path, **options: Any) -> dict[str, Any]:
    return redact.export(pair.coordinator, target,
                         redact.Options(auditor="Auditor A", **options))


@pytest.fixture
def demo(pair: Pair) -> Pair:
    pair.coordinator.add_json(SEEDS.read_bytes())
    return pair


def _november_killings(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in manifest["figures"] if f["source"] == AGONIZING
            and f["month"] == "2016-11" and f["incident_type"] == "killing_other"]


def test_published_figures_are_never_added_together(demo: Pair, tmp_path: Path) -> None:
    target = tmp_path / "export"
    manifest = _export(demo, target)
    november = _november_killings(manifest)
    assert [(f["id"][:8], f["victims"], f["qualifier"], f["figure_place"])
            for f in november] == [(EAST, 500, "at_least", "East Aleppo"),
                                   (WEST, 29, "approximately", "West Aleppo")]
    assert all(f["kind"] == "reported" and f["computed"] is False and f["precision"] == "range"
               and (f["from"], f["to"]) == ("2016-11-15", "2016-11-28") for f in november)
    page = (target / "report.html").read_text()
    # Each sign sits with its number in a left-to-right isolate (it never mirrors).
    assert "\u2066≥500\u2069" in page and "\u2066~29\u2069" in page
    assert "529" not in page
    # a published figure whose period crosses a month boundary stands under its span
    two_months = [f for f in manifest["figures"] if f.get("id", "").startswith("ff15eea0")]
    assert [(f["month"], f["spans_months"], f["victims"], f["qualifier"])
            for f in two_months] == [("2016-11/2016-12", True, 100, "at_least")]
    # its parts, each with its own qualifier
    who = next(f for f in manifest["figures"] if f.get("id", "").startswith("6aedb9b4"))
    assert (who["women"], who["women_qualifier"]) == (100, "exact")
    assert (who["children"], who["children_qualifier"]) == (150, "approximately")
    assert "\u2066≤10,500\u2069" in page and "\u2066~150\u2069" in page


def test_documented_cases_spanning_months_stand_under_their_span(demo: Pair,
                                                                 tmp_path: Path) -> None:
    target = tmp_path / "export"
    manifest = _export(demo, target)
    documented = [f for f in manifest["figures"] if f["source"] == "documented"]
    assert all(f["kind"] == "documented" and f["computed"] is True for f in documented)
    under = [f for f in documented if any(p.startswith(SPANNING) for p in f["parts"])]
    assert [(f["month"], f["spans_months"], f["incident_type"]) for f in under] == [
        ("2016-11/2016-12", True, "arbitrary_arrest")]
    assert not any(f["month"] == "2016-11" and f["incident_type"] == "arbitrary_arrest"
                   for f in documented)
    assert under[0]["records"] == len(under[0]["parts"]) >= 2
    page = (target / "report.html").read_text()
    assert "2016-11 – 2016-12 (spans months)" in page
    assert f"computed here from {under[0]['records']} records" in page
    # dates coarsened to the month and places to the city: the same cells, the two
    # November figures still apart
    coarse = tmp_path / "coarse"
    manifest = _export(demo, coarse, coarsen_dates=True, coarsen_places="city")
    assert [(f["month"], f["incident_type"]) for f in manifest["figures"]
            if f["source"] == "documented"] == [(f["month"], f["incident_type"])
                                                for f in documented]
    assert sorted((f["victims"], f["qualifier"], f["figure_place"])
                  for f in _november_killings(manifest)) == [(29, "approximately", "Aleppo"),
                                                             (500, "at_least", "Aleppo")]


@pytest.mark.parametrize("threshold", [5, 10])
def test_small_counts_stay_suppressed_in_the_new_cells(demo: Pair, tmp_path: Path,
                                                       threshold: int) -> None:
    target = tmp_path / f"export-{threshold}"
    manifest = _export(demo, target, threshold=threshold)
    fingerprint = manifest["organisation"]["fingerprint"]
    assert verify.verify(target, fingerprint)[0] == []
    files = read_export(target)
    hidden = hidden_cells(files)
    assert any("/" in month for month, _type, _part in hidden)  # a span is suppressed too
    assert recover(files) == {}
    # only documented counts are suppressed: published figures stand as published
    assert all(f["victims"] is not None for f in manifest["figures"]
               if f["source"] != "documented")
    assert not any(f["victims"] is not None and 0 < f["victims"] < threshold
                   for f in manifest["figures"] if f["source"] == "documented")


def test_verify_fails_figures_added_together_even_when_re_signed(demo: Pair,
                                                                  tmp_path: Path) -> None:
    target = tmp_path / "export"
    manifest = _export(demo, target)
    fingerprint = manifest["organisation"]["fingerprint"]
    assert verify.verify(target, fingerprint)[0] == []
    sign = org.org_signing_key(demo.coordinator.conn).sign
    for name, tamper in (("summed", _sum_november), ("moved", _move_span)):
        files = {p.name: p.read_bytes() for p in target.iterdir()
                 if p.name not in ("manifest.json", "manifest.sig", "SHA256SUMS")}
        changed = json.loads((target / "manifest.json").read_text())
        del changed["files"]
        tamper(changed["figures"])
        folder = tmp_path / name
        folder.mkdir()
        for file_name, data in redact.signed(files, changed, sign).items():
            (folder / file_name).write_bytes(data)
        problems = verify.verify(folder, fingerprint)[0]
        assert problems == ["the figures do not follow from records.json"], name


def _sum_november(figures: list[dict[str, Any]]) -> None:
    """The two November figures as one ~529 cell, as exports used to show them."""
    east = next(f for f in figures if f.get("id", "").startswith(EAST))
    west = next(f for f in figures if f.get("id", "").startswith(WEST))
    east.update(victims=529, qualifier="approximately")
    figures.remove(west)


def _move_span(figures: list[dict[str, Any]]) -> None:
    """A documented figure of a span filed under the month it starts."""
    row = next(f for f in figures if f["source"] == "documented" and f["spans_months"])
    row.update(month=row["month"].split("/")[0], spans_months=False)
