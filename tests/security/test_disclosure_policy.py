"""The disclosure policy: no file of an export undoes a suppressed figure.

Random data sets are exported (the policy, then every writer, as `export` runs them,
without a vault: the policy reads nothing else). Two attacks on every suppressed
figure: adding up what any file still shows of it (victim lists, group counts and
breakdowns, persons' sex and age, per-incident counts in records.csv and the Uwazi
package) must give nothing; and changing the hidden value inside its suppressed range
must leave every byte of every file the same, so no computation over all the files
(totals minus parts included) can tell the two apart.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from testimony_app.core.audit import disclosure, redact, report
from testimony_app.core.common.errors import InputError
from tests.security.disclosure_attack import PARTS, hidden_cells, recover

TYPES = ["arbitrary_arrest", "torture"]
MONTHS = ["2016-11", "2016-12"]
ORGANISATION = {"id": "org", "name": "Org", "signing_key": "", "fingerprint": "AAAA"}
QUALIFIERS = ["exact", "at_least", "approximately", "perhaps_more"]


def _date(draw: st.DrawFn, month: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["day", "month", "range", "approximate", "span"]))
    first, last = draw(st.integers(1, 28)), draw(st.integers(1, 28))
    first, last = min(first, last), max(first, last)
    if kind == "span":  # across a month boundary: filed under its span
        return {"precision": "approximate", "from": f"{MONTHS[0]}-{first:02d}",
                "to": f"{MONTHS[1]}-{last:02d}"}
    if kind == "day":
        return {"precision": "day", "value": f"{month}-{first:02d}", "text": "one day"}
    if kind == "month":
        return {"precision": "month", "value": month}
    return {"precision": kind, "from": f"{month}-{first:02d}", "to": f"{month}-{last:02d}"}


@st.composite
def group(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(0, 9))
    breakdown: dict[str, int] = {}
    room = count
    for part in draw(st.lists(st.sampled_from(["women", "men", "girls", "boys", "children"]),
                              unique=True, max_size=3)):
        breakdown[part] = draw(st.integers(0, room))
        room -= breakdown[part]
    out: dict[str, Any] = {"count": count, "qualifier": draw(st.sampled_from(QUALIFIERS))}
    if breakdown:
        out["breakdown"] = breakdown
    if draw(st.booleans()):
        out["label"] = {"en": "the family"}
    return out


@st.composite
def data_sets(draw: st.DrawFn) -> tuple[disclosure.Holdings, disclosure.Profile]:
    persons = []
    for k in range(draw(st.integers(0, 8))):
        person: dict[str, Any] = {"id": f"person-{k}",
                                  "sex": draw(st.sampled_from(["female", "male", "unknown"]))}
        if draw(st.booleans()):
            person["age"] = draw(st.integers(1, 80))
        persons.append(person)
    ids = [p["id"] for p in persons]
    identities = {pid: {"name": {"en": f"Name {pid}"}, "public_domain": draw(st.booleans())}
                  for pid in ids if draw(st.booleans())}
    testimonies = []
    for k in range(draw(st.integers(0, 3))):
        t: dict[str, Any] = {
            "id": f"testimony-{k}",
            "status": draw(st.sampled_from(["finalised", "draft"])),
            "consent": {"scope": draw(st.sampled_from(["internal", "partners",
                                                       "publish_anonymised"]))},
            "interview": {"date": _date(draw, draw(st.sampled_from(MONTHS))),
                          "language": "en", "mode": "in_person"},
            "narrative": {"en": "what happened"}, "title": {"en": "a title"}}
        if bool(ids) and draw(st.booleans()):
            t["witness"] = draw(st.sampled_from(ids))
        testimonies.append(t)
    incidents = []
    for k in range(draw(st.integers(1, 8))):
        victims: list[dict[str, Any]] = []
        for _v in range(draw(st.integers(0, 3))):
            status = {"status": draw(st.sampled_from(["killed", "detained"]))}
            if bool(ids) and draw(st.booleans()):
                victims.append({"person": draw(st.sampled_from(ids)), **status})
            else:
                victims.append({"group": draw(group()), **status})
        incident: dict[str, Any] = {
            "id": f"incident-{k}", "type": draw(st.sampled_from(TYPES)),
            "date": _date(draw, draw(st.sampled_from(MONTHS))), "verification": "unverified",
            "place": draw(st.sampled_from(["site", "district", "city"])),
            "testimonies": [t["id"] for t in testimonies if draw(st.booleans())],
            "victims": victims, "description": {"en": "free text"}}
        if draw(st.integers(0, 4)):
            incident["sources"] = ["source-1"]
        incidents.append(incident)
    places = [
        {"id": "governorate", "name": {"en": "Gov", "ar": "محافظة"}, "level": "governorate"},
        {"id": "city", "name": {"en": "City", "ar": "مدينة"}, "level": "city",
         "parent": "governorate", "coordinates": {"lat": 36.2021, "lon": 37.1343}},
        {"id": "district", "name": {"en": "District"}, "level": "district", "parent": "city"},
        {"id": "site", "name": {"en": "Site"}, "level": "site", "parent": "district",
         "coordinates": {"lat": 36.20213, "lon": 37.13431, "precision_m": 5}}]
    approved = draw(st.booleans())
    holdings = disclosure.Holdings(
        sources=[{"id": "source-1", "name": "Other org", "kind": "organisation"}],
        places=places, persons=persons, testimonies=testimonies, incidents=incidents,
        aggregates=[{"id": "aggregate-1", "source": "source-1", "incident_type": TYPES[0],
                     "period": {"precision": "month", "value": MONTHS[0]}, "count": 3,
                     "qualifier": "at_least"}],
        identities=identities, witnesses=frozenset(), pseudonym=lambda pid: f"A-{pid}",
        narrate=lambda t: disclosure.Narrative(dict(t["narrative"]), {}, approved))
    profile = disclosure.Profile(
        auditor="Auditor", threshold=draw(st.integers(2, 6)),
        coarsen_places=draw(st.sampled_from([None, "city", "governorate"])),
        coarsen_dates=draw(st.booleans()))
    return holdings, profile


def export_files(holdings: disclosure.Holdings, profile: disclosure.Profile
                 ) -> dict[str, bytes]:
    """Every file an export writes, from the policy's result (as `redact.export` does,
    less the signature, which covers these bytes)."""
    result = disclosure.decide(copy.deepcopy(holdings), profile)
    manifest = redact.manifest_of(result, ORGANISATION, "2026-01-01T00:00:00Z")
    files = redact.render(result, manifest, with_uwazi=True)
    files["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return files


def true_values(holdings: disclosure.Holdings, profile: disclosure.Profile
                ) -> dict[tuple[str, str, str], int]:
    """Every documented figure before suppression (what the policy hides)."""
    everyone = disclosure._persons(holdings, {p["id"] for p in holdings.persons})
    persons = {p["pseudonym"]: p for p in everyone.values()}
    out = {}
    for (month, type_), members in report.cells(_raw_incidents(holdings, profile)).items():
        totals = report.tally_incidents(members, persons)
        for part in PARTS:
            out[(month, type_, part)] = totals[part]
    return out


def _raw_incidents(holdings: disclosure.Holdings, profile: disclosure.Profile
                   ) -> list[dict[str, Any]]:
    """The incidents that leave, with all their victims (the policy before its
    small-count step), through the policy's own helpers."""
    log: Counter[str] = Counter()
    _t, shared, _c, _w = disclosure._testimonies(holdings, profile, log)
    places = {p["id"]: p for p in holdings.places}
    incidents, _v = disclosure._incidents(copy.deepcopy(holdings), profile, shared, places, log)
    return incidents


