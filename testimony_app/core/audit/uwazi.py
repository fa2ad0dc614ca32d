"""The Uwazi package of a redacted export (docs/UWAZI.md).

A zip holding `import.csv` for HURIDOCS Uwazi's CSV import: one row per incident,
list values in English and Arabic (`__en`/`__ar` columns), dates at the precision
held, places as a two-level thesaurus, and a geolocation column. It is rendered
from the export's records only, which the disclosure policy decided: coordinates
are there as the policy rounded them (or absent), and an incident under a
suppressed figure has no victim count, statuses or pseudonyms here either.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from testimony_app.core.audit import report
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import dates, vocab

LANGUAGES = ("en", "ar")  # English is the default language Uwazi needs a column for
SELECTS = ("incident_type", "place", "perpetrator", "victim_status", "verification",
           "victims_shown")
HEADER = ["title__en", "title__ar", "date", "date_range", "location_geolocation",
          "victims", "victim_pseudonyms", "source_ids",
          *(f"{name}__{lang}" for name in SELECTS for lang in LANGUAGES)]
# Words around a date in a title, per language.
DATE_WORDS = {"approximate": ("about {date}", "نحو {date}"),
              "before": ("before {date}", "قبل {date}"),
              "after": ("after {date}", "بعد {date}")}
SHOWN = {"listed": ("Victims listed", "الضحايا مدرجون"),
         "count": ("Count only (small figure)", "العدد فقط (رقم صغير)"),
         "withheld": ("Withheld (small figure)", "محجوب (رقم صغير)")}


def _words(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "ar" else pair[0]


def title_date(date: dict[str, Any], language: str) -> str:
    """A date for a title, at the precision held: a month stays a month, a span a span."""
    precision = date["precision"]
    if precision in ("range", "approximate"):
        span = f"{date['from']} – {date['to']}"
        return _words(DATE_WORDS["approximate"], language).format(date=span) \
            if precision == "approximate" else span
    if precision in ("before", "after"):
        return _words(DATE_WORDS[precision], language).format(date=date["value"])
    return str(date["value"])


def _slashed(day: str) -> str:
    return day.replace("-", "/")


def date_cells(date: dict[str, Any]) -> tuple[str, str]:
    """(date, date_range): a day as a date; anything wider as a range of its bounds
    (a month from its first to its last day); an open end left empty."""
    if date["precision"] == "day":
        return _slashed(str(date["value"])), ""
    first = dates.start(date)
    last = "" if date["precision"] == "after" else dates.end(date)
    return "", f"{_slashed(first)}:{_slashed(last)}"


def _place_names(records: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in records.get("places", [])}


def place_path(places: dict[str, dict[str, Any]], place_id: RecordId | None, language: str) -> str:
    """`Governorate::Place`: Uwazi thesauri nest two levels, so the broadest place that
    is not the country, then the incident's own place."""
    chain: list[str] = []
    seen = 0
    while place_id and place_id in places and seen < 32:
        place = places[place_id]
        names = place["name"]
        if place.get("level") != "country" or not chain:
            chain.append(str(names.get(language) or names.get("en")
                             or next(iter(names.values()), "")))
        place_id = place.get("parent")
        seen += 1
    return "::".join([chain[-1], chain[0]]) if len(chain) > 1 else "".join(chain)


def geolocation(places: dict[str, dict[str, Any]], place_id: RecordId | None) -> str:
    """`lat|lon` of the incident's place as the export holds it, else empty."""
    coordinates = places.get(place_id or "", {}).get("coordinates")
    if not coordinates:
        return ""
    return f"{coordinates['lat']}|{coordinates['lon']}"


def rows(records: dict[str, Any]) -> list[dict[str, str]]:
    places = _place_names(records)
    persons = {p["pseudonym"]: p for p in records.get("persons", [])}
    out = []
    for i in records.get("incidents", []):
        counts = report.incident_counts(i, persons)
        victims = i.get("victims")
        shown = "listed" if victims is not None else (
            "withheld" if counts["victims"] is None else "count")
        day, span = date_cells(i["date"])
        row = {"date": day, "date_range": span,
               "location_geolocation": geolocation(places, i.get("place")),
               "victims": "" if counts["victims"] is None else str(counts["victims"]),
               "victim_pseudonyms": "|".join(v["person"] for v in victims or [] if "person" in v),
               "source_ids": "|".join(i.get("sources", []))}
        for lang in LANGUAGES:
            kind = vocab.label("incident_type", i["type"], lang)
            place = place_path(places, i.get("place"), lang)
            row[f"title__{lang}"] = f"{kind} — {title_date(i['date'], lang)} — {place or '-'}"
            row[f"incident_type__{lang}"] = kind
            row[f"place__{lang}"] = place
            row[f"perpetrator__{lang}"] = vocab.label(
                "perpetrator", i["perpetrator"]["category"], lang) if "perpetrator" in i else ""
            row[f"victim_status__{lang}"] = "|".join(sorted(
                {vocab.label("victim_status", v["status"], lang)
                 for v in victims or [] if "status" in v}))
            row[f"verification__{lang}"] = vocab.label("verification", i["verification"], lang)
            row[f"victims_shown__{lang}"] = _words(SHOWN[shown], lang)
        out.append(row)
    return out


def import_csv(records: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(records))
    return buffer.getvalue().encode("utf-8")


def package(records: dict[str, Any]) -> bytes:
    """A zip Uwazi's CSV import takes: import.csv at its root."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        # A fixed date: the same records give the same bytes (the manifest hashes them).
        info = zipfile.ZipInfo("import.csv", date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(info, import_csv(records))
    return archive.getvalue()
