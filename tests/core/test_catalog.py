"""Every user-visible string is in the Arabic catalog, translated, and not stale."""

from __future__ import annotations

from testimony_app import catalog, i18n


def test_arabic_catalog_is_complete_and_fresh() -> None:
    source = catalog.extract()
    po = catalog.read("ar")
    translated = {_id(m.id) for m in po if m.id and catalog.complete(m.string) and not m.fuzzy}
    present = {_id(m.id) for m in po if m.id}
    missing = sorted(set(source) - translated)
    stale = sorted(present - set(source))
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]} (run make translations)"
    assert not stale, f"{len(stale)} stale, e.g. {stale[:5]} (run make translations)"


def _id(message_id: object) -> object:
    return tuple(message_id) if isinstance(message_id, list | tuple) else message_id


def test_placeholders_survive_translation() -> None:
    import re

    for message in catalog.read("ar"):
        if message.id and isinstance(message.id, tuple | list):
            # A form may write the number in words ("دقيقتان"), so it may drop {n},
            # never add a field the source does not give.
            fields = set(re.findall(r"\{(\w*)\}", str(message.id[1])))
            assert len(message.string) == 6, message.id
            for form in message.string:
                assert set(re.findall(r"\{(\w*)\}", str(form))) <= fields, message.id
        elif message.id and message.string:
            fields = set(re.findall(r"\{(\w*)\}", str(message.id)))
            assert fields == set(re.findall(r"\{(\w*)\}", str(message.string))), message.id


def test_arabic_plural_forms() -> None:
    """Arabic's six forms: 0 zero, 1 one, 2 two, 3-10 few, 11-99 many, 100 other."""
    words = {0: "لا سجلات", 1: "سجل واحد", 2: "سجلان", 3: "٣ سجلات",
             11: "١١ سجلًا", 100: "١٠٠ سجل"}
    i18n.set_language("ar")
    try:
        for n, expected in words.items():
            text = i18n.ngettext("{count} record", "{count} records", n).format(
                count=i18n.number(n))
            assert text == expected, (n, text)
    finally:
        i18n.set_language("en")
    assert i18n.ngettext("{count} record", "{count} records", 1).format(count=1) == "1 record"
    assert i18n.ngettext("{count} record", "{count} records", 5).format(count=5) == "5 records"


def test_switching_language_translates_core_messages() -> None:
    from testimony_app.core.common.errors import WrongSecret

    i18n.set_language("ar")
    try:
        english = "Wrong passphrase or not a Testimony vault. Nothing was changed."
        assert str(WrongSecret()) != english
    finally:
        i18n.set_language("en")
