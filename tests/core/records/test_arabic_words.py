"""Arabic words for codes, fingerprints read aloud in Arabic, isolated values and the
language's own separators."""

from __future__ import annotations

import re

from testimony_app import i18n
from testimony_app.core.records.words import word
from testimony_app.core.session import Session
from testimony_app.core.vault import org


def test_fingerprint_read_aloud_in_arabic_names_the_same_bytes() -> None:
    fp = "7K3Q-M2XD-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01"
    english = org.fingerprint_words(fp).split()
    arabic = org.fingerprint_words(fp, "ar")
    assert not re.search("[0-9A-Za-z]", arabic)
    assert arabic.startswith("\u2067") and arabic.endswith("\u2069")  # read from the right
    numbers = [int(n.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
               for n in arabic.strip("\u2067\u2069").replace("—", " ").split()]
    assert len(numbers) == 8 and [org.WORDS[n] for n in numbers] == english


def test_enum_values_have_arabic_words_and_values_are_isolated() -> None:
    i18n.set_language("ar")
    try:
        assert word("sex", "male") == "ذكر" and word("age_group", "elderly") != "elderly"
        assert word("language", "en") == "الإنجليزية"
        assert word("sex", "something new") == "something new"
        assert i18n.isolate("Aleppo") == "\u2068Aleppo\u2069"
        assert i18n.join(["أ", "ب"]) == "أ، ب" and i18n.join(["أ", "ب"], ";") == "أ؛ ب"
    finally:
        i18n.set_language("en")
    assert word("sex", "male") == "male" and i18n.join(["a", "b"]) == "a, b"


def test_tag_menu_labels_in_arabic(demo_session: Session) -> None:
    i18n.set_language("ar")
    try:
        labels = [label for _id, label in demo_session.labels("person", "ar")]
    finally:
        i18n.set_language("en")
    assert labels
    for label in labels:
        bare = re.sub("\u2068[^\u2069]*\u2069", "", label)
        assert not re.search(r"\b(male|female|unknown|adult|child|elderly)\b", bare), label
        assert not re.search("[0-9]", bare) and "·" not in bare, label


def test_activity_details_in_arabic() -> None:
    from testimony_app.core.records.activity_words import detail_text

    detail = {"added": 134, "anchors": "61aab56b", "reason": "coerced", "unchanged": 0}
    i18n.set_language("ar")
    try:
        text = detail_text(detail)
    finally:
        i18n.set_language("en")
    assert "١٣٤" in text and "\u206861aab56b\u2069" in text and "،" in text
    bare = re.sub("\u2068[^\u2069]*\u2069", "", text)
    assert not re.search("[0-9A-Za-z]", bare), text  # keys and codes in words
    assert detail_text(detail).startswith("added: 134, anchors: \u206861aab56b\u2069, reason: ")


def test_report_isolates_the_values_it_embeds() -> None:
    """An Arabic organisation name, an auditor's name and a figure's place in the
    report's English sentences and cells sit in <bdi>; an at-least sign in an LRI."""
    from testimony_app.core.audit import report

    manifest = {"organisation": {"name": "توثيق حلب", "fingerprint": "KABT-903D"},
                "auditor": "مدقق ١", "created": "2026-12-05T01:00:00Z", "threshold": 5,
                "redaction_log": {}, "counts": {},
                "figures": [{"month": "2016-12", "incident_type": "arbitrary_arrest",
                             "source": "SNHR", "victims": 61, "qualifier": "at_least",
                             "women": None, "children": None, "figure_place": "حلب الشرقية",
                             "period": {"precision": "month", "value": "2016-12"}}]}
    page = report.render_html(manifest, {"testimonies": []})
    for value in ("توثيق حلب", "KABT-903D", "مدقق ١", "حلب الشرقية"):
        assert f"<bdi>{value}</bdi>" in page, value
    assert "\u2066≥61\u2069" in page


def test_the_report_is_in_the_language_it_is_made_in() -> None:
    """Made in Arabic, the auditor's report has no English word that is not data (the
    organisation, the auditor, the source's name, the key: in <bdi>; commands in
    <code>), its numbers in Arabic-Indic digits, and a count agreeing with its noun."""
    from testimony_app.core.audit import report

    manifest = {"organisation": {"name": "Aleppo Documentation", "fingerprint": "KABT-903D"},
                "auditor": "auditor one", "created": "2026-12-05T01:00:00Z", "threshold": 5,
                "redaction_log": {"narrative withheld (not reviewed)": 12},
                "counts": {"testimonies": 1500, "persons": 3},
                "figures": [{"month": "2016-07/2016-12", "incident_type": "arbitrary_arrest",
                             "source": "SNHR", "victims": 2367, "qualifier": "at_least",
                             "women": None, "children": None, "figure_place": "",
                             "period": {"precision": "month", "value": "2016-12"},
                             "breakdown": {"men": {"count": 1200, "qualifier": "exact"}}},
                            {"month": "2016-12", "incident_type": "arbitrary_arrest",
                             "source": "documented", "victims": 11, "qualifier": "exact",
                             "women": None, "children": 2, "records": 2}]}
    i18n.set_language("ar")
    try:
        page = report.render_html(manifest, {"testimonies": []})
    finally:
        i18n.set_language("en")
    assert '<html lang="ar" dir="rtl">' in page
    body = page[page.index("<body>"):]
    prose = re.sub(r"<bdi>.*?</bdi>|<code>.*?</code>|<[^>]+>|&[a-z]+;", " ", body)
    assert not re.search("[A-Za-z0-9]", prose.replace("UTC", "")), prose
    assert "٢٬٣٦٧" in page and "١٬٥٠٠" in page and "محسوب هنا من سجلَّين" in page


def test_incident_list_names_places_in_arabic(demo_session: Session) -> None:
    from testimony_app.core.records import listing

    english = demo_session.page("incident", listing.Filter(), limit=50)
    arabic = demo_session.page("incident", listing.Filter(), limit=50, language="ar")
    assert [r["id"] for r in english] == [r["id"] for r in arabic]
    places = {r["place"] for r in arabic if r["place"]}
    assert any(re.search("[\u0600-\u06ff]", p) for p in places), places
    assert not {"East Aleppo", "Aleppo"} & places  # these have Arabic names
    by_place = demo_session.page("incident", listing.Filter(), sort="place", language="ar")
    assert len(by_place) == len(demo_session.page("incident", listing.Filter(), sort="place"))
