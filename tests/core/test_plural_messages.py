"""Counts shown to a person take the language's plural form: one, two and many in
English's two forms, Arabic's six (0, 1, 2, 3–10, 11–99, 100…)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from testimony_app import i18n

MESSAGES = [
    ("Finalised. {count} identity was sealed.", "Finalised. {count} identities were sealed."),
    ("{count} timestamp request is waiting.", "{count} timestamp requests are waiting."),
    ("Verification status changed for {count} incident.",
     "Verification status changed for {count} incidents."),
    ("No backup for {days} day: back up now", "No backup for {days} days: back up now"),
    ("{n} woman", "{n} women"),
    ("{n} child", "{n} children"),
]


@pytest.fixture
def arabic() -> Iterator[None]:
    i18n.set_language("ar")
    yield
    i18n.set_language("en")


@pytest.mark.parametrize(("singular", "plural"), MESSAGES)
def test_six_arabic_forms(arabic: None, singular: str, plural: str) -> None:
    forms = [i18n.ngettext(singular, plural, n) for n in (0, 1, 2, 3, 11, 100)]
    assert len(set(forms)) == 6, forms
    assert not any(form in (singular, plural) for form in forms)


def test_english_singular_and_plural() -> None:
    assert i18n.ngettext(*MESSAGES[0], 1).format(count=1) == "Finalised. 1 identity was sealed."
    assert i18n.ngettext(*MESSAGES[0], 3).format(count=3) == "Finalised. 3 identities were sealed."
    assert i18n.ngettext(*MESSAGES[4], 11).format(n=11) == "11 women"
