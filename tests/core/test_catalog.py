"""Every user-visible string is in the Arabic catalog, translated, and not stale."""

from __future__ import annotations

from testimony_app import catalog, i18n


def test_arabic_catalog_is_complete_and_fresh() -> None:
    source = catalog.extract()
    po = catalog.read("ar")
    translated = {m.id for m in po if m.id and m.string and not m.fuzzy}
    present = {m.id for m in po if m.id}
    missing = sorted(set(source) - translated)
    stale = sorted(present - set(source))
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]} (run make translations)"
    assert not stale, f"{len(stale)} stale, e.g. {stale[:5]} (run make translations)"


def test_placeholders_survive_translation() -> None:
    import re

    for message in catalog.read("ar"):
        if message.id and message.string:
            fields = set(re.findall(r"\{(\w*)\}", str(message.id)))
            assert fields == set(re.findall(r"\{(\w*)\}", str(message.string))), message.id


def test_switching_language_translates_core_messages() -> None:
    from testimony_app.core.errors import WrongSecret

    i18n.set_language("ar")
    try:
        english = "Wrong passphrase or not a Testimony vault. Nothing was changed."
        assert str(WrongSecret()) != english
    finally:
        i18n.set_language("en")
