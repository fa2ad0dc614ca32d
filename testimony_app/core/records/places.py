"""Places where incidents happened, with their coordinates.

Coordinates (`{"lat", "lon", "precision_m"}`, WGS 84 degrees; docs/FORMAT.md) come
with imported places or are entered by a person ("36.2021, 37.1343, 10000": a
precision in metres may follow). The coordinator's list shows every place an
incident or a reported figure names, where it lies and how exactly it is known; a
place without coordinates says so.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import store
from testimony_app.core.vault import activity
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

MAX_PRECISION_M = 10_000_000


@dataclass(frozen=True)
class PlaceRow:
    id: RecordId
    name: str
    level: str
    within: str  # the enclosing places, nearest first ("East Aleppo — Aleppo")
    coordinates: dict[str, Any] | None
    incidents: int
    figures: int  # reported figures (aggregates) for the place

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_coordinates(text: str) -> dict[str, Any]:
    """'lat, lon' or 'lat, lon, precision in metres' (commas or spaces) in decimal
    degrees; a clear error, naming no value, otherwise."""
    parts = text.replace(",", " ").replace("،", " ").split()
    if len(parts) not in (2, 3):
        raise InputError("coordinates")
    try:
        lat, lon = float(parts[0]), float(parts[1])
        precision = int(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise InputError("coordinates") from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or not -90 <= lat <= 90 \
            or not -180 <= lon <= 180:
        raise InputError("coordinates")
    if precision is not None and not 0 <= precision <= MAX_PRECISION_M:
        raise InputError("coordinates")
    out: dict[str, Any] = {"lat": lat, "lon": lon}
    if precision is not None:
        out["precision_m"] = precision
    return out


def coordinates_text(coordinates: dict[str, Any] | None) -> str:
    if not coordinates:
        return ""
    text = f"{coordinates['lat']:.5f}, {coordinates['lon']:.5f}"
    if "precision_m" in coordinates:
        text += f" (±{int(coordinates['precision_m'])} m)"
    return text


def _name(place: dict[str, Any], language: str) -> str:
    names = place.get("name", {})
    return str(names.get(language) or names.get("en") or next(iter(names.values()), ""))


def incident_places(conn: Connection, language: str = "en") -> list[PlaceRow]:
    """Every place an incident or reported figure names, by name."""
    places = {rid: json.loads(raw) for rid, raw in conn.execute(
        "SELECT id, data FROM records WHERE kind = 'place'")}
    counts: dict[str, list[int]] = {}
    for kind, raw in conn.execute(
            "SELECT kind, data FROM records WHERE kind IN ('incident', 'aggregate')"):
        place = json.loads(raw).get("place")
        if place:
            counts.setdefault(place, [0, 0])[0 if kind == "incident" else 1] += 1
    rows = []
    for pid, (incidents, figures) in counts.items():
        place = places.get(pid, {})
        chain, parent, seen = [], place.get("parent"), {pid}
        while parent and parent in places and parent not in seen:
            seen.add(parent)
            chain.append(_name(places[parent], language))
            parent = places[parent].get("parent")
        rows.append(PlaceRow(RecordId(pid), _name(place, language) or pid[:8],
                             str(place.get("level", "")),
                             " — ".join(chain[:3]), place.get("coordinates"), incidents,
                             figures))
    rows.sort(key=lambda r: (r.name.casefold(), r.id))
    return rows


def set_coordinates(conn: Connection, place_id: RecordId, coordinates: dict[str, Any] | None,
                    author: str) -> bool:
    """Give a place coordinates (None: take them away): a new revision of the place
    and an entry in the activity log. Returns whether anything changed."""
    record = store.get(conn, place_id, with_identity=False)
    if record.kind != "place":
        raise InputError("not_a_place")
    data = {k: v for k, v in record.data.items() if k != "coordinates"}
    if coordinates is not None:
        data["coordinates"] = coordinates
    if data == record.data:
        return False
    with transaction(conn):
        store.put_records(conn, [("place", data)], author)
        activity.record(conn, author, "place_coordinates", place_id,
                     cleared=coordinates is None)
    return True
