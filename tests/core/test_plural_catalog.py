"""Every count shown to a person goes through a plural form.

Arabic says a count in six ways (0, 1, 2, 3–10, 11–99, 100…) and its noun, adjective
and verb agree with it: a msgid that writes "{records} records" can only be right in
English. The rule read from the source: a placeholder whose name says it holds a count,
followed directly by a word (the noun, participle or verb that agrees with it), must sit
in a plural entry (`ngettext`/`Nn_`). A sentence with several counts is composed of
parts, each its own plural entry, joined by a pattern whose placeholders hold those
parts ("{records}, {size}."), so no count is followed by its noun there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from testimony_app import catalog, i18n
from testimony_app.core.common import errors, messages
from testimony_app.core.records import activity_words

# Placeholder names that hold a count in this code base.
COUNT_NAMES = {
    "count", "n", "records", "attachments", "incidents", "figures", "testimonies", "persons",
    "people", "sources", "added", "updated", "unchanged", "conflicting", "kept", "days",
    "rows", "obtained", "pending", "total", "rest", "approved", "ready", "shown", "size",
    "value", "minimum", "limit", "problems", "identities", "markers", "same", "suggestions",
    "clusters", "purgeable", "sealed", "seconds", "minutes", "hours"}
# Words that may follow a count without agreeing with it ("bundle {n} from {name}").
LINKS = {"of", "from", "to", "and", "or", "in", "at", "on", "by", "for", "with", "into"}
_COUNTED = re.compile(r"\{(\w+)\}\s+([a-z][a-z()']*)")


def counted_words(msgid: str) -> list[tuple[str, str]]:
    """(placeholder, the word after it) for each count followed by a word that agrees."""
    return [(m.group(1), m.group(2)) for m in _COUNTED.finditer(msgid)
            if m.group(1) in COUNT_NAMES and m.group(2) not in LINKS]


def test_the_rule_finds_a_count_with_its_noun() -> None:
    # msgids this code base once had, each wrong in Arabic
    assert counted_words("Backup written to {path} and checked: {records} records, {size}.")
    assert counted_words("{incidents} incidents, {figures} reported figures") == [
        ("incidents", "incidents"), ("figures", "reported")]
    assert counted_words("names {value} letter(s) apart")
    assert counted_words("The best {shown} are listed.")
    # a label, a number, an ordinal, a pattern of parts: nothing agrees with the number
    assert not counted_words("Discrepancies: {n}")
    assert not counted_words("Bundle {n} from {name} imported")
    assert not counted_words("Victim {n}: choose the person.")
    assert not counted_words("Backup written to {path} and checked: {records}, {size}.")


def test_every_count_followed_by_its_words_is_a_plural_entry() -> None:
    singular = [m for m in catalog.extract() if isinstance(m, str)]
    found = {m: counted_words(m) for m in singular if counted_words(m)}
    assert not found, ("counts in messages without plural forms (use ngettext, or compose "
                       f"the sentence of i18n.counted parts): {found}")


@pytest.fixture
def arabic() -> Iterator[None]:
    i18n.set_language("ar")
    yield
    i18n.set_language("en")


COUNTS = (0, 1, 2, 3, 11, 100)
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _plural_entries() -> list[tuple[str, str]]:
    return sorted(m for m in catalog.extract() if isinstance(m, tuple))


def test_every_plural_entry_has_its_arabic_forms(arabic: None) -> None:
    """No form is the English; 3 takes a plural noun where 1 and 100 take a singular one
    (11 and 100 may read alike: "١١ حزمة", "١٠٠ حزمة" unvocalised)."""
    wrong: list[tuple[str, list[str]]] = []
    for singular, plural in _plural_entries():
        forms = [i18n.ngettext(singular, plural, n) for n in COUNTS]
        if {singular, plural} & set(forms) or forms[3] in (forms[1], forms[5]):
            wrong.append((singular, forms))
    assert not wrong, wrong


PARTS = [
    (("{count} record", "{count} records"),
     ["لا سجلات", "سجل واحد", "سجلان", "٣ سجلات", "١١ سجلًا", "١٠٠ سجل"]),
    (("{count} attachment", "{count} attachments"),
     ["لا مرفقات", "مرفق واحد", "مرفقان", "٣ مرفقات", "١١ مرفقًا", "١٠٠ مرفق"]),
    (("{count} incident", "{count} incidents"),
     ["لا حوادث", "حادثة واحدة", "حادثتان", "٣ حوادث", "١١ حادثةً", "١٠٠ حادثة"]),
    (("{count} reported figure", "{count} reported figures"),
     ["لا أرقام مُبلَّغ عنها", "رقم مُبلَّغ عنه واحد", "رقمان مُبلَّغ عنهما",
      "٣ أرقام مُبلَّغ عنها", "١١ رقمًا مُبلَّغًا عنه", "١٠٠ رقم مُبلَّغ عنه"]),
    (("{count} byte", "{count} bytes"),
     ["لا بايتات", "بايت واحد", "بايتان", "٣ بايتات", "١١ بايتًا", "١٠٠ بايت"]),
]


@pytest.mark.parametrize(("message", "expected"), PARTS)
def test_counted_parts_in_arabic(arabic: None, message: tuple[str, str],
                                 expected: list[str]) -> None:
    assert [i18n.counted(message, n) for n in COUNTS] == expected


def test_counted_parts_in_english() -> None:
    assert i18n.counted(("{count} record", "{count} records"), 1) == "1 record"
    assert i18n.counted(("{count} record", "{count} records"), 11) == "11 records"


def test_received_counts_in_arabic(arabic: None) -> None:
    """The activity log and the command line: "12 added, 6 unchanged"."""
    said = [activity_words.received_counts({"added": n, "unchanged": 1}) for n in COUNTS]
    assert said == ["سجل واحد بلا تغيير",
                    "أُضيف سجل واحد، سجل واحد بلا تغيير",
                    "أُضيف سجلان، سجل واحد بلا تغيير",
                    "أُضيفت ٣ سجلات، سجل واحد بلا تغيير",
                    "أُضيف ١١ سجلًا، سجل واحد بلا تغيير",
                    "أُضيف ١٠٠ سجل، سجل واحد بلا تغيير"]
    assert activity_words.received_counts({}) == ""


def test_error_messages_with_a_count_in_arabic(arabic: None) -> None:
    said = [str(errors.InputError("in_use", id="R1", count=n)) for n in COUNTS]
    assert len(set(said)) == 6
    assert "في سجل آخر" in said[1] and "في سجلين آخرين" in said[2]
    assert "٣ سجلات أخرى" in said[3] and "١١ سجلًا آخر" in said[4]
    assert "١٠٠ سجل آخر" in said[5]
    assert not re.search(r"[0-9]", "".join(said).replace("R1", ""))
    # every code with a count has its plural forms in the catalog
    for code, (_key, (singular, plural)) in messages.PLURAL_MESSAGES.items():
        forms = {i18n.ngettext(singular, plural, n) for n in COUNTS}
        assert len(forms) == 6, code


def test_error_messages_with_a_count_in_english() -> None:
    assert str(errors.InputError("in_use", id="R1", count=1)) == (
        "Record R1 is still referred to by 1 other record; remove that reference first.")
    assert "12 characters" in str(errors.InputError("passphrase_short", minimum=12))
