"""Duplicates and corroboration on a large synthetic vault.

    .venv/bin/python -m bench.workspace [--size N ...] [--keep DIR] [--seed S]

Builds a seeded vault of N records through the core store (`Session.add_document`,
batches of 1 000): about 200 places (country, governorates, cities, neighbourhoods,
some neighbourhood names repeated in several cities and some cities recorded twice
without a parent, as two researchers do), persons (half the records) with names in
Arabic or Latin script, spelling variants (Mohammad/Muhammad/محمد, Hassan/Hasan,
al-/Al/none), a Zipf-distributed set of family names and a common first name
(Muhammad, one man in five), testimonies (15 %) and incidents (35 %) of a few
types over two years, with day, month, range, year and open-ended ("before",
"after") dates, some without a place, and a hotspot of N/100 arrests in one city
in one month.

Some records are planted second accounts: 5 % of persons are a person recorded
again (the other script, another spelling, a typo in one part, the middle names
left out), 5 % of incidents the same event told in another testimony (the same
place or the place around it, the same day or the month around it). The run times

- `Session.duplicates()` (duplicates.review),
- `Session.corroboration_suggestions()` and `Session.corroboration_clusters()`,

and reports how many suggestions each gives and how many planted pairs they find
(a measure of what blocking and caps leave out). No names are printed.

`--keep DIR` builds the vault there (or reuses it when it exists), so that several
runs time the same vault.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from testimony_app.core.identity import duplicates
from testimony_app.core.session import Session
from testimony_app.core.vault import keyfile

PASSPHRASE = "correct horse battery staple"  # noqa: S105 - a throwaway bench vault
BATCH = 1000
START, DAYS = date(2015, 1, 1), 730

# (Latin spellings, Arabic spelling, weight)
MALE: list[tuple[tuple[str, ...], str, float]] = [
    (("Muhammad", "Mohammad", "Mohammed", "Mohamed", "Mohamad"), "محمد", 25),
    (("Ahmad", "Ahmed"), "أحمد", 7), (("Mahmoud", "Mahmud"), "محمود", 3),
    (("Ali",), "علي", 4), (("Hasan", "Hassan"), "حسن", 3),
    (("Husayn", "Hussein", "Hussain"), "حسين", 3), (("Khaled", "Khalid"), "خالد", 4),
    (("Omar", "Umar"), "عمر", 3), (("Yousef", "Yusuf", "Youssef"), "يوسف", 3),
    (("Ibrahim", "Ebrahim"), "إبراهيم", 2), (("Mustafa", "Moustafa"), "مصطفى", 2),
    (("Abd al-Rahman", "Abdulrahman", "Abdel Rahman"), "عبد الرحمن", 2),
    (("Abdullah", "Abdallah"), "عبد الله", 3), (("Abd al-Karim", "Abdelkarim"), "عبد الكريم", 1),
    (("Samir", "Sameer"), "سمير", 1), (("Walid", "Waleed"), "وليد", 1), (("Fadi",), "فادي", 1),
    (("Rami",), "رامي", 1), (("Bilal",), "بلال", 1), (("Hamza",), "حمزة", 1),
    (("Osama", "Usama"), "أسامة", 1), (("Jamal", "Gamal"), "جمال", 1), (("Nabil",), "نبيل", 1),
    (("Ziad", "Ziyad"), "زياد", 1), (("Tareq", "Tariq"), "طارق", 1), (("Said", "Saeed"), "سعيد", 1),
    (("Majid", "Majed"), "ماجد", 1), (("Adnan",), "عدنان", 1), (("Yasser", "Yasir"), "ياسر", 1),
    (("Anas",), "أنس", 1), (("Qasim", "Kassem", "Qassem"), "قاسم", 1),
    (("Othman", "Uthman"), "عثمان", 1), (("Hisham",), "هشام", 1), (("Imad", "Emad"), "عماد", 1),
    (("Karim", "Kareem"), "كريم", 1), (("Nasser", "Nasir"), "ناصر", 1),
    (("Salim", "Saleem"), "سليم", 1), (("Wael",), "وائل", 1), (("Jihad",), "جهاد", 1),
    (("Muhannad",), "مهند", 1), (("Nour al-Din", "Noureddine"), "نور الدين", 1),
    (("Firas",), "فراس", 1), (("Ghassan",), "غسان", 1), (("Maher",), "ماهر", 1),
    (("Haitham",), "هيثم", 1), (("Jawad",), "جواد", 1), (("Riad", "Riyad"), "رياض", 1),
]
FEMALE: list[tuple[tuple[str, ...], str, float]] = [
    (("Fatima", "Fatma"), "فاطمة", 8), (("Maryam", "Mariam"), "مريم", 4), (("Zainab", "Zeinab"),
                                                                       "زينب", 3),
    (("Aisha", "Aysha"), "عائشة", 3), (("Khadija",), "خديجة", 3), (("Amina",), "آمنة", 2),
    (("Layla", "Laila"), "ليلى", 2), (("Huda", "Houda"), "هدى", 2), (("Rania",), "رانيا", 1),
    (("Hanan",), "حنان", 1), (("Samira",), "سميرة", 1), (("Nour", "Noor"), "نور", 2),
    (("Sara", "Sarah"), "سارة", 2), (("Rasha",), "رشا", 1), (("Asma",), "أسماء", 1),
    (("Iman", "Eman"), "إيمان", 1), (("Ghada",), "غادة", 1), (("Lina",), "لينا", 1),
    (("Dima",), "ديما", 1), (("Wafaa", "Wafa"), "وفاء", 1), (("Salma",), "سلمى", 1),
    (("Hiba",), "هبة", 1), (("Rim", "Reem"), "ريم", 1), (("Nisreen", "Nesrine"), "نسرين", 1),
]
FAMILIES: list[tuple[tuple[str, ...], str]] = [
    (("al-Halabi", "Halabi", "Alhalabi"), "الحلبي"), (("Hajjar", "Hajar"), "حجار"),
    (("al-Khatib", "Khatib"), "الخطيب"), (("al-Shami", "Shami"), "الشامي"),
    (("al-Ali", "Al Ali"), "العلي"), (("al-Masri", "Masri"), "المصري"),
    (("Qassem", "Kassem"), "قاسم"), (("al-Hasan", "al-Hassan"), "الحسن"),
    (("al-Najjar", "Najjar"), "النجار"), (("al-Sabbagh", "Sabbagh"), "الصباغ"),
    (("Othman", "Uthman"), "عثمان"), (("Darwish", "Darwich"), "درويش"), (("Khalil",), "خليل"),
    (("Haddad",), "حداد"), (("Hamdan",), "حمدان"), (("Mansour", "Mansur"), "منصور"),
    (("al-Ahmad", "Al Ahmad"), "الأحمد"), (("al-Hussein", "al-Husayn"), "الحسين"),
    (("al-Omar", "Al Omar"), "العمر"), (("Ibrahim",), "إبراهيم"), (("Saleh", "Salih"), "صالح"),
    (("Khoury", "Khouri"), "خوري"), (("Jaber", "Jabir"), "جابر"), (("al-Hamwi", "Hamwi"), "الحموي"),
    (("al-Idlibi", "Idlibi"), "الإدلبي"), (("Kurdi",), "كردي"), (("Attar", "al-Attar"), "العطار"),
    (("Bakri", "al-Bakri"), "البكري"), (("Shaaban", "Chaaban"), "شعبان"),
    (("al-Rifai", "Rifai"), "الرفاعي"), (("al-Tawil", "Tawil"), "الطويل"),
    (("Hijazi", "Hejazi"), "حجازي"), (("Sultan",), "سلطان"), (("al-Qadi", "Kadi"), "القاضي"),
]
# Consonants of synthetic family names: (Latin, Arabic). Skeletons agree across scripts.
CONSONANTS = [("b", "ب"), ("t", "ت"), ("th", "ث"), ("j", "ج"), ("h", "ح"), ("kh", "خ"),
              ("d", "د"), ("r", "ر"), ("z", "ز"), ("s", "س"), ("sh", "ش"), ("s", "ص"),
              ("gh", "غ"), ("f", "ف"), ("q", "ق"), ("k", "ك"), ("l", "ل"), ("m", "م"),
              ("n", "ن")]
LONG = {"a": "ا", "i": "ي", "u": "و"}
TYPES = [("arbitrary_arrest", 35), ("killing_shelling", 15), ("torture", 15),
         ("enforced_disappearance", 10), ("looting", 10), ("forced_displacement", 8),
         ("summary_execution", 7)]
PERPETRATORS = ["government_forces", "pro_government_militia", "armed_opposition", "unknown"]
GOVERNORATES = [("Aleppo", "حلب"), ("Idlib", "إدلب"), ("Homs", "حمص"), ("Hama", "حماة"),
                ("Damascus", "دمشق"), ("Rif Dimashq", "ريف دمشق"), ("Deir ez-Zor", "دير الزور"),
                ("Daraa", "درعا")]
HOODS = [("al-Midan", "الميدان"), ("al-Jadida", "الجديدة"), ("Bab al-Hawa", "باب الهوى"),
         ("al-Sinaa", "الصناعة"), ("al-Qusour", "القصور"), ("al-Mahatta", "المحطة"),
         ("al-Arbaeen", "الأربعين"), ("al-Qalaa", "القلعة"), ("Salah al-Din", "صلاح الدين"),
         ("al-Sukkari", "السكري"), ("al-Ansari", "الأنصاري"), ("al-Shaar", "الشعار"),
         ("Bustan al-Qasr", "بستان القصر"), ("al-Kallaseh", "الكلاسة"), ("al-Marjeh", "المرجة"),
         ("al-Bayada", "البياضة"), ("al-Khalidiya", "الخالدية"), ("al-Waer", "الوعر")]


@dataclass
class Vault:
    folder: Path
    records: int
    planted_persons: list[tuple[str, str]] = field(default_factory=list)
    planted_incidents: list[tuple[str, str]] = field(default_factory=list)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.families = FAMILIES + self._synthetic_families(1500)
        # Zipf: the k-th family is 1/k as common as the first.
        self.family_weights = [1 / (k + 1) for k in range(len(self.families))]

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _synthetic_families(self, n: int) -> list[tuple[tuple[str, ...], str]]:
        rng, seen = self.rng, set()
        out: list[tuple[tuple[str, ...], str]] = []
        while len(out) < n:
            cs = [rng.choice(CONSONANTS) for _ in range(rng.choice((2, 3, 3, 3, 4)))]
            latin, arabic = "", ""
            for k, (lat, ar) in enumerate(cs):
                latin, arabic = latin + lat, arabic + ar
                if k < len(cs) - 1:  # a vowel after every consonant but the last
                    vowel = rng.choice("aiu")
                    latin += vowel
                    if rng.random() < 0.4:  # a long vowel is written in Arabic too
                        arabic += LONG[vowel]
            nisba, article = rng.random() < 0.4, rng.random() < 0.4
            if nisba:
                latin, arabic = latin + "i", arabic + "ي"
            latin = latin.capitalize()
            if arabic in seen:
                continue
            seen.add(arabic)
            variants = [latin, latin.replace("u", "ou"), latin.replace("i", "ee", 1)]
            if article:
                variants = ["al-" + v for v in variants] + [v for v in variants]
                arabic = "ال" + arabic
            out.append((tuple(dict.fromkeys(variants)), arabic))
        return out

    # -- names ---------------------------------------------------------------------

    def _pick(self, table: list[tuple[tuple[str, ...], str, float]]) -> tuple[tuple[str, ...], str]:
        choice = self.rng.choices(table, weights=[w for *_r, w in table])[0]
        return choice[0], choice[1]

    def name_parts(self, sex: str) -> list[tuple[tuple[str, ...], str]]:
        rng = self.rng
        given = self._pick(MALE if sex == "male" else FEMALE)
        family = rng.choices(self.families, weights=self.family_weights)[0]
        shape = rng.random()
        middles = [] if shape < 0.2 else [self._pick(MALE)] if shape < 0.75 else [
            self._pick(MALE), self._pick(MALE)]
        return [given, *middles, family]

    def spell(self, parts: list[tuple[tuple[str, ...], str]], arabic: bool) -> str:
        if arabic:
            return " ".join(ar for _l, ar in parts)
        return " ".join(self.rng.choice(latin) for latin, _a in parts)

    def typo(self, text: str) -> str:
        """One consonant of the last (or first) part replaced by another."""
        words = text.split(" ")
        index = len(words) - 1 if self.rng.random() < 0.7 else 0
        word = words[index]
        spots = [i for i, ch in enumerate(word) if ch.isalpha() and ch.lower() not in "aeiouyw-l"]
        if not spots:
            return text
        i = self.rng.choice(spots[1:] or spots)
        arabic = "\u0600" <= word[i] <= "\u06ff"
        pool = [c[1] for c in CONSONANTS] if arabic else list("bdfkmnrstz")
        words[index] = word[:i] + self.rng.choice([c for c in pool if c != word[i]]) + word[i + 1:]
        return " ".join(words)

    # -- records ----------------------------------------------------------------------

    def places(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        rng = self.rng
        country: dict[str, Any] = {"id": self.uid(), "name": {"en": "Syria", "ar": "سوريا"},
                                   "level": "country"}
        out: list[dict[str, Any]] = [country]
        parent: dict[str, str] = {}
        for en, ar in GOVERNORATES:
            gov: dict[str, Any] = {
                "id": self.uid(), "name": {"en": f"{en} Governorate", "ar": f"محافظة {ar}"},
                "level": "governorate", "parent": country["id"]}
            out.append(gov)
            parent[gov["id"]] = country["id"]
            for k in range(5):
                city_name = (en, ar) if k == 0 else (f"{en} town {k}", f"{ar} {k}")
                city: dict[str, Any] = {
                    "id": self.uid(), "name": {"en": city_name[0], "ar": city_name[1]},
                    "level": "city", "parent": gov["id"]}
                out.append(city)
                parent[city["id"]] = gov["id"]
                for hen, har in rng.sample(HOODS, 4 if k < 2 else 3):
                    hood = {"id": self.uid(), "name": {"en": hen, "ar": har},
                            "level": "neighbourhood", "parent": city["id"]}
                    out.append(hood)
                    parent[hood["id"]] = city["id"]
        # Cities recorded again by another researcher: Arabic name only, no parent.
        for city in [p for p in out if p["level"] == "city"][:10]:
            again = {"id": self.uid(), "name": {"ar": city["name"]["ar"]}, "level": "city"}
            out.append(again)
        return out, parent

    def date(self, day: int) -> dict[str, Any]:
        rng, d = self.rng, START + timedelta(days=day)
        kind = rng.random()
        if kind < 0.60:
            return {"precision": "day", "value": d.isoformat()}
        if kind < 0.75:
            return {"precision": "month", "value": d.isoformat()[:7]}
        if kind < 0.83:
            return {"precision": "approximate", "from": d.isoformat(),
                    "to": (d + timedelta(days=rng.randint(2, 9))).isoformat()}
        if kind < 0.87:
            return {"precision": "range", "from": d.isoformat(),
                    "to": (d + timedelta(days=rng.randint(10, 30))).isoformat()}
        if kind < 0.90:
            return {"precision": "range", "from": d.isoformat(),
                    "to": (d + timedelta(days=rng.randint(60, 180))).isoformat()}
        if kind < 0.95:
            return {"precision": "year", "value": str(d.year)}
        return {"precision": "before" if kind < 0.98 else "after", "value": d.isoformat()}


def build(size: int, folder: Path, seed: int) -> Vault:
    gen = Generator(seed)
    rng = gen.rng
    places, parent = gen.places()
    n_testimonies = size * 15 // 100
    n_incidents = size * 35 // 100
    n_persons = size - len(places) - n_testimonies - n_incidents
    out = Vault(folder, size)

    persons: list[dict[str, Any]] = []
    shapes: list[tuple[str, list[tuple[tuple[str, ...], str]], int | None]] = []
    for _ in range(n_persons):
        if shapes and rng.random() < 0.05:  # the same person, recorded again
            index = rng.randrange(len(shapes))
            sex, parts, born = shapes[index]
            how = rng.random()
            arabic = rng.random() < 0.5
            if how < 0.15:
                parts = [parts[0], parts[-1]] if len(parts) > 2 else parts
            text = gen.spell(parts, arabic)
            if 0.15 <= how < 0.35:
                text = gen.typo(text)
            person = _person(gen, sex, text, born if rng.random() < 0.7 else None)
            out.planted_persons.append((persons[index]["id"], person["id"]))
        else:
            sex = "male" if rng.random() < 0.6 else "female"
            parts = gen.name_parts(sex)
            born = rng.randint(1940, 2010) if rng.random() < 0.6 else None
            person = _person(gen, sex, gen.spell(parts, rng.random() < 0.55), born)
        persons.append(person)
        shapes.append((person["sex"], parts, born))

    testimonies = [{
        "id": gen.uid(), "title": f"account {k}", "witness": rng.choice(persons)["id"],
        "interview": {"date": {"precision": "day", "value": "2017-01-10"}, "language": "ar",
                      "mode": "in_person", "interviewer": f"researcher {k % 40}"},
        "consent": {"scope": "internal", "recorded_by": "field team"}, "status": "draft"}
        for k in range(n_testimonies)]

    types = [t for t, _w in TYPES]
    type_weights = [w for _t, w in TYPES]
    cities = [p for p in places if p["level"] == "city" and p.get("parent")]
    hotspot_city = cities[0]
    hotspot_places = [hotspot_city] + [p for p in places if p.get("parent") == hotspot_city["id"]]
    by_level: dict[str, list[dict[str, Any]]] = {}
    for p in places:
        by_level.setdefault(p["level"], []).append(p)
    hotspot = size // 100
    incidents: list[dict[str, Any]] = []
    for k in range(n_incidents):
        testimony = rng.choice(testimonies)["id"]
        if incidents and rng.random() < 0.05:  # the same event, told in another account
            first = rng.choice(incidents)
            place = first.get("place")
            if place and rng.random() < 0.3 and place in parent:
                place = parent[place]
            when = first["date"]
            if when["precision"] == "day" and rng.random() < 0.4:
                when = {"precision": "month", "value": when["value"][:7]}
            while testimony in first["testimonies"]:
                testimony = rng.choice(testimonies)["id"]
            rec = _incident(gen, first["type"], when, place, testimony, persons)
            out.planted_incidents.append((first["id"], rec["id"]))
        elif k < hotspot:  # many arrests in one city in one month
            day = rng.randrange(31)
            when = {"precision": "day", "value": (date(2016, 12, 1) + timedelta(days=day)
                                                  ).isoformat()}
            if rng.random() < 0.2:
                when = {"precision": "month", "value": "2016-12"}
            rec = _incident(gen, "arbitrary_arrest", when, rng.choice(hotspot_places)["id"],
                            testimony, persons)
        else:
            level = rng.random()
            pool = ("neighbourhood" if level < 0.6 else "city" if level < 0.88 else
                    "governorate" if level < 0.94 else "country" if level < 0.96 else None)
            place = rng.choice(by_level[pool])["id"] if pool else None
            rec = _incident(gen, rng.choices(types, type_weights)[0], gen.date(rng.randrange(DAYS)),
                            place, testimony, persons)
        incidents.append(rec)

    session, _code = Session.create(folder, PASSPHRASE, keyfile.FLOOR)
    try:
        began = time.perf_counter()
        session.add_document({"format": "testimony/1", "places": places})
        for key, items in (("persons", persons), ("testimonies", testimonies),
                           ("incidents", incidents)):
            for start in range(0, len(items), BATCH):
                session.add_document({"format": "testimony/1", key: items[start:start + BATCH]})
        _say(f"  built {size} records ({len(persons)} persons, {len(testimonies)} testimonies, "
             f"{len(incidents)} incidents, {len(places)} places) in "
             f"{time.perf_counter() - began:.0f} s")
    finally:
        session.close()
    return out


def _person(gen: Generator, sex: str, name: str, born: int | None) -> dict[str, Any]:
    identity: dict[str, Any] = {"name": {"ar" if "\u0600" <= name[0] <= "\u06ff" else "en": name},
                                "public_domain": False}
    if born:
        identity["birth_date"] = {"precision": "year", "value": str(born)}
    return {"id": gen.uid(), "sex": sex, "identity": identity}


def _incident(gen: Generator, type_: str, when: dict[str, Any], place: str | None,
              testimony: str, persons: list[dict[str, Any]]) -> dict[str, Any]:
    rng = gen.rng
    rec: dict[str, Any] = {"id": gen.uid(), "type": type_, "date": when,
                           "verification": "unverified", "testimonies": [testimony],
                           "perpetrator": {"category": rng.choice(PERPETRATORS)}}
    victims = [{"person": rng.choice(persons)["id"], "status": "detained"}
               for _ in range(rng.choice((0, 1, 1, 2)))]
    rec["victims"] = victims or [{"group": {"label": {"en": "men"}, "count": 3,
                                            "qualifier": "exact"}, "status": "detained"}]
    if place:
        rec["place"] = place
    return rec


# -- timing ------------------------------------------------------------------------


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _time(fn: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def measure(built: Vault, runs: int) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with Session.open(built.folder, PASSPHRASE) as session:
        counts = session.counts()
        _say(f"  vault: {counts}")
        seconds, review = _time(lambda: session.duplicates(names=False), runs)
        found = {frozenset((s.a.id, s.b.id)) for s in review.suggestions}
        roots = {str(k): str(v) for k, v in duplicates.canonical(session.conn).items()}
        hit = sum(frozenset((roots.get(a, a), roots.get(b, b))) in found
                  for a, b in built.planted_persons)
        rows.append(("duplicates.review", f"{seconds:8.2f} s  {len(review.suggestions):7d} "
                     f"suggestions, planted found {hit}/{len(built.planted_persons)}"))
        _say("  " + rows[-1][0] + " " + rows[-1][1])
        if review.suggestions:
            first = review.suggestions[0]
            session.merge_persons(first.a.id, first.b.id)
            seconds, _r = _time(lambda: session.duplicates(names=False), 1)
            rows.append(("review after a merge", f"{seconds:8.2f} s"))
            _say("  " + rows[-1][0] + " " + rows[-1][1])
            session.unmerge_person(first.b.id)
        seconds, suggestions = _time(session.corroboration_suggestions, runs)
        pairs = {frozenset((s.a.id, s.b.id)) for s in suggestions}
        hit = sum(frozenset(p) in pairs for p in built.planted_incidents)
        top = {frozenset((s.a.id, s.b.id)) for s in suggestions[:1000]}
        top_hit = sum(frozenset(p) in top for p in built.planted_incidents)
        rows.append(("corroboration suggestions", f"{seconds:8.2f} s  {len(suggestions):7d} "
                     f"suggestions, planted found {hit}/{len(built.planted_incidents)} "
                     f"({top_hit} in the first 1 000)"))
        _say("  " + rows[-1][0] + " " + rows[-1][1])
        seconds, clusters = _time(session.corroboration_clusters, runs)
        rows.append(("corroboration clusters", f"{seconds:8.2f} s  {len(clusters):7d} clusters"))
        _say("  " + rows[-1][0] + " " + rows[-1][1])
        # What the Corroboration page asks for on every load and after every decision.
        seconds, _r = _time(lambda: (session.corroboration_suggestions(500),
                                     session.corroboration_clusters()), runs)
        rows.append(("corroboration page (500 best)", f"{seconds:8.2f} s"))
        _say("  " + rows[-1][0] + " " + rows[-1][1])
        if suggestions:
            best = suggestions[0]
            session.confirm_corroboration(best.a.id, best.b.id)
            seconds, _r = _time(lambda: session.corroboration_suggestions(500), 1)
            rows.append(("500 best after a decision", f"{seconds:8.2f} s"))
            session.undo_corroboration(best.a.id, best.b.id)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workspace", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, action="append",
                        help="records in the vault (repeatable; default 10000)")
    parser.add_argument("--keep", type=Path, help="build the vaults here and reuse them")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--runs", type=int, default=1, help="runs per timing (median)")
    args = parser.parse_args(argv)
    sizes = args.size or [10_000]
    work = args.keep or Path(tempfile.mkdtemp(prefix="testimony-workspace-"))
    report: list[str] = []
    try:
        for size in sizes:
            folder = work / f"vault-{size}-{args.seed}"
            _say(f"[workspace] {size} records")
            if folder.exists() and args.keep:
                built = build_plan_only(size, folder, args.seed)
            else:
                built = build(size, folder, args.seed)
                _save_plan(built)
            for name, text in measure(built, args.runs):
                report.append(f"{size:>7}  {name:30} {text}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report))
    return 0


def build_plan_only(size: int, folder: Path, seed: int) -> Vault:
    """The planted pairs of a vault built before with the same size and seed."""
    marker = folder.with_suffix(".planted")
    built = Vault(folder, size)
    for line in marker.read_text().splitlines():
        kind, a, b = line.split()
        (built.planted_persons if kind == "p" else built.planted_incidents).append((a, b))
    return built


def _save_plan(built: Vault) -> None:
    lines = [f"p {a} {b}" for a, b in built.planted_persons]
    lines += [f"i {a} {b}" for a, b in built.planted_incidents]
    built.folder.with_suffix(".planted").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