def _held(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The test's data sets hold their records in lists (a vault's export streams them)."""
    assert isinstance(records, list)
    return records


def perturbations(holdings: disclosure.Holdings, profile: disclosure.Profile,
                  cell: tuple[str, str, str], value: int) -> list[disclosure.Holdings]:
    """Data sets where the hidden `cell` is one more, still below the threshold, and
    every other figure is the same."""
    month, type_, part = cell
    if value + 1 >= profile.threshold:
        return []
    members = {i["id"] for i in _raw_incidents(holdings, profile)
               if report.cell_of(i) == (month, type_)}
    out = []
    for index, incident in enumerate(holdings.incidents):
        if incident["id"] not in members:
            continue
        for v_index, victim in enumerate(incident["victims"]):
            if "group" not in victim:
                continue
            group = victim["group"]
            breakdown = group.get("breakdown", {})
            changed = copy.deepcopy(holdings)
            target = _held(changed.incidents)[index]["victims"][v_index]["group"]
            if part == "victims":
                target["count"] += 1
            elif group["count"] > sum(breakdown.values()):  # one more of an unsaid sex/age
                target.setdefault("breakdown", {})
                key = "women" if part == "women" else "children"
                target["breakdown"][key] = target["breakdown"].get(key, 0) + 1
            else:
                continue
            out.append(changed)
            break
        if part == "victims" and not out:  # no group: one more victim, as a new group
            changed = copy.deepcopy(holdings)
            _held(changed.incidents)[index]["victims"].append(
                {"group": {"count": 1, "qualifier": "exact"}})
            out.append(changed)
        if out:
            break
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_sets())
def test_no_file_recomputes_a_suppressed_figure(data: tuple[disclosure.Holdings,
                                                            disclosure.Profile]) -> None:
    holdings, profile = data
    files = export_files(holdings, profile)
    hidden = hidden_cells(files)
    # sums of parts and per-record counts, in every file: nothing
    assert recover(files) == {}
    truth = true_values(holdings, profile)
    for cell in hidden:
        value = truth[cell]
        assert value < profile.threshold
        assert value > 0 or cell[2] != "victims"
        # the hidden value one higher: every byte of every file stays the same
        shown = (cell[0], cell[1], "victims") not in hidden
        for changed in perturbations(holdings, profile, cell, value):
            event(f"{cell[2]} changed inside its suppressed range"
                  + (" (victims shown)" if shown else "")
                  + (" (a span of months)" if "/" in cell[0] else ""))
            assert truth != true_values(changed, profile)
            assert export_files(changed, profile) == files, cell


def test_attack_finds_the_cells_of_records_that_show_everything() -> None:
    """The attack is real: records that list every victim under a small figure (as
    exports did before the policy) give the figure away."""
    holdings = disclosure.Holdings(
        sources=[{"id": "s", "name": "S", "kind": "organisation"}], places=[],
        persons=[{"id": "p1", "sex": "female", "age": 30}], testimonies=[],
        incidents=[{"id": "i1", "type": "torture", "verification": "verified",
                    "date": {"precision": "day", "value": "2016-12-03"}, "sources": ["s"],
                    "victims": [{"person": "p1"}, {"group": {"count": 2,
                                                            "qualifier": "exact"}}]}],
        aggregates=[], identities={}, witnesses=frozenset(), pseudonym=lambda p: f"A-{p}",
        narrate=lambda t: None)
    files = export_files(holdings, disclosure.Profile())
    assert hidden_cells(files) == {("2016-12", "torture", part) for part in PARTS}
    assert recover(files) == {}
    records = json.loads(files["records.json"])
    assert records["persons"] == []  # the only victim is nobody's witness: not listed
    assert records["incidents"][0]["victims_withheld"] == {"qualifier": "exact"}
    # put the victims back, as the old exports had them: the attack recovers 3
    records["incidents"][0]["victims"] = [{"person": "A-p1"},
                                          {"group": {"count": 2, "qualifier": "exact"}}]
    del records["incidents"][0]["victims_withheld"]
    records["persons"] = [{"pseudonym": "A-p1", "sex": "female", "age_group": "adult"}]
    files["records.json"] = json.dumps(records).encode()
    assert recover(files)[("2016-12", "torture", "victims")] == {3}
    assert report.exposed(records, 5) == [("2016-12", "torture", part) for part in PARTS]


def test_threshold_is_bounded() -> None:
    for threshold in (0, 1, 101):
        with pytest.raises(InputError) as refused:
            disclosure.Profile(threshold=threshold)
        assert refused.value.code == "threshold"


def test_verify_fails_an_export_whose_records_undo_a_suppression(tmp_path: Path) -> None:
    """Signed by the organisation or not, records that still list the victims of a
    suppressed figure fail `verify`; the policy's own export passes."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from testimony_app.core.audit import verify
    from testimony_app.core.vault import org

    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    organisation = {"id": "org", "name": "Org", "signing_key": base64.b64encode(public).decode(),
                    "fingerprint": org.fingerprint(public)}
    holdings = disclosure.Holdings(
        sources=[{"id": "s", "name": "S", "kind": "organisation"}], places=[],
        persons=[], testimonies=[],
        incidents=[{"id": f"i{n}", "type": type_, "verification": "verified",
                    "date": {"precision": "month", "value": "2016-12"}, "sources": ["s"],
                    "victims": [{"group": {"count": count, "qualifier": "exact"}}]}
                   for n, (type_, count) in enumerate((("torture", 1), ("torture", 2),
                                                       ("arbitrary_arrest", 30)))],
        aggregates=[], identities={}, witnesses=frozenset(), pseudonym=lambda p: f"A-{p}",
        narrate=lambda t: None)
    for name, threshold, undo in (("good", 5, False), ("undone", 5, True),
                                  ("large", 40, False)):
        result = disclosure.decide(copy.deepcopy(holdings),
                                   disclosure.Profile(threshold=threshold))
        manifest = redact.manifest_of(result, organisation, "2026-01-01T00:00:00Z")
        files = redact.render(result, manifest)
        if undo:  # the victims put back, the figures left suppressed
            records = copy.deepcopy(result.records)
            records["incidents"] = copy.deepcopy(holdings.incidents)
            files["records.json"] = json.dumps(records).encode()
        folder = tmp_path / name
        folder.mkdir()
        for file_name, data in redact.signed(files, manifest, key.sign).items():
            (folder / file_name).write_bytes(data)
        problems, _manifest = verify.verify(folder, organisation["fingerprint"])
        if undo:
            assert "records.json shows the victims of a suppressed figure (2016-12, torture)" \
                in problems
        else:
            assert problems == [], name
    figures = json.loads((tmp_path / "large" / "manifest.json").read_text())["figures"]
    assert [f["victims"] for f in figures] == [None, None]  # 30 < 40: suppressed, verified
    figures = json.loads((tmp_path / "good" / "manifest.json").read_text())["figures"]
    assert [f["victims"] for f in figures] == [30, None]  # recomputed from the records
