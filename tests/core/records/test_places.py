"""Places keep their coordinates: imported, entered, listed, and the migration that
brings older vaults the table of source judgements."""

from __future__ import annotations

import uuid

import pytest

from testimony_app.core.common.errors import InputError
from testimony_app.core.records import places
from testimony_app.core.records.places import PlaceRow
from testimony_app.core.session import Session
from testimony_app.core.vault import migrations

ALEPPO = "337a6e99-d292-550d-ba46-a87231593d6b"


def test_imported_coordinates_are_listed(demo_session: Session) -> None:
    rows: dict[str, PlaceRow] = {r.id: r for r in demo_session.incident_places()}
    aleppo = rows[ALEPPO]
    assert aleppo.coordinates == {"lat": 36.2021, "lon": 37.1343, "precision_m": 10000}
    assert aleppo.incidents > 0 and aleppo.within.startswith("Aleppo Governorate")
    assert all(r.incidents + r.figures > 0 for r in rows.values())
    assert any(r.coordinates is None for r in rows.values())


def test_coordinates_entered_are_kept_and_logged(demo_session: Session) -> None:
    kallaseh = next(r for r in demo_session.incident_places() if r.name == "Kallaseh")
    assert demo_session.set_place_coordinates(kallaseh.id[:8], "36.1935, 37.1551, 300")
    (place,) = demo_session.show(kallaseh.id)["places"]
    assert place["coordinates"] == {"lat": 36.1935, "lon": 37.1551, "precision_m": 300}
    entry = demo_session.activity()[-1]
    assert (entry.action, entry.target) == ("place_coordinates", kallaseh.id)
    assert not demo_session.set_place_coordinates(kallaseh.id, "36.1935 37.1551 300")
    assert demo_session.set_place_coordinates(kallaseh.id, None)
    assert "coordinates" not in demo_session.show(kallaseh.id)["places"][0]


@pytest.mark.parametrize("text", ["", "36.2", "91, 37", "36, 181", "a, b", "nan, 3",
                                  "36, 37, -5", "1, 2, 3, 4", "inf, 0"])
def test_bad_coordinates_are_refused_in_words(text: str) -> None:
    with pytest.raises(InputError) as caught:
        places.parse_coordinates(text)
    assert caught.value.code == "coordinates"
    assert str(caught.value).startswith("Give coordinates as latitude, longitude")


def test_arabic_comma_and_spaces(session: Session) -> None:
    assert places.parse_coordinates("36.2021، 37.1343") == {"lat": 36.2021, "lon": 37.1343}
    source = {"id": str(uuid.uuid4()), "name": "Org", "kind": "organisation"}
    session.add_document({"format": "testimony/1", "sources": [source]})
    with pytest.raises(InputError) as caught:
        session.set_place_coordinates(source["id"], "1, 2")
    assert caught.value.code == "not_a_place"


def test_the_migration_adds_the_judgements_table(session: Session) -> None:
    """A vault of the version before: no table; opened again, it is there and empty."""
    conn = session.conn
    conn.execute("DROP TABLE source_independence")
    step = migrations.MIGRATIONS.index(migrations._V_SOURCE_INDEPENDENCE)
    conn.execute(f"PRAGMA user_version = {step}")
    folder, key = session.folder, session.data_key()
    session.close()
    with Session.open_with_key(folder, key) as again:
        assert again.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert again.source_judgements() == {}
