"""A curious auditor's attempt to recompute the suppressed figures of an export.

Reads only the files an auditor is handed (manifest.json, records.json, records.csv,
uwazi.zip when there) and, for every documented figure the report suppresses, adds
up whatever parts the files still show: victim lists and group counts with their
breakdowns and the persons' sex and age group, the counts an incident under a
small figure may carry, the per-incident victims column of records.csv and of the
Uwazi package. Works on exports of any version of the app, old or new.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from typing import Any

from testimony_app.core.records import dates

PARTS = ("victims", "women", "children")
Cell = tuple[str, str, str]  # month, incident type, part


def _number(value: Any) -> int:
    if isinstance(value, dict):
        return _number(value.get("count", 0))
    return value if isinstance(value, int) else 0


def hidden_cells(files: dict[str, bytes]) -> set[Cell]:
    manifest = json.loads(files["manifest.json"])
    return {(f["month"], f["incident_type"], part) for f in manifest["figures"]
            if f["source"] == "documented" for part in PARTS if f[part] is None}


def _cell(incident: dict[str, Any]) -> tuple[str, str]:
    """The month an incident's date falls in, or the months it spans (2016-11/2016-12,
    an open end as ..), as the figures file it."""
    date = incident["date"]
    first, last = dates.start(date)[:7] or "..", dates.end(date)[:7]
    last = ".." if last.startswith("9999") else last
    return (first if first == last else f"{first}/{last}"), incident["type"]


def _from_records(records: dict[str, Any]) -> dict[Cell, set[int]]:
    persons = {p["pseudonym"]: p for p in records.get("persons", [])}
    sums: dict[Cell, int] = defaultdict(int)
    known: dict[Cell, bool] = defaultdict(lambda: True)
    for incident in records.get("incidents", []):
        month, type_ = _cell(incident)
        counts = dict.fromkeys(PARTS, 0)
        shown = dict.fromkeys(PARTS, True)
        if "victims" in incident:
            for victim in incident["victims"]:
                if "group" in victim:
                    group = victim["group"]
                    breakdown = group.get("breakdown", {})
                    counts["victims"] += _number(group.get("count"))
                    counts["women"] += _number(breakdown.get("women", 0))
                    counts["children"] += sum(_number(breakdown.get(k, 0))
                                              for k in ("girls", "boys", "children"))
                else:
                    person = persons.get(victim["person"], {})
                    counts["victims"] += 1
                    if person.get("age_group") == "child":
                        counts["children"] += 1
                    elif person.get("sex") == "female":
                        counts["women"] += 1
        else:
            marker = incident.get("victims_withheld") or {}
            for part in PARTS:
                if isinstance(marker.get(part), int):
                    counts[part] = marker[part]
                else:
                    shown[part] = False
        for part in PARTS:
            key = (month, type_, part)
            sums[key] += counts[part]
            known[key] = known[key] and shown[part]
    return {key: {value} for key, value in sums.items() if known[key]}


def _by_column(cells: dict[str, tuple[str, str]], pairs: list[tuple[str, str]]
               ) -> dict[Cell, set[int]]:
    """Victims per cell from (incident id, victims column) pairs."""
    sums: dict[Cell, int] = defaultdict(int)
    known: dict[Cell, bool] = defaultdict(lambda: True)
    for incident_id, value in pairs:
        key = (*cells[incident_id], "victims")
        if value.strip().isdigit():
            sums[key] += int(value)
        else:
            known[key] = False
    return {key: {value} for key, value in sums.items() if known[key]}


def recover(files: dict[str, bytes]) -> dict[Cell, set[int]]:
    """Every value each suppressed figure could be computed to from the files."""
    records = json.loads(files["records.json"])
    cells = {i["id"]: _cell(i) for i in records.get("incidents", [])}
    found: dict[Cell, set[int]] = defaultdict(set)
    sources = [_from_records(records)]
    rows = list(csv.DictReader(io.StringIO(files["records.csv"].decode("utf-8"))))
    sources.append(_by_column(cells, [(r["id"], r["victims"]) for r in rows
                                      if r["kind"] == "incident"]))
    if "uwazi.zip" in files:
        with zipfile.ZipFile(io.BytesIO(files["uwazi.zip"])) as archive:
            uwazi = list(csv.DictReader(io.StringIO(archive.read("import.csv").decode())))
        ids = [i["id"] for i in records.get("incidents", [])]
        sources.append(_by_column(cells, [(incident_id, r["victims"])
                                          for incident_id, r in zip(ids, uwazi, strict=True)]))
    for source in sources:
        for key, values in source.items():
            found[key] |= values
    hidden = hidden_cells(files)
    return {key: values for key, values in found.items() if key in hidden}


def read_export(path: Any) -> dict[str, bytes]:
    """An export folder or zip, as name -> bytes."""
    from pathlib import Path

    path = Path(path)
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir()}
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
