#!/usr/bin/env python3
"""Generate seeds/workspace-demo.json: two researchers' accounts of overlapping events.

The coordinator's workspace is about what happens when several
researchers describe the same events: incidents corroborated by independent
sources, victims recorded twice under different spellings, figures that
disagree. This data set gives a demo coordinator exactly that, built on the
events of seeds/aleppo-2016-report.txt (December 2016, east Aleppo):

* Researcher A (Field team A) interviews in Arabic; researcher B (Field team B)
  in English. Both use the organisation's gazetteer (the same place records as
  seeds/aleppo-2016.json), except that B made its own record for al-Sha'ar.
* Overlaps: the arrest of Dr Mahmoud Alsato on 14 December (A, exact day; B,
  "mid-December"; A's witness also gave a second interview, which is not a second
  source), the shelling of people fleeing on 2 December (A: about 44 killed;
  B: at least 40, "early December"), and the execution of Mohammad Abo al-Ward
  and two brothers in al-Sha'ar (A: before 20 December; B: 10-18 December).
* Only one researcher: the Jibreen field executions of 25 December (B), the
  arrest of four men of a family in al-Mayasser (A), a November arrest in
  Hanano (B) that must not be matched with anything.
* The same victims spelt differently: Alsato (A: "Mahmoud al-Sato", محمود الساطو;
  B: "Dr. Mahmoud Alsatu"; the report: "Dr. Mahmoud Alsato") and Abo al-Ward
  (A: محمد أبو الورد; B: "Muhammad Abu al-Ward").
* The victims' names in the narratives are tagged to them, so finalising replaces
  them by pseudonym codes on the researchers' laptops (the coordinator reads them).
* Witnesses are CLEARLY FICTIONAL people (their descriptions say so) with
  private identities, so that finalising seals them.

Deterministic: ids are uuid5 of readable keys. Standard library only.

    python seeds/make_workspace_demo.py            # writes seeds/workspace-demo.json
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://testimony.invalid/seeds/workspace-demo")
ALEPPO = Path(__file__).with_name("aleppo-2016.json")


def uid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def gazetteer() -> dict[str, dict[str, Any]]:
    places = json.loads(ALEPPO.read_text(encoding="utf-8"))["places"]
    return {p["name"]["en"]: p for p in places}


def places_for(names: list[str]) -> list[dict[str, Any]]:
    """The named places and all their ancestors, parents first."""
    by_name = gazetteer()
    by_id = {p["id"]: p for p in by_name.values()}
    chosen: dict[str, dict[str, Any]] = {}

    def add(place: dict[str, Any]) -> None:
        if "parent" in place:
            add(by_id[place["parent"]])
        chosen.setdefault(place["id"], place)

    for name in names:
        add(by_name[name])
    return list(chosen.values())


def place_id(name: str) -> str:
    return str(gazetteer()[name]["id"])


def day(value: str, text: str | None = None) -> dict[str, Any]:
    return {"precision": "day", "value": value, **({"text": text} if text else {})}


def span(start: str, end: str, text: str, precision: str = "approximate") -> dict[str, Any]:
    return {"precision": precision, "from": start, "to": end, "text": text}


def witness(key: str, sex: str, age: int, name_ar: str, name_en: str,
            occupation: str | None = None) -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": uid(f"person:{key}"), "sex": sex, "age": age, "age_group": "adult",
        "description": {"en": "Witness. A FICTIONAL person made for the demo data set.",
                        "ar": "شاهد. شخص متخيَّل أُنشئ لبيانات العرض."},
        "identity": {"name": {"ar": name_ar, "en": name_en}, "public_domain": False}}
    if occupation:
        person["occupation"] = occupation
    return person


def victim(key: str, sex: str, name: dict[str, str], aliases: list[str] | None = None,
           occupation: str | None = None) -> dict[str, Any]:
    identity: dict[str, Any] = {"name": name, "public_domain": True}
    if aliases:
        identity["aliases"] = aliases
    person: dict[str, Any] = {"id": uid(f"person:{key}"), "sex": sex, "age_group": "adult",
                              "identity": identity}
    if occupation:
        person["occupation"] = occupation
    return person


def testimony(key: str, title: str, date: dict[str, Any], interviewer: str, language: str,
              witness_key: str, narrative: dict[str, str]) -> dict[str, Any]:
    return {"id": uid(f"testimony:{key}"), "title": title,
            "interview": {"date": date, "interviewer": interviewer, "language": language,
                          "mode": "in_person" if language == "ar" else "phone"},
            "witness": uid(f"person:{witness_key}"),
            "consent": {"scope": "publish_anonymised", "recorded_by": interviewer},
            "narrative": narrative,
            "assessment": {"reliability": "B", "credibility": 2},
            "status": "draft"}


def tagged(testimony_: dict[str, Any], lang: str, words: str, person_key: str) -> None:
    """Tag the first occurrence of `words` in the narrative to a person (the editor's
    "Tag as person…"): on finalise the researcher's copy keeps the person's code."""
    start = testimony_["narrative"][lang].index(words)
    testimony_.setdefault("tags", []).append(
        {"field": "narrative", "lang": lang, "start": start, "end": start + len(words),
         "person": uid(f"person:{person_key}")})


def incident(key: str, type_: str, date: dict[str, Any], place: str, description: dict[str, str],
             victims: list[dict[str, Any]], testimonies: list[str], perpetrator: str,
             perpetrator_text: str) -> dict[str, Any]:
    return {"id": uid(f"incident:{key}"), "type": type_, "date": date, "place": place,
            "description": description,
            "perpetrator": {"category": perpetrator, "description": perpetrator_text},
            "victims": victims, "verification": "unverified",
            "testimonies": [uid(f"testimony:{t}") for t in testimonies]}


def group(count: int, qualifier: str, label: dict[str, str], status: str,
          breakdown: dict[str, int] | None = None) -> dict[str, Any]:
    g: dict[str, Any] = {"count": count, "qualifier": qualifier, "label": label}
    if breakdown:
        g["breakdown"] = breakdown
    return {"group": g, "status": status}


def researcher_a() -> dict[str, Any]:
    team = "Field team A"
    persons = [
        witness("a:witness-nour", "female", 34, "نور الهدى ق.", "Nour al-Huda Q."),
        witness("a:witness-yaman", "male", 41, "يمان د.", "Yaman D.", "medic"),
        victim("a:alsato", "male", {"ar": "محمود الساطو", "en": "Mahmoud al-Sato"},
               ["أبو حذيفة"], "medic"),
        victim("a:abo-al-ward", "male", {"ar": "محمد أبو الورد", "en": "Mohammad Abo al-Ward"}),
    ]
    testimonies = [
        testimony("a:nour-1", "اعتقال طبيب وزوجته عند الخروج إلى غرب حلب",
                  day("2016-12-20"), team, "ar", "a:witness-nour",
                  {"ar": "خرجنا من شرق حلب يوم 14 كانون الأول مع الطبيب محمود الساطو "
                         "وزوجته. عند الحاجز الأول في غرب حلب أخذوهما. أُطلق سراح الزوجة "
                         "بعد أيام، وما زال الطبيب محتجزاً."}),
        testimony("a:nour-2", "متابعة: الطبيب ما زال محتجزاً",
                  day("2017-01-18"), team, "ar", "a:witness-nour",
                  {"ar": "في مقابلة ثانية قالت الشاهدة إن الطبيب أبو حذيفة ما زال محتجزاً "
                         "وإن أسرته لم تستطع زيارته."}),
        testimony("a:yaman", "القصف على الفارين وإعدام في الشعار",
                  day("2016-12-21"), team, "ar", "a:witness-yaman",
                  {"ar": "يوم 2 كانون الأول قُتل نحو أربعة وأربعين شخصاً بالقصف وهم يفرّون "
                         "من بيوتهم. وقبل العشرين من الشهر سمعنا أن محمد أبو الورد وأخويه "
                         "أُعدموا في حي الشعار بعد أن ذهبوا مع أسرتهم إلى منطقة الحكومة. "
                         "واعتُقل أربعة رجال من عائلة واحدة في حي الميسر."}),
    ]
    tagged(testimonies[0], "ar", "محمود الساطو", "a:alsato")
    tagged(testimonies[1], "ar", "أبو حذيفة", "a:alsato")
    tagged(testimonies[2], "ar", "محمد أبو الورد", "a:abo-al-ward")
    incidents = [
        incident("a:alsato-arrest", "arbitrary_arrest", day("2016-12-14"),
                 place_id("West Aleppo"),
                 {"ar": "اعتقال الطبيب محمود الساطو وزوجته عند وصولهما إلى غرب حلب."},
                 [{"person": uid("person:a:alsato"), "status": "detained"}],
                 ["a:nour-1", "a:nour-2"], "government_forces",
                 "At the first checkpoint in west Aleppo."),
        incident("a:shelling", "killing_shelling", day("2016-12-02"), place_id("East Aleppo"),
                 {"ar": "قصف على مدنيين فارّين من بيوتهم نحو مناطق سيطرة الحكومة."},
                 [group(44, "approximately", {"ar": "نحو 44 شخصاً"}, "killed")],
                 ["a:yaman"], "government_forces", "Shelling; the witness did not say whose."),
        incident("a:abo-al-ward", "summary_execution",
                 {"precision": "before", "value": "2016-12-20", "text": "قبل 20 كانون الأول"},
                 place_id("al-Sha'ar"),
                 {"ar": "إعدام محمد أبو الورد وأخويه في الشعار."},
                 [{"person": uid("person:a:abo-al-ward"), "status": "killed"},
                  group(2, "exact", {"ar": "أخواه"}, "killed")],
                 ["a:yaman"], "government_forces", "Government troops, as the witness heard."),
        incident("a:mayasser", "arbitrary_arrest",
                 {"precision": "month", "value": "2016-12", "text": "كانون الأول"},
                 place_id("al-Mayasser"),
                 {"ar": "اعتقال أربعة رجال من عائلة واحدة في حي الميسر."},
                 [group(4, "exact", {"ar": "أربعة رجال من عائلة واحدة"}, "detained",
                        {"men": 4})],
                 ["a:yaman"], "government_forces", "Not named by the witness."),
    ]
    names = ["West Aleppo", "East Aleppo", "al-Sha'ar", "al-Mayasser"]
    return {"format": "testimony/1", "places": places_for(names), "persons": persons,
            "testimonies": testimonies, "incidents": incidents}


def researcher_b() -> dict[str, Any]:
    team = "Field team B"
    own_shaar = {"id": uid("place:b:al-shaar"), "name": {"en": "Al Shaar", "ar": "الشعار"},
                 "level": "neighbourhood", "parent": place_id("East Aleppo")}
    persons = [
        witness("b:witness-karim", "male", 29, "كريم ح.", "Karim H."),
        witness("b:witness-lina", "female", 38, "لينا س.", "Lina S.", "teacher"),
        victim("b:alsato", "male", {"en": "Dr. Mahmoud Alsatu"}, ["Abu Huthaifa"], "medic"),
        victim("b:abo-al-ward", "male", {"en": "Muhammad Abu al-Ward"}),
    ]
    testimonies = [
        testimony("b:karim", "Colleague of a doctor arrested on leaving east Aleppo",
                  span("2016-12-28", "2016-12-31", "last days of December"), team, "en",
                  "b:witness-karim",
                  {"en": "Around the middle of December Dr. Mahmoud Alsatu, who ran the "
                         "health centre, crossed to the west of the city with his wife and "
                         "was taken by security forces. His wife came back; he did not. "
                         "In early December at least forty people were killed by shells "
                         "while they were fleeing."}),
        testimony("b:lina", "Relative of men executed in Al Shaar; executions in Jibreen",
                  day("2016-12-29"), team, "en", "b:witness-lina",
                  {"en": "Muhammad Abu al-Ward and two of his brothers were shot in Al Shaar "
                         "between the 10th and the 18th of December, after they went to the "
                         "government side with their family. On 25 December I saw men taken "
                         "aside in Jibreen and heard they were executed. In late November "
                         "my neighbour was arrested in Hanano."}),
    ]
    tagged(testimonies[0], "en", "Dr. Mahmoud Alsatu", "b:alsato")
    tagged(testimonies[1], "en", "Muhammad Abu al-Ward", "b:abo-al-ward")
    incidents = [
        incident("b:alsato-arrest", "arbitrary_arrest",
                 span("2016-12-12", "2016-12-16", "mid-December"), place_id("Aleppo"),
                 {"en": "A doctor and his wife arrested after crossing to west Aleppo; "
                        "the wife was released."},
                 [{"person": uid("person:b:alsato"), "status": "detained"}],
                 ["b:karim"], "government_forces", "Security forces."),
        incident("b:shelling", "killing_shelling",
                 span("2016-12-01", "2016-12-05", "early December"), place_id("Aleppo"),
                 {"en": "People killed by shelling while fleeing east Aleppo."},
                 [group(40, "at_least", {"en": "at least forty people"}, "killed")],
                 ["b:karim"], "government_forces", "Shelling."),
        incident("b:abo-al-ward", "summary_execution",
                 span("2016-12-10", "2016-12-18", "between 10 and 18 December", "range"),
                 own_shaar["id"],
                 {"en": "Muhammad Abu al-Ward and two brothers shot after going to the "
                        "government side."},
                 [{"person": uid("person:b:abo-al-ward"), "status": "killed"},
                  group(2, "exact", {"en": "two brothers"}, "killed")],
                 ["b:lina"], "government_forces", "Government troops."),
        incident("b:jibreen", "summary_execution", day("2016-12-25"), place_id("Jibreen"),
                 {"en": "Men taken aside at the Jibreen processing centre and executed."},
                 [group(5, "at_least", {"en": "men taken aside"}, "killed")],
                 ["b:lina"], "government_forces", "Forces at the processing centre."),
        incident("b:hanano", "arbitrary_arrest",
                 {"precision": "month", "value": "2016-11", "text": "late November"},
                 place_id("Hanano"),
                 {"en": "A neighbour of the witness arrested in Hanano."},
                 [group(1, "exact", {"en": "a neighbour"}, "detained")],
                 ["b:lina"], "government_forces", "Not named."),
    ]
    names = ["Aleppo", "East Aleppo", "Jibreen", "Hanano"]
    return {"format": "testimony/1", "places": places_for(names) + [own_shaar],
            "persons": persons, "testimonies": testimonies, "incidents": incidents}


def build() -> dict[str, Any]:
    return {"format": "testimony-workspace-demo/1", "researchers": [
        {"name": "Researcher A (Field team A)", "document": researcher_a()},
        {"name": "Researcher B (Field team B)", "document": researcher_b()},
    ]}


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name(
        "workspace-demo.json")
    target.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
