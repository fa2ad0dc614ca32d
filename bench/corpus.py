"""A seeded, reproducible synthetic corpus in the interchange format (docs/FORMAT.md).

Testimonies with Arabic and English narratives of 1–4 KB carrying names, places and
dates; a witness (a person, some with a protected identity) for one testimony in
ten; an incident with a victim group for one in five. Places and sources are made
once and shared. Same seed, same corpus: ids come from the seeded generator too.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

FORMAT = "testimony/1"


def _words(text: str) -> list[str]:
    return text.split()


AR_WORDS = _words(
    "الحاجز المدرسة المستشفى القصف الطائرة المعتقل الجنود الميليشيا الإجلاء الحافلات "
    "الطريق الحي الشارع البيت العائلة الأطفال النساء الرجال الجرحى الشهداء المفقودين "
    "الاعتقال التعذيب السجن الزنزانة الضابط التحقيق الأوراق الهوية المال السيارة "
    "صباحا مساء ليلا يوم شهر أخذوا ضربوا قتلوا اعتقلوا نقلوا فتشوا هربنا رأيت سمعت قال "
    "أخي أبي أمي جاري صديقي الطبيب الممرض المسعف الدفاع المدني الكهرباء الماء الخبز"
)
EN_WORDS = _words(
    "checkpoint school hospital shelling airstrike detention soldiers militia evacuation "
    "buses road neighbourhood street house family children women men wounded killed missing "
    "arrest torture prison cell officer interrogation papers identity money car morning "
    "evening night day month took beat killed arrested moved searched fled saw heard said "
    "brother father mother neighbour friend doctor nurse paramedic civil defence electricity "
    "water bread bakery market mosque bridge square basement convoy crossing"
)
AR_NAMES = ("محمد", "أحمد", "خالد", "عمر", "يوسف", "إبراهيم", "فاطمة", "مريم", "زينب",
            "عائشة", "حسن", "حسين", "علي", "سارة", "ليلى", "نور", "رامي", "سامر")
AR_FAMILIES = ("الحلبي", "الأحمد", "حجار", "الخطيب", "الشامي", "العلي", "المصري", "قاسم",
               "الحسن", "النجار", "الصباغ", "عثمان")
EN_NAMES = ("Mohammad", "Ahmad", "Khaled", "Omar", "Youssef", "Ibrahim", "Fatima", "Maryam",
            "Zeinab", "Aisha", "Hassan", "Hussein", "Ali", "Sara", "Layla", "Nour", "Rami")
EN_FAMILIES = ("Halabi", "Al-Ahmad", "Hajjar", "Khatib", "Shami", "Al-Ali", "Masri", "Qassem",
               "Hassan", "Najjar", "Sabbagh", "Othman")
PLACE_NAMES = (("Bustan al-Qasr", "بستان القصر"), ("Salah al-Din", "صلاح الدين"),
               ("al-Kallaseh", "الكلاسة"), ("al-Sukkari", "السكري"), ("al-Mashhad", "المشهد"),
               ("al-Ansari", "الأنصاري"), ("al-Fardous", "الفردوس"),
               ("Bab al-Nairab", "باب النيرب"),
               ("al-Shaar", "الشعار"), ("Masaken Hanano", "مساكن هنانو"), ("al-Sakhour", "الصاخور"),
               ("Tariq al-Bab", "طريق الباب"), ("al-Ramouseh", "الراموسة"), ("Jibreen", "جبرين"))
INCIDENT_TYPES = ("arbitrary_arrest", "enforced_disappearance", "summary_execution",
                  "killing_shelling", "killing_airstrike", "torture", "looting",
                  "forced_displacement", "attack_on_medical")
MODES = ("in_person", "phone", "remote", "written")
SCOPES = ("internal", "partners", "publish_anonymised", "publish_named")
QUALIFIERS = ("exact", "at_least", "approximately", "perhaps_more")
VICTIM_STATUS = ("detained", "killed", "released", "missing")

# Words a search benchmark looks for: common, rare, Arabic (with and without the
# article, in a hamza variant) and English, names and prefixes.
QUERIES = ("الحاجز", "مدرسة", "المستشفى", "اعتقلوا", "احمد", "حجار", "بستان القصر", "الاجلاء",
           "checkpoint", "hospital", "Hajjar", "Khaled", "evacuation convoy", "interrog",
           "bakery", "torture prison", "Bustan", "civil defence")


class Corpus:
    def __init__(self, seed: int = 2016) -> None:
        self.rng = random.Random(seed)
        self.places = self._places()
        self.sources = [{"id": self._id(), "name": f"Documentation network {i}",
                         "kind": "organisation", "reference": "synthetic source"}
                        for i in range(5)]

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _places(self) -> list[dict[str, Any]]:
        country = {"id": self._id(), "name": {"en": "Syria", "ar": "سوريا"}, "level": "country"}
        gov = {"id": self._id(), "name": {"en": "Aleppo", "ar": "حلب"}, "level": "governorate",
               "parent": country["id"]}
        city = {"id": self._id(), "name": {"en": "Aleppo", "ar": "حلب"}, "level": "city",
                "parent": gov["id"]}
        hoods = [{"id": self._id(), "name": {"en": en, "ar": ar}, "level": "neighbourhood",
                  "parent": city["id"]} for en, ar in PLACE_NAMES]
        return [country, gov, city, *hoods]

    def _date(self) -> tuple[dict[str, Any], str]:
        rng = self.rng
        y, m, d = rng.randint(2011, 2024), rng.randint(1, 12), rng.randint(1, 28)
        kind = rng.random()
        if kind < 0.6:
            return {"precision": "day", "value": f"{y}-{m:02d}-{d:02d}"}, f"{y}-{m:02d}-{d:02d}"
        if kind < 0.85:
            return {"precision": "month", "value": f"{y}-{m:02d}", "text": "early in the month"
                    }, f"{y}-{m:02d}"
        return ({"precision": "range", "from": f"{y}-{m:02d}-01", "to": f"{y}-{m:02d}-{d:02d}",
                 "text": "mid-month"}, f"{y}-{m:02d}")

    def _text(self, words: tuple[str, ...] | list[str], names: tuple[str, ...],
              families: tuple[str, ...], place: str, when: str, size: int) -> str:
        rng = self.rng
        out: list[str] = []
        length = 0
        while length < size:
            sentence = rng.choices(words, k=rng.randint(6, 14))
            if rng.random() < 0.5:
                sentence.insert(rng.randrange(len(sentence)),
                                f"{rng.choice(names)} {rng.choice(families)}")
            if rng.random() < 0.3:
                sentence.append(place)
            if rng.random() < 0.2:
                sentence.append(when)
            text = " ".join(sentence) + "."
            out.append(text)
            length += len(text.encode("utf-8"))
        return " ".join(out)

    def batch(self, n: int, *, with_places: bool = False) -> dict[str, Any]:
        """A document with `n` testimonies (and their witnesses and incidents)."""
        rng = self.rng
        testimonies: list[dict[str, Any]] = []
        persons: list[dict[str, Any]] = []
        incidents: list[dict[str, Any]] = []
        for _ in range(n):
            place = rng.choice(self.places[3:])
            date, when = self._date()
            size = rng.randint(1024, 4096)  # the narrative, both languages together
            en = self._text(EN_WORDS, EN_NAMES, EN_FAMILIES, place["name"]["en"], when, size // 2)
            ar = self._text(AR_WORDS, AR_NAMES, AR_FAMILIES, place["name"]["ar"], when,
                            size - size // 2)
            t: dict[str, Any] = {
                "id": self._id(),
                "title": " ".join(rng.choices(EN_WORDS, k=5)).capitalize(),
                "interview": {"date": date, "place": place["id"],
                              "interviewer": f"researcher {rng.randint(1, 40)}",
                              "language": rng.choice(("ar", "en")), "mode": rng.choice(MODES)},
                "consent": {"scope": rng.choice(SCOPES), "recorded_by": "field team"},
                "narrative": {"en": en, "ar": ar},
                "summary": {"en": " ".join(rng.choices(EN_WORDS, k=25))},
                "assessment": {"reliability": rng.choice("ABCDEF"),
                               "credibility": rng.randint(1, 6)},
                "status": rng.choice(("draft", "finalised")),
                "source": rng.choice(self.sources)["id"],
            }
            if rng.random() < 0.1:
                person: dict[str, Any] = {"id": self._id(), "sex": rng.choice(("female", "male")),
                                          "age": rng.randint(16, 80), "age_group": "adult"}
                if rng.random() < 0.5:
                    person["identity"] = {
                        "name": {"en": f"{rng.choice(EN_NAMES)} {rng.choice(EN_FAMILIES)}",
                                 "ar": f"{rng.choice(AR_NAMES)} {rng.choice(AR_FAMILIES)}"},
                        "public_domain": False}
                persons.append(person)
                t["witness"] = person["id"]
            else:
                t["no_incident_reason"] = "context only"
            testimonies.append(t)
            if rng.random() < 0.2:
                count = rng.randint(2, 70)
                women = rng.randint(0, count // 3)
                incidents.append({
                    "id": self._id(), "type": rng.choice(INCIDENT_TYPES), "date": date,
                    "place": place["id"],
                    "description": {"en": " ".join(rng.choices(EN_WORDS, k=40)),
                                    "ar": " ".join(rng.choices(AR_WORDS, k=40))},
                    "perpetrator": {"category": "unknown", "description": "not identified"},
                    "victims": [{"group": {
                        "label": {"en": f"members of the {rng.choice(EN_FAMILIES)} family",
                                  "ar": f"أفراد من عائلة {rng.choice(AR_FAMILIES)}"},
                        "count": count, "qualifier": rng.choice(QUALIFIERS),
                        "breakdown": {"women": women}},
                        "status": rng.choice(VICTIM_STATUS)}],
                    "verification": "unverified", "testimonies": [t["id"]],
                    "sources": [t["source"]]})
        doc: dict[str, Any] = {"format": FORMAT, "testimonies": testimonies}
        if with_places:
            doc["places"] = self.places
            doc["sources"] = self.sources
        if persons:
            doc["persons"] = persons
        if incidents:
            doc["incidents"] = incidents
        return doc

    def documents(self, total: int, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Documents holding `total` testimonies; the first also carries places and sources."""
        first = True
        while total > 0:
            n = min(batch, total)
            yield self.batch(n, with_places=first)
            first = False
            total -= n


def texts(record: dict[str, Any]) -> str:
    """The free text of a record as the baseline indexes it (no normalisation)."""
    parts = [record.get("title", "")]
    for key in ("narrative", "summary", "description"):
        value = record.get(key)
        if isinstance(value, dict):
            parts.extend(value.values())
    for victim in record.get("victims", []):
        parts.extend(victim.get("group", {}).get("label", {}).values())
    return "\n".join(p for p in parts if p)
