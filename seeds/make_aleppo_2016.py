#!/usr/bin/env python3
"""Generate seeds/aleppo-2016.json, the Aleppo 2016 demo data set.

Source material: seeds/aleppo-2016-report.txt ("An Agonizing Farewell").
Format: docs/FORMAT.md (interchange format "testimony/1").

Deterministic: every id is uuid5(NAMESPACE, "<kind>:<readable key>"), and the
records are written in the fixed order of this file, so running the script
again gives a byte-identical file.  Standard library only.

    python seeds/make_aleppo_2016.py            # writes seeds/aleppo-2016.json
    python seeds/make_aleppo_2016.py OUT.json   # writes elsewhere

Judgment calls (also listed in the hand-over report):

* Everything attributed to a source is taken from the report.  Testimonies
  quoted by the report carry `source` = the report, except Maisara K (VDC)
  and the July corridor account (SiegeWatch).  Interviewer labels
  ("Field team A"), interview modes and approximate interview dates are demo
  placeholders: the report does not give them.
* interview.language is "ar" for every testimony (the interviews with
  residents of Aleppo would have been held in Arabic).  The report only
  prints English; the Arabic narratives are our translations of those words.
* Sources that the report keeps anonymous get CLEARLY FICTIONAL identities
  (public_domain=false, description says so) so that pseudonymisation has
  something to hide.  Victims whose names were given to the authors in
  confidence (the student and his father) get no identity at all: the report
  does not have them either.
* Arabic spellings of names are given only where the transliteration is
  reliable.  Left in English only: Hasan al-Awadhi, Abed Akkam,
  Kamel al-Omarain, Waleed Mostafa Aljadla, Mahmoud Alsato, Abdulhami Kamel
  (printed so in the report; probably "Abdulhamid").  The family name "Sande"
  (Fardous) is rendered "سندة" in an Arabic group label: a best guess.
* al-Mayasser is the east Aleppo neighbourhood "الميسّر" (al-Maysar).
  "Hidaria" in the report is taken to be Haydariyah (الحيدرية): one place.
* Vague numbers: "many young men" (Hidaria), "injured colleagues" and
  "a family group" become groups with qualifier at_least and the smallest
  count the words support (2); "dozens of men" becomes at_least 24;
  "over N" becomes at_least N; "up to N" becomes at_most N; "an estimated /
  around / about / almost / nearly N" becomes approximately N.
* Every part of a figure carries its own qualifier, written out: "at least 61
  people, including 11 women and 10 children" is read as the table prints it (the
  "at least" of the row covers its parts); "100 women and almost 150 children"
  keeps its "almost"; "299 children, 678 civilian adults and 28 wounded" keeps its
  three categories, and its total (1,005), which the report does not print, is
  marked `count_from_parts`.
* Checkpoint killings: the report gives "three deaths and injuries to six
  other evacuees" and separately that Abu Baker's pregnant wife "sustained
  bleeding".  She is counted as one of the six (her own victim entry plus a
  group of five), so the incident adds up to the report's six injured.
* The checkpoint events (killings, ill-treatment, turning evacuees back) have
  no date in the report; its narrative places them between the first
  evacuations of 15 December and the new deal late on 17 December, hence an
  approximate 15-17 December range.
* Perpetrators: the category the report names; where it names none,
  "unknown", except arrests made on reaching government-held territory or in
  a neighbourhood under government control, filed as government_forces with
  a description saying the report does not name them.
* SNHR: each month is its own aggregate (the table), and the overall total
  (2,367) is a separate aggregate over 1 July - 31 December 2016.  The
  monthly figures add up to 2,221, not 2,367; the women (89) and children
  (64) do add up.  The total spans six months, so `stats --by month` lists
  it apart (not_by_month) and the monthly SNHR rows stay exactly the table.
* Injury-only figures (1,700 injured 15-28 November) are not entered as
  aggregates: an aggregate has no victim status, so they would be read as
  deaths.  They are mentioned in the note of the matching death figure.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://testimony.invalid/seeds/aleppo-2016")

# Include SNHR's overall July-December total as its own aggregate.  Its period
# spans six months, so testimony_app/core/workspace/stats.py lists it under
# not_by_month instead of adding it to a month: the monthly SNHR rows of
# `stats --by month` stay exactly the SNHR table.
SNHR_TOTAL = True


def uid(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, key))


def t(en: str, ar: str | None = None) -> dict:
    text = {"en": en}
    if ar:
        text["ar"] = ar
    return text


# ---- dates -----------------------------------------------------------------

def day(value: str, text: str | None = None) -> dict:
    return _date({"precision": "day", "value": value}, text)


def month(value: str, text: str | None = None) -> dict:
    return _date({"precision": "month", "value": value}, text)


def span(frm: str, to: str, text: str | None = None) -> dict:
    return _date({"precision": "range", "from": frm, "to": to}, text)


def approx(frm: str, to: str, text: str | None = None) -> dict:
    return _date({"precision": "approximate", "from": frm, "to": to}, text)


def before(value: str, text: str | None = None) -> dict:
    return _date({"precision": "before", "value": value}, text)


def after(value: str, text: str | None = None) -> dict:
    return _date({"precision": "after", "value": value}, text)


def _date(d: dict, text: str | None) -> dict:
    if text:
        d["text"] = text
    return d


# ---- victims ---------------------------------------------------------------

def pv(person_key: str, status: str) -> dict:
    return {"person": uid("person:" + person_key), "status": status}


def q(count: int, qualifier: str = "exact") -> dict:
    """One part of a breakdown with its own qualifier."""
    return {"count": count, "qualifier": qualifier}


def gv(en: str, ar: str, count: int, qualifier: str, status: str,
       breakdown: dict | None = None) -> dict:
    group = {"label": t(en, ar), "count": count, "qualifier": qualifier}
    if breakdown:
        group["breakdown"] = breakdown
    return {"group": group, "status": status}


# ============================================================================
# sources
# ============================================================================

SOURCES = [
    ("report", "An Agonizing Farewell", "organisation",
     "Report on the fall and evacuation of east Aleppo, November 2016 - January 2017 "
     "(latest dated information: 20 January 2017); authors not named in the text used "
     "here (seeds/aleppo-2016-report.txt)."),
    ("snhr", "Syrian Network for Human Rights", "organisation",
     "Report of mid-January 2017 on arrests and enforced disappearances in Aleppo "
     "governorate, 1 July - 31 December 2016, as cited in \"An Agonizing Farewell\"."),
    ("vdc", "Violations Documentation Center", "organisation",
     "VDC report on the evacuation of east Aleppo, December 2016 (testimonies and daily "
     "evacuation figures), as cited in \"An Agonizing Farewell\"."),
    ("ohchr", "Office of the UN High Commissioner for Human Rights (OHCHR)", "un_body",
     "Statements of December 2016 on executions in east Aleppo; telephone confirmation "
     "of further corroboration, 20 January 2017, as cited in \"An Agonizing Farewell\"."),
    ("icrc", "International Committee of the Red Cross (ICRC)", "organisation",
     "Final estimate of people evacuated from east Aleppo, 23 December 2016, as cited in "
     "\"An Agonizing Farewell\"."),
    ("who", "World Health Organization (WHO)", "un_body",
     "Statement on patients referred from east Aleppo, December 2016, as cited in "
     "\"An Agonizing Farewell\"."),
    ("ru-mod", "Russian Ministry of Defence", "government",
     "Statement by spokesman Sergei Rudskoy on people who had left east Aleppo, "
     "early December 2016 (not confirmed), as cited in \"An Agonizing Farewell\"."),
    ("siegewatch", "SiegeWatch", "organisation",
     "Accounts of activists in east Aleppo, July 2016, as cited in \"An Agonizing Farewell\"."),
    ("mee", "Middle East Eye", "media",
     "Follow-up investigation on Abdulhami Kamel quoting local sources, as cited in "
     "\"An Agonizing Farewell\"."),
    ("anna", "ANNA News", "media",
     "Pro-Kremlin outlet based in Abkhazia; televised interview with Abdulhami Kamel, "
     "as cited in \"An Agonizing Farewell\"."),
    ("white-helmets", "Syria Civil Defence (White Helmets)", "organisation",
     "Statement that Abdulhami Kamel's confession was made under duress, as cited in "
     "\"An Agonizing Farewell\"."),
]


def S(key: str) -> str:
    return uid("source:" + key)


def build_sources() -> list:
    return [{"id": S(k), "name": name, "kind": kind, "reference": ref}
            for k, name, kind, ref in SOURCES]


# ============================================================================
# places: (key, English, Arabic, level, parent key)
# ============================================================================

PLACES = [
    ("syria", "Syria", "سوريا", "country", None),
    ("aleppo-gov", "Aleppo Governorate", "محافظة حلب", "governorate", "syria"),
    ("idlib-gov", "Idlib Governorate", "محافظة إدلب", "governorate", "syria"),
    ("aleppo", "Aleppo", "حلب", "city", "aleppo-gov"),
    ("east-aleppo", "East Aleppo", "شرق حلب", "district", "aleppo"),
    ("west-aleppo", "West Aleppo", "غرب حلب", "district", "aleppo"),
    ("old-city", "Old City of Aleppo", "حلب القديمة", "district", "aleppo"),
    ("dar-al-safaa", "Dar al-Safaa (home for the elderly)", "دار الصفاء للمسنين", "site", "old-city"),
    ("jibreen", "Jibreen", "جبرين", "neighbourhood", "aleppo"),
    ("hanano", "Hanano", "هنانو", "neighbourhood", "east-aleppo"),
    ("sakhour", "al-Sakhour", "الصاخور", "neighbourhood", "east-aleppo"),
    ("sheikh-kheder", "Sheikh Kheder", "الشيخ خضر", "neighbourhood", "east-aleppo"),
    ("haydariyah", "Haydariyah (Hidaria)", "الحيدرية", "neighbourhood", "east-aleppo"),
    ("suleiman-al-halabi", "Suleiman al-Halabi", "سليمان الحلبي", "neighbourhood", "east-aleppo"),
    ("shaar", "al-Sha'ar", "الشعار", "neighbourhood", "east-aleppo"),
    ("mayasser", "al-Mayasser", "الميسّر", "neighbourhood", "east-aleppo"),
    ("kallaseh", "Kallaseh", "الكلاسة", "neighbourhood", "east-aleppo"),
    ("fardous", "Fardous", "الفردوس", "neighbourhood", "east-aleppo"),
    ("salheen", "Salheen", "الصالحين", "neighbourhood", "east-aleppo"),
    ("bustan-al-qasr", "Bustan al-Qasr", "بستان القصر", "neighbourhood", "east-aleppo"),
    ("salah-aldeen", "Salah Aldeen", "صلاح الدين", "neighbourhood", "east-aleppo"),
    ("west-countryside", "Western Aleppo countryside", "ريف حلب الغربي", "district", "aleppo-gov"),
    ("zero-point", "Zero point (evacuee transfer point)", "النقطة صفر (نقطة استقبال المُجلَين)",
     "site", "west-countryside"),
]

COORDINATES = {
    "aleppo": {"lat": 36.2021, "lon": 37.1343, "precision_m": 10000},
}


def P(key: str) -> str:
    return uid("place:" + key)


def build_places() -> list:
    out = []
    for key, en, ar, level, parent in PLACES:
        rec = {"id": P(key), "name": t(en, ar), "level": level}
        if parent:
            rec["parent"] = P(parent)
        if key in COORDINATES:
            rec["coordinates"] = COORDINATES[key]
        out.append(rec)
    return out


# ============================================================================
# persons
# ============================================================================

FICTIONAL = ("Fictional identity for the demo: the report keeps this source anonymous.",
             "هوية متخيَّلة لأغراض العرض التوضيحي: التقرير لا يكشف هوية هذا المصدر.")


def person(key: str, sex: str, *, age: int | None = None, age_group: str | None = None,
           occupation: str | None = None, description: dict | None = None,
           name: dict | None = None, aliases: list | None = None,
           public_domain: bool | None = None) -> dict:
    rec = {"id": uid("person:" + key), "sex": sex}
    if age is not None:
        rec["age"] = age
    if age_group:
        rec["age_group"] = age_group
    if occupation:
        rec["occupation"] = occupation
    if description:
        rec["description"] = description
    if name:
        identity = {"name": name}
        if aliases:
            identity["aliases"] = aliases
        identity["public_domain"] = bool(public_domain)
        rec["identity"] = identity
    return rec


def fictional_witness(key: str, en: str, ar: str, role_en: str, role_ar: str,
                      occupation: str | None = None) -> dict:
    return person(key, "male", occupation=occupation,
                  description=t(FICTIONAL[0] + " " + role_en, FICTIONAL[1] + " " + role_ar),
                  name=t(en, ar), public_domain=False)


JIBREEN_VICTIMS = [  # (key, English as printed in the report, Arabic or None)
    ("ali-awwad", "Ali Awwad", "علي عواد"),
    ("hasan-al-awadhi", "Hasan al-Awadhi", None),
    ("khaleel-faqqas", "Khaleel Faqqas", "خليل فقاس"),
    ("yaser-bairakdar", "Yaser Bairakdar", "ياسر بيرقدار"),
    ("jomaa-abdul-wahed", "Jomaa Abdul Wahed", "جمعة عبد الواحد"),
    ("yousef-jaberi", "Yousef Jaberi", "يوسف جابري"),
    ("ali-amouri", "Ali Amouri", "علي عموري"),
    ("hassan-al-azwar", "Hassan al-Azwar", "حسن الأزور"),
    ("ghiath-al-younes", "Ghiath al-Younes", "غياث اليونس"),
    ("haytham-khamees", "Haytham Khamees", "هيثم خميس"),
    ("abed-akkam", "Abed Akkam", None),
    ("kamel-al-omarain", "Kamel al-Omarain", None),
    ("hasan-hammami", "Hasan Hammami", "حسن حمامي"),
    ("farouk-al-bushi", "Farouk al-Bushi", "فاروق البوشي"),
    ("jasem-ajjan-al-hadeed", "Jasem Ajjan al-Hadeed", "جاسم عجان الحديد"),
]


def build_persons() -> list:
    ps = []
    # -- witnesses -----------------------------------------------------------
    ps.append(person(
        "maisara-k", "male", age=20, age_group="adult",
        description=t("Evacuee from east Aleppo; testified to the VDC.",
                      "أحد الذين أُجلوا من شرق حلب؛ أدلى بشهادته لمركز توثيق الانتهاكات."),
        name=t("Maisara K", "ميسرة ك."), public_domain=True))
    ps.append(fictional_witness(
        "witness-health-worker", "Rami Saleh", "رامي صالح",
        "Health worker who received evacuated patients at the zero point in the western Aleppo countryside.",
        "عامل صحي استقبل المرضى الذين أُجلوا في النقطة صفر في ريف حلب الغربي.",
        "health_worker"))
    ps.append(fictional_witness(
        "witness-teacher", "Samir Haddad", "سمير حداد",
        "Former resident of east Aleppo; one of his students was arrested.",
        "من سكان شرق حلب السابقين؛ اعتُقل أحد طلابه.",
        "teacher"))
    ps.append(fictional_witness(
        "witness-ten-detainees", "Omar Sabbagh", "عمر الصباغ",
        "Source who knows ten detained people.",
        "مصدر يعرف عشرة أشخاص معتقلين."))
    ps.append(fictional_witness(
        "witness-two-relatives", "Adnan Kayyali", "عدنان كيالي",
        "Source two of whose relatives were arrested.",
        "مصدر اعتُقل اثنان من أقاربه."))
    ps.append(fictional_witness(
        "witness-northern-executions", "Bashir Attar", "بشير العطار",
        "One of the former residents of east Aleppo who provided photographs of the executions "
        "in the northern neighbourhoods.",
        "أحد سكان شرق حلب السابقين الذين قدّموا صورًا لعمليات الإعدام في الأحياء الشمالية."))
    ps.append(fictional_witness(
        "witness-sakhour", "Tarek Mansour", "طارق منصور",
        "Former resident of east Aleppo who reported the al-Sakhour killings on 23 December 2016.",
        "من سكان شرق حلب السابقين؛ أبلغ عن عمليات القتل في الصاخور في 23 كانون الأول/ديسمبر 2016."))

    # -- victims named in the report (public domain) --------------------------
    for key, en, ar in JIBREEN_VICTIMS:
        ps.append(person(key, "male", name=t(en, ar), public_domain=True))
    ps.append(person(
        "mohammad-abdo-sultan", "male", occupation="tradesperson",
        description=t("Mechanic who fixed generators.", "ميكانيكي يصلح المولّدات."),
        name=t("Mohammad Abdo Sultan", "محمد عبدو سلطان"), public_domain=True))
    ps.append(person(
        "bakery-owner", "male", occupation="tradesperson",
        description=t("Unnamed man, reportedly the owner of a bakery.",
                      "رجل لم يُذكر اسمه، يُقال إنه صاحب مخبز.")))
    ps.append(person(
        "mohammad-abo-al-ward", "male",
        name=t("Mohammad Abo al-Ward", "محمد أبو الورد"), public_domain=True))
    for n, (en, ar) in enumerate([("One of two brothers of Mohammad Abo al-Ward executed with him; not named.",
                                   "أحد شقيقَي محمد أبو الورد اللذين أُعدما معه؛ لم يُذكر اسمه."),
                                  ("The other brother of Mohammad Abo al-Ward executed with him; not named.",
                                   "الشقيق الآخر لمحمد أبو الورد الذي أُعدم معه؛ لم يُذكر اسمه.")], 1):
        ps.append(person(f"abo-al-ward-brother-{n}", "male", description=t(en, ar)))
    ps.append(person(
        "waleed-mostafa-aljadla", "male",
        name=t("Waleed Mostafa Aljadla"), public_domain=True))
    ps.append(person(
        "hammoud-alaswad", "male",
        name=t("Haj Hammoud Alaswad", "الحاج حمود الأسود"), public_domain=True))
    ps.append(person(
        "mahmoud-alsato", "male", occupation="medic",
        description=t("Doctor; manager of a primary health centre in east Aleppo.",
                      "طبيب؛ مدير مركز للرعاية الصحية الأولية في شرق حلب."),
        name=t("Dr. Mahmoud Alsato"), aliases=["Abo Houzaifa", "أبو حذيفة"], public_domain=True))
    ps.append(person(
        "alsato-wife", "female",
        description=t("Wife of Dr. Mahmoud Alsato; arrested with him and released.",
                      "زوجة الطبيب Mahmoud Alsato؛ اعتُقلت معه ثم أُفرج عنها.")))
    ps.append(person(
        "ahmad-mustafa", "male", occupation="journalist",
        description=t("Correspondent for Aleppo Today.", "مراسل لقناة حلب اليوم."),
        name=t("Ahmad Mustafa", "أحمد مصطفى"), public_domain=True))
    ps.append(person(
        "ahmad-mustafa-father", "male",
        description=t("Father of the journalist Ahmad Mustafa; not named.",
                      "والد الصحفي أحمد مصطفى؛ لم يُذكر اسمه.")))
    ps.append(person(
        "ahmad-mustafa-brother", "male",
        description=t("Brother of the journalist Ahmad Mustafa; not named.",
                      "شقيق الصحفي أحمد مصطفى؛ لم يُذكر اسمه.")))
    ps.append(person(
        "ahmad-mustafa-younger-brother", "male",
        description=t("Younger brother of the journalist Ahmad Mustafa; not named. "
                      "Reportedly tortured, then released.",
                      "الشقيق الأصغر للصحفي أحمد مصطفى؛ لم يُذكر اسمه. "
                      "أفادت التقارير بأنه تعرّض للتعذيب ثم أُفرج عنه.")))
    ps.append(person(
        "abdulhami-kamel", "male", occupation="civil_defence",
        description=t("Member of the White Helmets (Syria Civil Defence).",
                      "عضو في الخوذ البيضاء (الدفاع المدني السوري)."),
        name=t("Abdulhami Kamel"), public_domain=True))
    ps.append(person(
        "abu-baker", "male",
        description=t("Evacuee from east Aleppo.", "أحد الذين أُجلوا من شرق حلب."),
        name=t("Abu Baker", "أبو بكر"), public_domain=True))
    ps.append(person(
        "abu-baker-wife", "female",
        description=t("Wife of Abu Baker; pregnant; sustained bleeding and was taken away for medical attention.",
                      "زوجة أبي بكر؛ كانت حاملًا، وأُصيبت بنزيف ونُقلت لتلقي العلاج.")))
    ps.append(person(
        "ambulance-driver", "unknown", occupation="health_worker",
        description=t("Ambulance driver killed when the first evacuation buses entered east Aleppo; not named.",
                      "سائق سيارة إسعاف قُتل عند دخول أولى حافلات الإجلاء إلى شرق حلب؛ لم يُذكر اسمه.")))
    ps.append(person(
        "elderly-woman-shaar", "female", age_group="elderly",
        description=t("Elderly woman in a wheelchair; not named.",
                      "امرأة مسنّة على كرسي متحرك؛ لم يُذكر اسمها.")))
    ps.append(person(
        "student", "unknown", occupation="student",
        description=t("Student of a former resident of east Aleppo; the name was given to the "
                      "interviewer in confidence and is not recorded here.",
                      "طالب لدى أحد سكان شرق حلب السابقين؛ ذُكر اسمه للمحاوِر بشكل سري ولم يُسجَّل هنا.")))
    ps.append(person(
        "student-father", "male",
        description=t("Father of the arrested student; not named.",
                      "والد الطالب المعتقل؛ لم يُذكر اسمه.")))
    return ps


# ============================================================================
# testimonies
# ============================================================================

def T(key: str) -> str:
    return uid("testimony:" + key)


def testimony(key: str, *, title: str, date: dict, interviewer: str, mode: str,
              scope: str, recorded_by: str, restrictions: str | None,
              narrative: dict, summary: dict, reliability: str, credibility: int,
              status: str, witness: str | None = None, source: str | None = None,
              place: str | None = None, language: str = "ar") -> dict:
    interview = {"date": date}
    if place:
        interview["place"] = P(place)
    interview.update({"interviewer": interviewer, "language": language, "mode": mode})
    consent = {"scope": scope, "recorded_by": recorded_by}
    if restrictions:
        consent["restrictions"] = restrictions
    rec = {"id": T(key), "title": title, "interview": interview}
    if witness:
        rec["witness"] = uid("person:" + witness)
    rec.update({
        "consent": consent,
        "narrative": narrative,
        "summary": summary,
        "assessment": {"reliability": reliability, "credibility": credibility},
        "status": status,
    })
    if source:
        rec["source"] = S(source)
    return rec


def build_testimonies() -> list:
    ts = []
    ts.append(testimony(
        "maisara-k-checkpoint",
        title="Evacuee: men gathered and three killed at a checkpoint (via VDC)",
        date=after("2016-12-15", "after the evacuation; testimony given to the VDC"),
        interviewer="VDC researcher (not named)", mode="in_person",
        scope="publish_named", recorded_by="Violations Documentation Center",
        restrictions=None,
        witness="maisara-k", source="vdc",
        narrative=t(
            "All men were gathered together including injuries, we were around 100, they started "
            "to check us and forcing to take off our clothes. They confiscated all personal papers "
            "and money. Then killed three people who they found personal arms with them.",
            "جمعوا كل الرجال معًا بمن فيهم الجرحى، كنا نحو مئة شخص، وبدؤوا بتفتيشنا وإجبارنا على "
            "خلع ملابسنا. صادروا جميع الأوراق الشخصية والأموال. ثم قتلوا ثلاثة أشخاص وجدوا "
            "بحوزتهم أسلحة شخصية."),
        summary=t(
            "A 20-year-old evacuee from east Aleppo describes how about 100 men, including injured, "
            "were gathered on the evacuation route, searched and forced to undress; their papers and "
            "money were confiscated, and three men found with personal weapons were killed. Other "
            "accounts back up his testimony.",
            "يروي شاب في العشرين من عمره أُجلي من شرق حلب كيف جُمع نحو مئة رجل، بينهم جرحى، على "
            "طريق الإجلاء، وفُتّشوا وأُجبروا على خلع ملابسهم، وصودرت أوراقهم وأموالهم، ثم قُتل "
            "ثلاثة رجال وُجدت بحوزتهم أسلحة شخصية. وتؤيد روايات أخرى شهادته."),
        reliability="B", credibility=2, status="finalised"))
    ts.append(testimony(
        "health-worker-zero-point",
        title="Health worker at the zero point: waiting for the first convoy",
        date=after("2016-12-15", "after the first evacuation day; interview date not given"),
        interviewer="Field team A", mode="remote",
        scope="publish_anonymised", recorded_by="Field team A",
        restrictions="Do not publish the witness's name, employer or exact place of work.",
        witness="witness-health-worker", source="report",
        narrative=t(
            "The day after we heard that the evacuations would proceed, we arrived at around 05:00 "
            "in the morning at the transfer point, or zero point as we called it, to meet the patients "
            "who were going to be evacuated and referred to health facilities. All teams were on the "
            "ground and hospitals were ready to receive patients. Ambulances were ready at zero point "
            "and more were stationed on the evacuation route from eastern Aleppo to Gaziantep. We "
            "waited for the first patients to arrive, but no one came. Ten hours later, at 15:00 in "
            "the afternoon, we were told that the first convoy was on its way. When I saw the first "
            "ambulance arrive, I started crying. I was not the only one – I noticed other colleagues "
            "hiding their tears. It was an unbelievable feeling of relief that this was finally "
            "happening. We had been waiting for this moment for the past 3 months. All of our plans "
            "were for this moment to happen.",
            "في اليوم التالي لسماعنا أن عمليات الإجلاء ستمضي قدمًا، وصلنا نحو الساعة الخامسة صباحًا "
            "إلى نقطة النقل، أو النقطة صفر كما كنا نسميها، لاستقبال المرضى الذين سيتم إجلاؤهم "
            "وإحالتهم إلى المرافق الصحية. كانت جميع الفرق في الميدان، وكانت المستشفيات جاهزة "
            "لاستقبال المرضى. كانت سيارات الإسعاف جاهزة في النقطة صفر، وتمركزت سيارات أخرى على "
            "طريق الإجلاء من شرق حلب إلى غازي عنتاب. انتظرنا وصول أوائل المرضى، لكن أحدًا لم يأتِ. "
            "وبعد عشر ساعات، في الساعة الثالثة بعد الظهر، أُبلغنا بأن القافلة الأولى في طريقها "
            "إلينا. عندما رأيت أول سيارة إسعاف تصل، بدأت بالبكاء. لم أكن الوحيد، فقد لاحظت زملاء "
            "آخرين يخفون دموعهم. كان شعورًا لا يُصدَّق بالارتياح لأن هذا يحدث أخيرًا. كنا ننتظر "
            "هذه اللحظة طوال الأشهر الثلاثة الماضية. كانت كل خططنا من أجل أن تتحقق هذه اللحظة."),
        summary=t(
            "A health worker describes waiting from 05:00 at the zero point in the western Aleppo "
            "countryside for patients evacuated from east Aleppo; the first convoy was announced "
            "only ten hours later, at 15:00.",
            "يصف عامل صحي انتظاره منذ الساعة الخامسة صباحًا في النقطة صفر في ريف حلب الغربي "
            "لاستقبال المرضى الذين أُجلوا من شرق حلب؛ ولم يُعلَن عن القافلة الأولى إلا بعد عشر "
            "ساعات، في الساعة الثالثة بعد الظهر."),
        reliability="B", credibility=2, status="finalised"))
    ts.append(testimony(
        "teacher-student-arrest",
        title="Former resident: his student and the student's father arrested; four men of one family",
        date=approx("2016-12-09", "2017-01-20", "interview date not given"),
        interviewer="Field team A", mode="remote",
        scope="internal", recorded_by="Field team A",
        restrictions="The names the witness gave of the student, the student's father and the "
                     "al-Mayasser family stay internal; the witness fears for their safety.",
        witness="witness-teacher", source="report",
        narrative=t(
            "The witness, a former resident of east Aleppo, said that one of his students, whom he "
            "named, was arrested on 9 December 2016, together with the student's father. He also "
            "named four male members of a family from the al-Mayasser neighbourhood as having been "
            "arrested.",
            "قال الشاهد، وهو من سكان شرق حلب السابقين، إن أحد طلابه، وقد ذكر اسمه، اعتُقل في 9 "
            "كانون الأول/ديسمبر 2016 مع والده. كما ذكر بالأسماء أربعة أفراد ذكور من عائلة واحدة "
            "من حي الميسّر قال إنهم اعتُقلوا."),
        summary=t(
            "Arrest of a student and his father on 9 December 2016, and of four men of one family "
            "from al-Mayasser.",
            "اعتقال طالب ووالده في 9 كانون الأول/ديسمبر 2016، واعتقال أربعة رجال من عائلة واحدة "
            "من حي الميسّر."),
        reliability="C", credibility=3, status="finalised"))
    ts.append(testimony(
        "ten-detainees",
        title="Source: ten people held in secret police prisons",
        date=approx("2016-12-01", "2017-01-20", "interview date not given"),
        interviewer="Field team A", mode="remote",
        scope="publish_anonymised", recorded_by="Field team A",
        restrictions="The source would not name the detainees; do not try to identify them through him.",
        witness="witness-ten-detainees", source="report",
        narrative=t(
            "He said he knows \"ten people who are arrested now and their families can't meet "
            "them—they are in the secret police prisons.\" He was not willing to name the detainees.",
            "قال إنه يعرف «عشرة أشخاص معتقلين الآن ولا تستطيع عائلاتهم رؤيتهم، فهم في سجون "
            "الشرطة السرية». ولم يكن مستعدًا لذكر أسماء المعتقلين."),
        summary=t(
            "Ten people known to the source are detained and their families cannot visit them; "
            "no names given, so the account is hard to verify.",
            "عشرة أشخاص يعرفهم المصدر معتقلون ولا تستطيع عائلاتهم زيارتهم؛ لم تُذكر أسماؤهم، "
            "ما يجعل التحقق من الرواية صعبًا."),
        reliability="C", credibility=4, status="draft"))
    ts.append(testimony(
        "two-relatives",
        title="Source: two relatives arrested; two men and a family arrested going west",
        date=approx("2016-12-15", "2017-01-20", "interview date not given"),
        interviewer="Field team A", mode="remote",
        scope="publish_anonymised", recorded_by="Field team A",
        restrictions="The names he gave of the detainees stay internal.",
        witness="witness-two-relatives", source="report",
        narrative=t(
            "\"Two of my relatives were arrested after they decided to stay in their houses when "
            "the regime's militias were advancing.\" He also named two other men, and a family "
            "group, who were arrested when they went from east to west Aleppo.",
            "«اعتُقل اثنان من أقاربي بعد أن قرّرا البقاء في منزليهما عندما كانت ميليشيات النظام "
            "تتقدّم». وذكر أيضًا بالأسماء رجلين آخرين ومجموعة من أفراد عائلة واحدة اعتُقلوا "
            "عندما انتقلوا من شرق حلب إلى غربها."),
        summary=t(
            "Two relatives of the source were arrested after staying in their homes as "
            "pro-government militias advanced; two other men and a family group were arrested "
            "when they crossed from east to west Aleppo.",
            "اعتُقل اثنان من أقارب المصدر بعد بقائهما في منزليهما أثناء تقدّم الميليشيات الموالية "
            "للحكومة؛ واعتُقل رجلان آخران ومجموعة من أفراد عائلة واحدة عند انتقالهم من شرق حلب "
            "إلى غربها."),
        reliability="C", credibility=3, status="draft"))
    ts.append(testimony(
        "northern-executions",
        title="Former residents: executions in the northern neighbourhoods",
        date=approx("2016-11-28", "2017-01-20", "interview date not given"),
        interviewer="Field team A", mode="remote",
        scope="partners", recorded_by="Field team A",
        restrictions="Photographs provided by the witnesses: share with partners only, not for publication.",
        witness="witness-northern-executions", source="report",
        narrative=t(
            "Former residents of east Aleppo who knew him personally named one of the victims as "
            "Mohammad Abdo Sultan, a mechanic who fixed generators. He was executed in the northern "
            "neighbourhoods of east Aleppo beside an unnamed man, reportedly the owner of a bakery, "
            "after opposition forces withdrew and government forces came into the area. They "
            "provided photographs.",
            "سمّى سكان سابقون في شرق حلب يعرفونه شخصيًا أحد الضحايا: محمد عبدو سلطان، وهو "
            "ميكانيكي يصلح المولّدات. وقد أُعدم في الأحياء الشمالية من شرق حلب إلى جانب رجل لم "
            "يُذكر اسمه، يُقال إنه صاحب مخبز، بعد انسحاب قوات المعارضة ودخول القوات الحكومية إلى "
            "المنطقة. وقدّموا صورًا."),
        summary=t(
            "Execution of Mohammad Abdo Sultan and a bakery owner in the northern neighbourhoods of "
            "east Aleppo, with photographic evidence.",
            "إعدام محمد عبدو سلطان وصاحب مخبز في الأحياء الشمالية من شرق حلب، مع أدلة مصوّرة."),
        reliability="B", credibility=2, status="finalised"))
    ts.append(testimony(
        "sakhour-killings",
        title="Former resident: six people captured and killed in al-Sakhour",
        date=day("2016-12-23"),
        interviewer="Field team A", mode="remote",
        scope="publish_anonymised", recorded_by="Field team A",
        restrictions=None,
        witness="witness-sakhour", source="report",
        narrative=t(
            "The witness reported that six people had been captured in the al-Sakhour neighbourhood "
            "of Aleppo and killed, including men named Waleed Mostafa Aljadla and Haj Hammoud "
            "Alaswad.",
            "أفاد الشاهد بأن ستة أشخاص أُلقي القبض عليهم في حي الصاخور في حلب ثم قُتلوا، بينهم "
            "الحاج حمود الأسود ورجل آخر ذكر الشاهد اسمه (Waleed Mostafa Aljadla)."),
        summary=t(
            "Six people captured and killed in al-Sakhour, two of them named.",
            "ستة أشخاص أُلقي القبض عليهم وقُتلوا في حي الصاخور، ذُكر اسما اثنين منهم."),
        reliability="C", credibility=3, status="finalised"))
    ts.append(testimony(
        "siegewatch-corridors",
        title="Activists: two people killed trying to use the July corridors",
        date=month("2016-07", "at the time (July 2016)"),
        interviewer="SiegeWatch (not named)", mode="remote",
        scope="publish_anonymised", recorded_by="SiegeWatch",
        restrictions=None,
        source="siegewatch",
        narrative=t(
            "Two people attempted to use the corridors and were killed. Their bodies are still there "
            "because people can't reach them because of the sniping.",
            "حاول شخصان استخدام الممرات فقُتلا. وما زالت جثتاهما هناك لأن الناس لا يستطيعون "
            "الوصول إليهما بسبب القنص."),
        summary=t(
            "Two people killed while trying to leave east Aleppo through the July 2016 corridors; "
            "their bodies could not be recovered because of sniping.",
            "قُتل شخصان أثناء محاولتهما الخروج من شرق حلب عبر ممرات تموز/يوليو 2016؛ ولم يكن "
            "بالإمكان انتشال جثتيهما بسبب القنص."),
        reliability="C", credibility=3, status="finalised"))
    return ts


# ============================================================================
# incidents
# ============================================================================

def incident(key: str, type_: str, date: dict, place: str | None, description: dict,
             perpetrator: tuple[str, str | None] | None, victims: list, verification: str,
             testimonies: list = (), sources: list = ()) -> dict:
    rec = {"id": uid("incident:" + key), "type": type_, "date": date}
    if place:
        rec["place"] = P(place)
    rec["description"] = description
    if perpetrator:
        cat, desc = perpetrator
        rec["perpetrator"] = {"category": cat}
        if desc:
            rec["perpetrator"]["description"] = desc
    if victims:
        rec["victims"] = list(victims)
    rec["verification"] = verification
    if testimonies:
        rec["testimonies"] = [T(k) for k in testimonies]
    if sources:
        rec["sources"] = [S(k) for k in sources]
    return rec


NOT_NAMED_GOV = ("Not named in the report; the arrest took place on reaching "
                 "government-held territory.")
CHECKPOINT_DATE = ("no date in the report; between the first evacuations of 15 December and "
                   "the new deal late on 17 December")
CHECKPOINT_PERP = ("pro_government_militia",
                   "Militias on the evacuation route; the incidents were claimed online by former "
                   "residents of Nubl and Zahraa.")
MILITIA_EXECUTIONS = ("pro_government_militia",
                      "Believed to be government-aligned militia, not Syrian Arab Army forces.")
AFTER_ESCAPE = "after they escaped east Aleppo; date not given"


def build_incidents() -> list:
    inc = []
    # -- July 2016: corridors -------------------------------------------------
    inc.append(incident(
        "2016-07-corridor-sniping", "killing_sniper", month("2016-07", "July"), "east-aleppo",
        t("In July 2016 leaflets were dropped offering civilians an exit from east Aleppo through "
          "corridors via Bustan al-Qasr and Salah Aldeen. According to activists who spoke to "
          "SiegeWatch, two people who attempted to use the corridors were killed, and their bodies "
          "could not be recovered because of sniping.",
          "في تموز/يوليو 2016 أُلقيت منشورات تعرض على المدنيين الخروج من شرق حلب عبر ممرات من "
          "بستان القصر وصلاح الدين. وبحسب ناشطين تحدثوا إلى «سيج ووتش»، قُتل شخصان حاولا استخدام "
          "الممرات، ولم يكن بالإمكان انتشال جثتيهما بسبب القنص."),
        ("unknown", "Snipers; not identified in the report."),
        [gv("two people who tried to use the corridors", "شخصان حاولا استخدام الممرات",
            2, "exact", "killed")],
        "unverified", ["siegewatch-corridors"], ["siegewatch", "report"]))

    # -- late November: northern neighbourhoods -------------------------------
    inc.append(incident(
        "2016-11-northern-neighbourhoods-executions", "summary_execution",
        approx("2016-11-27", "2016-12-10",
               "after opposition forces withdrew from the northern neighbourhoods (27 November)"),
        "east-aleppo",
        t("When opposition forces withdrew from the northern neighbourhoods of east Aleppo and "
          "government forces came into the area, executions were reported. Former residents "
          "provided photographic evidence and named one victim as Mohammad Abdo Sultan, a mechanic "
          "who fixed generators, executed beside an unnamed man reported to be the owner of a "
          "bakery. There are other, less specific, allegations from this time.",
          "عندما انسحبت قوات المعارضة من الأحياء الشمالية في شرق حلب ودخلت القوات الحكومية "
          "المنطقة، وردت تقارير عن عمليات إعدام. وقدّم سكان سابقون أدلة مصوّرة وسمّوا أحد "
          "الضحايا: محمد عبدو سلطان، وهو ميكانيكي يصلح المولّدات، أُعدم إلى جانب رجل لم يُذكر "
          "اسمه قيل إنه صاحب مخبز. وثمة ادعاءات أخرى أقل تحديدًا تعود إلى تلك الفترة."),
        ("government_forces", "Government forces that entered the northern neighbourhoods; "
                              "units not identified."),
        [pv("mohammad-abdo-sultan", "killed"), pv("bakery-owner", "killed")],
        "partially_verified", ["northern-executions"], ["report"]))

    # -- early December ---------------------------------------------------------
    inc.append(incident(
        "2016-12-02-shelling-of-fleeing-civilians", "killing_shelling", day("2016-12-02"),
        "east-aleppo",
        t("On 2 December 2016 an estimated forty-four people were killed by shelling while fleeing "
          "their homes in east Aleppo to seek safety in government-controlled areas.",
          "في 2 كانون الأول/ديسمبر 2016 قُتل ما يُقدَّر بأربعة وأربعين شخصًا جراء القصف أثناء "
          "فرارهم من منازلهم في شرق حلب بحثًا عن الأمان في المناطق الخاضعة لسيطرة الحكومة."),
        ("unknown", "Not attributed in the report."),
        [gv("people fleeing towards government-controlled areas",
            "أشخاص فارّون نحو المناطق الخاضعة لسيطرة الحكومة", 44, "approximately", "killed")],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-shaar-elderly-woman", "killing_other",
        approx("2016-12-01", "2016-12-10", "no date given; reported with the events of early December"),
        "shaar",
        t("An elderly woman died in al-Sha'ar and was left in her wheelchair, because it was too "
          "dangerous to recover her body. The report does not say how she died.",
          "توفيت امرأة مسنّة في حي الشعار وبقيت على كرسيها المتحرك، لأن انتشال جثتها كان بالغ "
          "الخطورة. ولا يذكر التقرير سبب وفاتها."),
        ("unknown", None),
        [pv("elderly-woman-shaar", "killed")],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-shaar-abo-al-ward-executions", "summary_execution",
        approx("2016-12-05", "2016-12-11", "days before the executions of 12-13 December"),
        "shaar",
        t("Days before the executions of 12 and 13 December, it was reported that Mohammad Abo "
          "al-Ward and two of his brothers had been executed in al-Sha'ar by government troops "
          "after they went to a government-held area with their family.",
          "قبل أيام من عمليات الإعدام في 12 و13 كانون الأول/ديسمبر، أفادت تقارير بأن محمد أبو "
          "الورد واثنين من إخوته أُعدموا في حي الشعار على يد قوات النظام بعد أن توجهوا مع "
          "عائلتهم إلى منطقة خاضعة لسيطرة الحكومة."),
        ("government_forces", "\"Assad troops\"."),
        [pv("mohammad-abo-al-ward", "killed"), pv("abo-al-ward-brother-1", "killed"),
         pv("abo-al-ward-brother-2", "killed")],
        "unverified", [], ["report"]))

    # -- arrests reported by anonymous sources ------------------------------------
    inc.append(incident(
        "2016-12-09-arrest-student-and-father", "arbitrary_arrest", day("2016-12-09"), "aleppo",
        t("A former resident of east Aleppo said that one of his students, whom he named, was "
          "arrested on 9 December 2016 together with the student's father.",
          "قال أحد سكان شرق حلب السابقين إن أحد طلابه، وقد ذكر اسمه، اعتُقل في 9 كانون "
          "الأول/ديسمبر 2016 مع والده."),
        ("unknown", "Not stated."),
        [pv("student", "detained"), pv("student-father", "detained")],
        "unverified", ["teacher-student-arrest"], ["report"]))
    inc.append(incident(
        "2016-12-arrest-mayasser-family", "arbitrary_arrest",
        approx("2016-11-15", "2016-12-31", "no date given; among the arrests of the last weeks of 2016"),
        "mayasser",
        t("The same former resident named four male members of a family from the al-Mayasser "
          "neighbourhood as having been arrested. No date is given.",
          "وذكر الشاهد نفسه بالأسماء أربعة أفراد ذكور من عائلة واحدة من حي الميسّر قال إنهم "
          "اعتُقلوا. ولم يُذكر تاريخ الاعتقال."),
        ("unknown", "Not stated."),
        [gv("four male members of a family from al-Mayasser",
            "أربعة أفراد ذكور من عائلة من حي الميسّر", 4, "exact", "detained",
            {"males": q(4)})],
        "unverified", ["teacher-student-arrest"], ["report"]))
    inc.append(incident(
        "2016-12-ten-detainees", "arbitrary_arrest",
        approx("2016-11-15", "2017-01-20", "no date given; \"arrested now\" at the time of reporting"),
        "aleppo",
        t("Another source said he knows ten people who are under arrest and whose families cannot "
          "see them, held in \"secret police prisons\". He was not willing to name them, so the "
          "report is difficult to verify.",
          "قال مصدر آخر إنه يعرف عشرة أشخاص معتقلين لا تستطيع عائلاتهم رؤيتهم، وهم محتجزون في "
          "«سجون الشرطة السرية». ولم يكن مستعدًا لذكر أسمائهم، ما يجعل التحقق من روايته صعبًا."),
        ("government_forces", "\"Secret police\" (security services), according to the source."),
        [gv("ten people known to the source", "عشرة أشخاص يعرفهم المصدر", 10, "exact", "detained")],
        "unverified", ["ten-detainees"], ["report"]))
    inc.append(incident(
        "2016-12-arrest-two-relatives", "arbitrary_arrest",
        approx("2016-11-15", "2016-12-13", "no date given; while the government's militias were advancing"),
        "east-aleppo",
        t("A source said two of his relatives were arrested after they decided to stay in their "
          "houses when the government's militias were advancing.",
          "قال مصدر إن اثنين من أقاربه اعتُقلا بعد أن قرّرا البقاء في منزليهما عندما كانت "
          "ميليشيات النظام تتقدّم."),
        ("pro_government_militia", "\"The regime's militias\", advancing at the time."),
        [gv("two relatives of the source", "قريبان للمصدر", 2, "exact", "detained")],
        "unverified", ["two-relatives"], ["report"]))
    inc.append(incident(
        "2016-12-arrest-crossing-east-to-west", "arbitrary_arrest",
        approx("2016-11-27", "2016-12-31", "no date given; when they went from east to west Aleppo"),
        "west-aleppo",
        t("The same source named two other men, and a family group, who were arrested when they "
          "went from east to west Aleppo. The size of the family group is not given.",
          "وذكر المصدر نفسه بالأسماء رجلين آخرين ومجموعة من أفراد عائلة واحدة اعتُقلوا عندما "
          "انتقلوا من شرق حلب إلى غربها. ولم يُذكر عدد أفراد العائلة."),
        ("government_forces", NOT_NAMED_GOV),
        [gv("two men named by the source", "رجلان سمّاهما المصدر", 2, "exact", "detained",
            {"men": 2}),
         gv("a family group (size not given)", "مجموعة من أفراد عائلة واحدة (لم يُذكر عددهم)",
            2, "at_least", "detained")],
        "unverified", ["two-relatives"], ["report"]))

    # -- conscription ------------------------------------------------------------------
    inc.append(incident(
        "2016-12-11-forced-conscription", "forced_conscription",
        day("2016-12-11", "images taken on 11 December"), "aleppo",
        t("Reports emerged of men of military age disappearing after fleeing to government-held "
          "west Aleppo, and were raised with the UN High Commissioner for Human Rights. Images "
          "taken on 11 December 2016 show dozens of men beginning their military training after "
          "being forced into military service, confirming the whereabouts of some of them. Other "
          "images showed women and families of the men waiting outside the training venue.",
          "ظهرت تقارير عن اختفاء رجال في سن الخدمة العسكرية بعد فرارهم إلى غرب حلب الخاضع "
          "لسيطرة الحكومة، ورُفعت إلى المفوض السامي للأمم المتحدة لحقوق الإنسان. وتُظهر صور "
          "التُقطت في 11 كانون الأول/ديسمبر 2016 عشرات الرجال وهم يبدؤون تدريبهم العسكري بعد "
          "إجبارهم على أداء الخدمة العسكرية، ما أكّد أماكن وجود بعضهم. كما أظهرت صور أخرى نساءً "
          "وعائلات الرجال ينتظرون خارج مكان التدريب."),
        ("government_forces", None),
        [gv("dozens of men forced into military service", "عشرات الرجال أُجبروا على الخدمة العسكرية",
            24, "at_least", "unknown", {"men": q(24, "at_least")})],
        "partially_verified", [], ["report"]))

    # -- 12-13 December executions ------------------------------------------------------
    inc.append(incident(
        "2016-12-12-kallaseh-executions", "summary_execution",
        span("2016-12-12", "2016-12-13", "12 and 13 December"), "kallaseh",
        t("On 12 and 13 December 2016 executions were reported in Kallaseh: the Ajam family (five "
          "members), the Hasan family (five members), the Masri family (four members) and an "
          "unidentified family (eleven members). The UN reported that it had received information "
          "on eighty-two executions in early December; the deaths were believed to have been "
          "perpetrated by government-aligned militia, not Syrian Arab Army forces, and a number of "
          "them were also reported by the VDC.",
          "في 12 و13 كانون الأول/ديسمبر 2016 وردت تقارير عن عمليات إعدام في حي الكلاسة طالت: "
          "عائلة العجم (خمسة أفراد)، وعائلة حسن (خمسة أفراد)، وعائلة المصري (أربعة أفراد)، "
          "وعائلة لم تُعرف هويتها (أحد عشر فردًا). وأفادت الأمم المتحدة بأنها تلقت معلومات عن "
          "اثنتين وثمانين عملية إعدام في أوائل كانون الأول/ديسمبر، ويُعتقد أن ميليشيات موالية "
          "للحكومة، لا قوات الجيش العربي السوري، هي التي ارتكبتها، وقد أبلغ مركز توثيق "
          "الانتهاكات عن عدد منها أيضًا."),
        MILITIA_EXECUTIONS,
        [gv("the Ajam family", "عائلة العجم", 5, "exact", "killed"),
         gv("the Hasan family", "عائلة حسن", 5, "exact", "killed"),
         gv("the Masri family", "عائلة المصري", 4, "exact", "killed"),
         gv("an unidentified family", "عائلة مجهولة الهوية", 11, "exact", "killed")],
        "partially_verified", [], ["ohchr", "vdc", "report"]))
    inc.append(incident(
        "2016-12-12-fardous-executions", "summary_execution",
        span("2016-12-12", "2016-12-13", "reported with the Kallaseh executions of 12 and 13 December"),
        "fardous",
        t("In Fardous, reports named the Qaseer family (six members), the Hajjar family (twelve "
          "members) and the Sande family (seven members, perhaps more) among those executed.",
          "في حي الفردوس، ذكرت التقارير من بين الذين أُعدموا عائلة القصير (ستة أفراد)، وعائلة "
          "الحجار (اثنا عشر فردًا)، وعائلة سندة (سبعة أفراد، وربما أكثر)."),
        MILITIA_EXECUTIONS,
        [gv("the Qaseer family", "عائلة القصير", 6, "exact", "killed"),
         gv("the Hajjar family", "عائلة الحجار", 12, "exact", "killed"),
         gv("the Sande family", "عائلة سندة", 7, "perhaps_more", "killed")],
        "partially_verified", [], ["ohchr", "vdc", "report"]))
    inc.append(incident(
        "2016-12-12-salheen-executions", "summary_execution",
        span("2016-12-12", "2016-12-13", "reported with the Kallaseh executions of 12 and 13 December"),
        "salheen",
        t("In Salheen, reports named the Ekko family (ten members) among those executed.",
          "في حي الصالحين، ذكرت التقارير عائلة عكو (عشرة أفراد) من بين الذين أُعدموا."),
        MILITIA_EXECUTIONS,
        [gv("the Ekko family", "عائلة عكو", 10, "exact", "killed")],
        "partially_verified", [], ["ohchr", "vdc", "report"]))

    # -- evacuation: 14-18 December ----------------------------------------------------
    inc.append(incident(
        "2016-12-14-buses-turned-back", "obstruction_of_evacuation", day("2016-12-14"), "aleppo",
        t("On 14 December 2016, after the evacuation deal was struck and the ceasefire was in place, "
          "the first buses tried to reach east Aleppo. When they arrived at the last checkpoint, "
          "Iranian militias turned them back. The evacuation resumed only after a new deal was "
          "brokered following hours of negotiations.",
          "في 14 كانون الأول/ديسمبر 2016، وبعد إبرام اتفاق الإجلاء وسريان وقف إطلاق النار، حاولت "
          "أولى الحافلات الوصول إلى شرق حلب، لكن ميليشيات إيرانية أعادتها أدراجها عند الحاجز "
          "الأخير. ولم يُستأنف الإجلاء إلا بعد التوصل إلى اتفاق جديد إثر مفاوضات استمرت ساعات."),
        ("foreign_militia", "Iranian militias."),
        [], "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-14-arrest-dr-alsato", "arbitrary_arrest", day("2016-12-14"), "west-aleppo",
        t("Dr. Mahmoud Alsato (also known as Abo Houzaifa), the manager of Alzoubdiyeh Primary "
          "Health Centre, and his wife were both arrested when they left east Aleppo and fled to "
          "the west on 14 December 2016. His wife was released; as of 18 January 2017 he was still "
          "detained.",
          "اعتُقل الطبيب Mahmoud Alsato (المعروف بأبي حذيفة)، مدير مركز الزبدية للرعاية الصحية "
          "الأولية، وزوجته عندما غادرا شرق حلب وفرّا إلى غربها في 14 كانون الأول/ديسمبر 2016. "
          "وأُفرج عن زوجته، أما هو فكان لا يزال محتجزًا حتى 18 كانون الثاني/يناير 2017."),
        ("government_forces", NOT_NAMED_GOV),
        [pv("mahmoud-alsato", "detained"), pv("alsato-wife", "released")],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-15-shooting-at-evacuation", "attack_on_medical", day("2016-12-15"), "east-aleppo",
        t("On 15 December 2016, as the first buses entered the area, gunfire was reported. Videos of "
          "the shooting spread rapidly on social media along with images of a dead ambulance driver "
          "and injured colleagues.",
          "في 15 كانون الأول/ديسمبر 2016، ومع دخول أولى الحافلات إلى المنطقة، وردت تقارير عن "
          "إطلاق نار. وانتشرت بسرعة على وسائل التواصل الاجتماعي مقاطع فيديو لإطلاق النار مع صور "
          "لسائق سيارة إسعاف قُتل وزملاء له أُصيبوا."),
        ("unknown", "Not identified in the report."),
        [pv("ambulance-driver", "killed"),
         gv("injured colleagues of the ambulance driver", "زملاء سائق الإسعاف المصابون",
            2, "at_least", "injured")],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-checkpoint-killings", "summary_execution",
        approx("2016-12-15", "2016-12-17", CHECKPOINT_DATE), "aleppo",
        t("Militias stopped evacuees from east Aleppo at a checkpoint. An evacuee, Maisara K, told "
          "the VDC that about 100 men, including injured, were gathered and searched, and that three "
          "people found with personal weapons were killed; his testimony was backed up by others. A "
          "man called Abu Baker was reportedly killed, and his pregnant wife sustained bleeding and "
          "was taken away for medical attention. Reports indicated three deaths and injuries to six "
          "other evacuees (counted here as Abu Baker's wife and five others).",
          "أوقفت ميليشيات عند أحد الحواجز أشخاصًا يجري إجلاؤهم من شرق حلب. وقال أحدهم، ميسرة ك.، "
          "لمركز توثيق الانتهاكات إن نحو مئة رجل، بينهم جرحى، جُمعوا وفُتّشوا، وإن ثلاثة أشخاص "
          "وُجدت بحوزتهم أسلحة شخصية قُتلوا؛ وقد أيّدت روايات أخرى شهادته. وأفادت التقارير بمقتل "
          "رجل يُدعى أبو بكر، وبأن زوجته الحامل أُصيبت بنزيف ونُقلت لتلقي العلاج. وأشارت التقارير "
          "إلى ثلاث وفيات وإصابة ستة آخرين ممن كانوا يُجلَون (سُجّلوا هنا: زوجة أبي بكر وخمسة "
          "آخرون)."),
        CHECKPOINT_PERP,
        [pv("abu-baker", "killed"),
         gv("two other men found with personal weapons", "رجلان آخران وُجدت بحوزتهما أسلحة شخصية",
            2, "exact", "killed", {"men": 2}),
         pv("abu-baker-wife", "injured"),
         gv("five other injured evacuees", "خمسة مُجلَين آخرين أُصيبوا", 5, "exact", "injured")],
        "partially_verified", ["maisara-k-checkpoint"], ["vdc", "report"]))
    inc.append(incident(
        "2016-12-checkpoint-ill-treatment", "ill_treatment",
        approx("2016-12-15", "2016-12-17", CHECKPOINT_DATE), "aleppo",
        t("At the checkpoint about 100 men, including injured, were gathered together, searched and "
          "forced to take off their clothes; all their personal papers and money were confiscated. "
          "The militias confiscated the phones and personal belongings of some of the evacuees.",
          "عند الحاجز جُمع نحو مئة رجل، بينهم جرحى، وفُتّشوا وأُجبروا على خلع ملابسهم، وصودرت "
          "جميع أوراقهم الشخصية وأموالهم. كما صادرت الميليشيات هواتف بعض الذين كانوا يُجلَون "
          "وأغراضهم الشخصية."),
        CHECKPOINT_PERP,
        [gv("men gathered at the checkpoint, including injured", "رجال جُمعوا عند الحاجز، بينهم جرحى",
            100, "approximately", "released", {"men": q(100, "approximately")})],
        "partially_verified", ["maisara-k-checkpoint"], ["vdc", "report"]))
    inc.append(incident(
        "2016-12-checkpoint-evacuees-turned-back", "obstruction_of_evacuation",
        approx("2016-12-15", "2016-12-17", CHECKPOINT_DATE), "aleppo",
        t("Online forums suggested certain pro-government militias were planning to interrupt the "
          "evacuation. Protesters blocked the route, buses were stopped and people were forced out "
          "of them, according to photos and video leaked at the time. After confiscating belongings, "
          "the militias forced evacuees to turn back to eastern Aleppo. The incidents were claimed "
          "online by former residents of Nubl and Zahraa, and a Hezbollah-aligned group released a "
          "statement on the delays and the need to include Foua and Kafraya in the evacuation "
          "agreement.",
          "أشارت منتديات على الإنترنت إلى أن ميليشيات موالية للحكومة كانت تخطط لعرقلة الإجلاء. "
          "وبحسب صور ومقاطع فيديو سُرّبت حينها، قطع محتجون الطريق، وأُوقفت الحافلات وأُجبر ركابها "
          "على النزول منها. وبعد مصادرة الأغراض، أجبرت الميليشيات الذين كانوا يُجلَون على العودة "
          "إلى شرق حلب. وتبنّى سكان سابقون من نبّل والزهراء هذه الحوادث على الإنترنت، وأصدرت "
          "مجموعة مرتبطة بحزب الله بيانًا بشأن التأخير وضرورة شمول الفوعة وكفريا باتفاق الإجلاء."),
        CHECKPOINT_PERP,
        [], "partially_verified", ["maisara-k-checkpoint"], ["vdc", "report"]))
    inc.append(incident(
        "2016-12-18-foua-kafraya-buses-burned", "obstruction_of_evacuation", day("2016-12-18"),
        "idlib-gov",
        t("On the morning of 18 December 2016 Jabhat Fatah al-Sham and aligned groups burned several "
          "of the buses waiting to evacuate the besieged villages of Foua and Kafraya in the Idlib "
          "countryside, whose evacuation had been tied to that of east Aleppo. The burning led to a "
          "temporary postponement of the evacuations. The act was widely condemned, but the "
          "culprits were defiant.",
          "صباح 18 كانون الأول/ديسمبر 2016 أحرقت جبهة فتح الشام ومجموعات متحالفة معها عددًا من "
          "الحافلات التي كانت تنتظر إجلاء سكان بلدتي الفوعة وكفريا المحاصرتين في ريف إدلب، واللتين "
          "رُبط إجلاؤهما بإجلاء شرق حلب. وأدى الإحراق إلى تأجيل مؤقت لعمليات الإجلاء. ولقي الفعل "
          "إدانة واسعة، لكن مرتكبيه تمسّكوا بموقفهم."),
        ("extremist_group", "Jabhat Fatah al-Sham and aligned groups."),
        [], "partially_verified", [], ["report"]))

    # -- after the evacuation ---------------------------------------------------------------
    inc.append(incident(
        "2016-12-sakhour-killings", "summary_execution", before("2016-12-23", "reported on 23 December"),
        "sakhour",
        t("On 23 December 2016 a former resident of east Aleppo reported that six people had been "
          "captured in the al-Sakhour neighbourhood and killed, including men named Waleed Mostafa "
          "Aljadla and Haj Hammoud Alaswad.",
          "في 23 كانون الأول/ديسمبر 2016 أفاد أحد سكان شرق حلب السابقين بأن ستة أشخاص أُلقي القبض "
          "عليهم في حي الصاخور ثم قُتلوا، بينهم الحاج حمود الأسود ورجل آخر ذُكر اسمه "
          "(Waleed Mostafa Aljadla)."),
        ("unknown", "Not named in the report."),
        [pv("waleed-mostafa-aljadla", "killed"), pv("hammoud-alaswad", "killed"),
         gv("four other people captured and killed with them", "أربعة أشخاص آخرون أُلقي القبض عليهم وقُتلوا معهم",
            4, "exact", "killed")],
        "unverified", ["sakhour-killings"], ["report"]))
    inc.append(incident(
        "2016-12-25-jibreen-field-executions", "summary_execution", day("2016-12-25"), "jibreen",
        t("On 25 December 2016 a series of field executions was reported in Jibreen, the area to "
          "which many evacuees of east Aleppo were taken for processing and screening, and to "
          "receive aid, medical care and other humanitarian services. Fifteen people were named "
          "as dead.",
          "في 25 كانون الأول/ديسمبر 2016 وردت تقارير عن سلسلة من الإعدامات الميدانية في جبرين، "
          "المنطقة التي نُقل إليها كثير ممن أُجلوا من شرق حلب لتسجيلهم وإخضاعهم للتدقيق الأمني "
          "ولتلقي المساعدات والرعاية الطبية وغيرها من الخدمات الإنسانية. وذُكرت أسماء خمسة عشر "
          "شخصًا قُتلوا."),
        ("unknown", "Not named in the report; Jibreen was the processing and screening area for evacuees."),
        [pv(key, "killed") for key, _, _ in JIBREEN_VICTIMS],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-east-aleppo-looting", "looting",
        approx("2016-12-23", "2017-01-20", "after the evacuation"), "east-aleppo",
        t("After the evacuation, looting by government militias became a major problem in east "
          "Aleppo. The UN has not been able to gain access to the whole area, having been denied "
          "access by the Syrian government and Russia.",
          "بعد الإجلاء، أصبح النهب على يد ميليشيات النظام مشكلة كبرى في شرق حلب. ولم تتمكن الأمم "
          "المتحدة من الوصول إلى المنطقة بأكملها، إذ منعتها الحكومة السورية وروسيا من ذلك."),
        ("pro_government_militia", "\"Government militias\"."),
        [], "unverified", [], ["report"]))

    # -- named detainees who escaped east Aleppo ---------------------------------------------
    inc.append(incident(
        "2016-12-arrest-ahmad-mustafa-family", "arbitrary_arrest",
        approx("2016-11-27", "2016-12-22", AFTER_ESCAPE), "aleppo",
        t("Ahmad Mustafa, a correspondent for Aleppo Today, and his father and two brothers were "
          "reportedly detained after they escaped east Aleppo; a younger brother was reportedly "
          "tortured before being released.",
          "أفادت التقارير باحتجاز أحمد مصطفى، مراسل قناة حلب اليوم، ووالده وشقيقيه بعد فرارهم من "
          "شرق حلب؛ وأفادت التقارير أيضًا بأن شقيقه الأصغر تعرّض للتعذيب قبل الإفراج عنه."),
        ("government_forces", NOT_NAMED_GOV),
        [pv("ahmad-mustafa", "detained"), pv("ahmad-mustafa-father", "detained"),
         pv("ahmad-mustafa-brother", "detained"), pv("ahmad-mustafa-younger-brother", "released")],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-torture-ahmad-mustafa-brother", "torture",
        approx("2016-11-27", "2016-12-22", AFTER_ESCAPE), "aleppo",
        t("The younger brother of the journalist Ahmad Mustafa was reportedly tortured in detention "
          "before being released.",
          "أفادت التقارير بأن الشقيق الأصغر للصحفي أحمد مصطفى تعرّض للتعذيب أثناء احتجازه قبل "
          "الإفراج عنه."),
        ("government_forces", NOT_NAMED_GOV),
        [pv("ahmad-mustafa-younger-brother", "released")],
        "unverified", [], ["report"]))
    inc.append(incident(
        "2016-12-capture-abdulhami-kamel", "arbitrary_arrest",
        approx("2016-11-27", "2016-12-22", "while fleeing east Aleppo; date not given"), "aleppo",
        t("Abdulhami Kamel, a member of the White Helmets, was captured while fleeing to safety with "
          "his family. Local sources quoted by Middle East Eye traced him to the Air Force "
          "Intelligence security branch in Aleppo, where former prisoners frequently recount abuse "
          "by officers.",
          "أُلقي القبض على Abdulhami Kamel، العضو في الخوذ البيضاء، أثناء فراره مع "
          "عائلته إلى مكان آمن. ونقل موقع ميدل إيست آي عن مصادر محلية أنه محتجز لدى فرع المخابرات "
          "الجوية في حلب، حيث يروي سجناء سابقون كثيرًا تعرّضهم للإساءة على أيدي الضباط."),
        ("government_forces", "Air Force Intelligence security branch in Aleppo, according to local "
                              "sources quoted by Middle East Eye."),
        [pv("abdulhami-kamel", "detained")],
        "partially_verified", [], ["report", "mee", "anna"]))
    inc.append(incident(
        "2016-12-forced-confession-abdulhami-kamel", "ill_treatment",
        approx("2016-11-27", "2017-01-20", "while in custody; date not given"), "aleppo",
        t("In custody, Kamel was interviewed by the pro-Kremlin outlet ANNA News and \"confessed\" to "
          "having staged his rescues in order to receive financing from Europe, Turkey and \"the Gulf "
          "monarchs\". The White Helmets said the confession was made under duress.",
          "أثناء احتجازه، أجرت وكالة آنا نيوز الموالية للكرملين مقابلة مع كامل «اعترف» فيها بأنه "
          "كان يفبرك عمليات الإنقاذ للحصول على تمويل من أوروبا وتركيا و«ممالك الخليج». وقالت "
          "الخوذ البيضاء إن الاعتراف انتُزع منه تحت الإكراه."),
        ("government_forces", "Detaining authorities; see the capture incident."),
        [pv("abdulhami-kamel", "detained")],
        "disputed", [], ["anna", "white-helmets", "mee", "report"]))

    # -- January 2017 ----------------------------------------------------------------------
    inc.append(incident(
        "2017-01-04-hidaria-arrests", "arbitrary_arrest", day("2017-01-04"), "haydariyah",
        t("On 3 January 2017 the identification documents of residents of the Hidaria (Haydariyah) "
          "neighbourhood were collected; many young men were reportedly arrested the following day. "
          "The report gives no number: the count recorded is the smallest the words support.",
          "في 3 كانون الثاني/يناير 2017 جُمعت وثائق الهوية الخاصة بسكان حي الحيدرية؛ وأفادت "
          "التقارير باعتقال كثير من الشبان في اليوم التالي. ولا يذكر التقرير عددًا، والعدد "
          "المسجَّل هو أدنى ما تحتمله العبارة."),
        ("government_forces", "Not named in the report; the neighbourhood had been under "
                              "government control since late November 2016."),
        [gv("many young men", "كثير من الشبان", 2, "at_least", "detained",
            {"men": q(2, "at_least")})],
        "unverified", [], ["report"]))
    return inc


# ============================================================================
# aggregates
# ============================================================================

SNHR_NOTE = t(
    "Arrest or enforced disappearance. As of 20 January 2017 all were believed to be in the Syrian "
    "forces' detention centres. SNHR report of mid-January 2017, as cited in \"An Agonizing Farewell\".",
    "اعتقال أو إخفاء قسري. وحتى 20 كانون الثاني/يناير 2017 كان يُعتقد أن جميعهم في مراكز احتجاز "
    "القوات السورية. تقرير الشبكة السورية لحقوق الإنسان الصادر في منتصف كانون الثاني/يناير 2017، "
    "كما ورد في تقرير «وداع مؤلم».")

SNHR_MONTHS = [  # month, people, women, children
    ("2016-07", 61, 11, 10),
    ("2016-08", 48, 8, 6),
    ("2016-09", 65, 6, 7),
    ("2016-10", 89, 4, 9),
    ("2016-11", 61, 13, 11),
    ("2016-12", 1897, 47, 21),
]


def aggregate(key: str, source: str, incident_type: str, period: dict, place: str | None,
              count: int, qualifier: str, breakdown: dict | None, note: dict,
              from_parts: bool = False) -> dict:
    rec = {"id": uid("aggregate:" + key), "source": S(source), "incident_type": incident_type,
           "period": period}
    if place:
        rec["place"] = P(place)
    rec["count"] = count
    if from_parts:
        rec["count_from_parts"] = True
    rec["qualifier"] = qualifier
    if breakdown:
        rec["breakdown"] = breakdown
    rec["note"] = note
    return rec


def build_aggregates() -> list:
    ag = []
    for m, people, women, children in SNHR_MONTHS:
        ag.append(aggregate(f"snhr-arrests-{m}", "snhr", "arbitrary_arrest", month(m), "aleppo-gov",
                            people, "at_least",
                            {"women": q(women, "at_least"), "children": q(children, "at_least")},
                            SNHR_NOTE))
    monthly_sum = sum(row[1] for row in SNHR_MONTHS)
    if SNHR_TOTAL:
        ag.append(aggregate(
            "snhr-arrests-2016-07-to-12-total", "snhr", "arbitrary_arrest",
            span("2016-07-01", "2016-12-31", "from July 1 to December 31, 2016"), "aleppo-gov",
            2367, "at_least", {"women": q(89, "at_least"), "children": q(64, "at_least")},
            t(f"Overall total reported by SNHR for 1 July - 31 December 2016 (\"no fewer than 2,367 "
              f"people ... including at least 89 women and 64 children\"). The monthly figures of the "
              f"same report add up to {monthly_sum:,}, not 2,367: a discrepancy in the source. The "
              f"women and children do add up. Do not add this figure to the monthly ones.",
              f"المجموع الكلي الذي أوردته الشبكة السورية لحقوق الإنسان للفترة من 1 تموز/يوليو إلى "
              f"31 كانون الأول/ديسمبر 2016 («ما لا يقل عن 2367 شخصًا، بينهم 89 امرأة و64 طفلًا على "
              f"الأقل»). ومجموع الأرقام الشهرية في التقرير نفسه {monthly_sum} لا 2367، وهو تناقض في "
              f"المصدر، في حين يتطابق عدد النساء والأطفال. لا يُجمع هذا الرقم مع الأرقام الشهرية.")))
    ag.append(aggregate(
        "report-arrests-2016-12", "report", "arbitrary_arrest", month("2016-12", "in December alone"),
        "aleppo-gov", 1800, "at_least", None,
        t("\"Over 1,800 people from Aleppo were reportedly arrested in December alone.\"",
          "«أفادت التقارير باعتقال أكثر من 1800 شخص من حلب في كانون الأول/ديسمبر وحده».")))
    ag.append(aggregate(
        "report-killed-east-aleppo-2016-11-15-28", "report", "killing_other",
        span("2016-11-15", "2016-11-28"), "east-aleppo", 500, "at_least", None,
        t("Over 500 civilians reported killed in the bombardment and heavy fighting in east Aleppo "
          "between 15 and 28 November 2016; more than 1,700 were injured in the same period "
          "(injuries not counted here).",
          "أفادت التقارير بمقتل أكثر من 500 مدني في القصف والمعارك العنيفة في شرق حلب بين 15 و28 "
          "تشرين الثاني/نوفمبر 2016، وإصابة أكثر من 1700 آخرين في الفترة نفسها (الإصابات غير "
          "محتسبة هنا).")))
    ag.append(aggregate(
        "report-killed-west-aleppo-2016-11-15-28", "report", "killing_other",
        span("2016-11-15", "2016-11-28"), "west-aleppo", 29, "approximately", None,
        t("Around twenty-nine people were killed in west Aleppo between 15 and 28 November 2016.",
          "قُتل نحو تسعة وعشرين شخصًا في غرب حلب بين 15 و28 تشرين الثاني/نوفمبر 2016.")))
    ag.append(aggregate(
        "report-killed-west-aleppo-counter-offensive", "report", "killing_other",
        approx("2016-10-01", "2016-11-14", "within a month of the offensive of late September"),
        "west-aleppo", 84, "exact", None,
        t("Eighty-four fatalities reported in government-held west Aleppo during the armed "
          "opposition's counter-offensive (\"Battle of the Hero Martyr Abu Omar Saraqib\"), whose "
          "route saw heavy civilian casualties. The report does not say that all were civilians.",
          "أفادت التقارير بسقوط أربعة وثمانين قتيلًا في غرب حلب الخاضع لسيطرة الحكومة خلال الهجوم "
          "المضاد الذي شنّته المعارضة المسلحة («معركة الشهيد البطل أبو عمر سراقب»)، والذي أوقع "
          "خسائر كبيرة بين المدنيين على مساره. ولا يذكر التقرير أن جميع القتلى كانوا مدنيين.")))
    ag.append(aggregate(
        "ohchr-executions-early-december", "ohchr", "summary_execution",
        approx("2016-12-01", "2016-12-13", "early December"), "east-aleppo", 82, "exact", None,
        t("The UN reported receiving information on eighty-two executions in early December 2016, "
          "believed to have been perpetrated by government-aligned militia rather than Syrian Arab "
          "Army forces. On 20 January 2017 OHCHR confirmed by telephone \"further corroboration of "
          "the executions we reported on in December, and of missing people.\"",
          "أفادت الأمم المتحدة بأنها تلقت معلومات عن اثنتين وثمانين عملية إعدام في أوائل كانون "
          "الأول/ديسمبر 2016، يُعتقد أن ميليشيات موالية للحكومة، لا قوات الجيش العربي السوري، "
          "ارتكبتها. وفي 20 كانون الثاني/يناير 2017 أكدت المفوضية السامية لحقوق الإنسان هاتفيًا "
          "حصولها على «مزيد من الأدلة التي تؤكد عمليات الإعدام التي أبلغنا عنها في كانون "
          "الأول/ديسمبر، وعلى حالات المفقودين».")))
    ag.append(aggregate(
        "report-executions-identified-2016-11-12", "report", "summary_execution",
        span("2016-11-01", "2016-12-31", "the last two months of 2016"), "aleppo", 100, "at_least", None,
        t("The report's authors were able to identify over one hundred victims of summary executions "
          "in the last two months of 2016.",
          "تمكّن معدّو التقرير من التعرّف على أكثر من مئة ضحية لعمليات الإعدام الميداني خلال "
          "الشهرين الأخيرين من عام 2016.")))
    ag.append(aggregate(
        "ru-mod-left-east-aleppo", "ru-mod", "forced_displacement",
        before("2016-12-08", "figure given around 7-8 December"), "east-aleppo", 10500,
        "at_most", {"children": q(4015)},
        t("Russian MoD spokesman Sergei Rudskoy said up to 10,500 people, including 4,015 children, "
          "had left east Aleppo; the figure was not confirmed. Military officials had earlier put "
          "the figure at 8,000.",
          "قال المتحدث باسم وزارة الدفاع الروسية سيرغي رودسكوي إن ما يصل إلى 10500 شخص، بينهم "
          "4015 طفلًا، غادروا شرق حلب؛ ولم يُؤكَّد هذا الرقم. وكان مسؤولون عسكريون قد قدّروه في "
          "وقت سابق بـ8000.")))
    ag.append(aggregate(
        "report-evacuated-2016-12-15", "report", "forced_displacement", day("2016-12-15"),
        "east-aleppo", 1005, "exact",
        {"children": q(299), "civilian_adults": q(678), "wounded": q(28)},
        t("On 15 December 2016 thirteen ambulances and twenty buses carried out the injured and "
          "civilians: a total of 299 children, 678 civilian adults and 28 wounded (1,005 people "
          "added up here; the report gives only the parts).",
          "في 15 كانون الأول/ديسمبر 2016 نقلت ثلاث عشرة سيارة إسعاف وعشرون حافلة الجرحى والمدنيين: "
          "ما مجموعه 299 طفلًا و678 بالغًا مدنيًا و28 جريحًا (1005 أشخاص بجمعها هنا؛ "
          "لا يذكر التقرير إلا الأجزاء)."), from_parts=True))
    ag.append(aggregate(
        "report-evacuated-2016-12-19", "report", "forced_displacement", day("2016-12-19"),
        "east-aleppo", 3000, "approximately", None,
        t("On 19 December 2016 three convoys of fifty-one buses and vehicles evacuated around three "
          "thousand people.",
          "في 19 كانون الأول/ديسمبر 2016 أجلت ثلاث قوافل مؤلفة من واحد وخمسين حافلة ومركبة نحو "
          "ثلاثة آلاف شخص.")))
    for d in ("2016-12-20", "2016-12-21", "2016-12-22"):
        ag.append(aggregate(
            f"vdc-evacuated-{d}", "vdc", "forced_displacement", day(d), "east-aleppo", 1000,
            "at_least", None,
            t("On 20, 21 and 22 December the convoys continued, evacuating over one thousand people "
              "each day, according to the VDC.",
              "في 20 و21 و22 كانون الأول/ديسمبر تواصلت القوافل، وأجلت أكثر من ألف شخص يوميًا، "
              "بحسب مركز توثيق الانتهاكات.")))
    ag.append(aggregate(
        "icrc-evacuated-total", "icrc", "forced_displacement",
        span("2016-12-15", "2016-12-23", "by 23 December"), "east-aleppo", 34000, "approximately", None,
        t("ICRC's final estimate, on 23 December 2016, was that about 34,000 people had left east "
          "Aleppo.",
          "قدّرت اللجنة الدولية للصليب الأحمر في تقديرها النهائي في 23 كانون الأول/ديسمبر 2016 أن "
          "نحو 34000 شخص غادروا شرق حلب.")))
    ag.append(aggregate(
        "who-patients-referred", "who", "other",
        span("2016-12-15", "2016-12-23", "during the evacuation"), "east-aleppo", 811, "exact",
        {"women": q(100), "children": q(150, "approximately")},
        t("\"In total, 811 patients were referred to hospitals in west Aleppo and Idleb, including 100 "
          "women and almost 150 children.\" Nearly 100 patients requiring specialised care were "
          "transported to hospitals in Turkey; the others were referred to 8 hospitals in western "
          "rural Aleppo and Idlib. The children's figure (\"almost 150\") is approximate.",
          "«أُحيل ما مجموعه 811 مريضًا إلى مستشفيات في غرب حلب وإدلب، بينهم 100 امرأة ونحو 150 "
          "طفلًا». ونُقل قرابة 100 مريض يحتاجون إلى رعاية تخصصية إلى مستشفيات في تركيا، وأُحيل "
          "الباقون إلى 8 مستشفيات في ريف حلب الغربي وإدلب. عدد الأطفال («نحو 150») تقريبي.")))
    return ag


# ============================================================================
# document, checks, output
# ============================================================================

def build() -> dict:
    return {
        "format": "testimony/1",
        "sources": build_sources(),
        "places": build_places(),
        "persons": build_persons(),
        "testimonies": build_testimonies(),
        "incidents": build_incidents(),
        "aggregates": build_aggregates(),
    }


def check(doc: dict) -> list[str]:
    """Reference and consistency checks the schema cannot express."""
    errors = []
    ids = {kind: {r["id"] for r in doc[kind]}
           for kind in ("sources", "places", "persons", "testimonies", "incidents", "aggregates")}
    every = [r["id"] for kind in ids for r in doc[kind]]
    if len(every) != len(set(every)):
        errors.append("duplicate ids")

    def ref(path, value, kind):
        if value not in ids[kind]:
            errors.append(f"{path}: {value} is not a record in {kind}")

    def breakdown_ok(path, count, bd):
        def n(v):
            return v["count"] if isinstance(v, dict) else v
        disjoint = ("women", "men", "girls", "boys", "children")
        if bd and (sum(n(v) for k, v in bd.items() if k in disjoint) > count
                   or any(n(v) > count for v in bd.values())):
            errors.append(f"{path}: breakdown {bd} exceeds count {count}")

    for i, p in enumerate(doc["places"]):
        if "parent" in p:
            ref(f"$.places[{i}].parent", p["parent"], "places")
    for i, r in enumerate(doc["testimonies"]):
        if "witness" in r:
            ref(f"$.testimonies[{i}].witness", r["witness"], "persons")
        if "source" in r:
            ref(f"$.testimonies[{i}].source", r["source"], "sources")
        if "place" in r["interview"]:
            ref(f"$.testimonies[{i}].interview.place", r["interview"]["place"], "places")
    for i, r in enumerate(doc["incidents"]):
        if "place" in r:
            ref(f"$.incidents[{i}].place", r["place"], "places")
        for j, v in enumerate(r.get("victims", [])):
            if "person" in v:
                ref(f"$.incidents[{i}].victims[{j}].person", v["person"], "persons")
            else:
                g = v["group"]
                breakdown_ok(f"$.incidents[{i}].victims[{j}].group", g["count"], g.get("breakdown"))
        for j, x in enumerate(r.get("testimonies", [])):
            ref(f"$.incidents[{i}].testimonies[{j}]", x, "testimonies")
        for j, x in enumerate(r.get("sources", [])):
            ref(f"$.incidents[{i}].sources[{j}]", x, "sources")
    for i, r in enumerate(doc["aggregates"]):
        ref(f"$.aggregates[{i}].source", r["source"], "sources")
        if "place" in r:
            ref(f"$.aggregates[{i}].place", r["place"], "places")
        breakdown_ok(f"$.aggregates[{i}]", r["count"], r.get("breakdown"))
    return errors


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("aleppo-2016.json")
    doc = build()
    errors = check(doc)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        return 1
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{len(doc[k])} {k}" for k in doc if k != "format")
    print(f"wrote {out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
