"""One translation catalog for every user-visible string: core, CLI and GUI.

Strings are marked with `_` (translated where used) or `N_` (marked only, for
tables built at import time and translated later with `_`). The catalogs are
gettext `.po` files in `testimony_app/translations/`, read with Babel; a test
fails on any string missing from, untranslated in, or stale in a catalog.
No Qt here: core and the CLI use it too.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "ar": "العربية"}
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ku"}

_state = {"language": "en"}


def N_(message: str) -> str:  # noqa: N802 (gettext convention)
    return message


@cache
def _catalog(language: str) -> dict[str, str]:
    path = CATALOG_DIR / f"{language}.po"
    if language == "en" or not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def _(message: str) -> str:
    return _catalog(_state["language"]).get(message) or message


def set_language(language: str) -> None:
    _state["language"] = language if language in LANGUAGES else "en"


def language() -> str:
    return _state["language"]


def is_rtl_language(code: str | None = None) -> bool:
    return (code or _state["language"]).split("-")[0] in RTL_LANGUAGES
