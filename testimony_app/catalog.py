"""Keep the translation catalogs in step with the source (`make translations`).

`extract()` finds every string marked with `_` or `N_` in the package; `update()`
writes `translations/<lang>.po` with the current strings, keeping existing
translations and dropping stale ones. The catalog test fails on any string that
is missing, untranslated or stale, so nothing reaches the screen in English by
accident.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from testimony_app.i18n import CATALOG_DIR

PACKAGE = Path(__file__).resolve().parent
# ngettext(singular, plural, n) and its marker Nn_(singular, plural) make plural
# entries: a msgid, a msgid_plural and one msgstr per plural form of the language.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "Nn_": (1, 2)}

Message = str | tuple[str, str]


def extract() -> dict[Message, list[tuple[str, int]]]:
    found: dict[Message, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=(), strip_comment_tags=True):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append((filename, lineno))
        elif isinstance(message, tuple | list) and len(message) == 2 and all(message):
            found.setdefault((str(message[0]), str(message[1])), []).append((filename, lineno))
    return found


def complete(string: object) -> bool:
    """A translation is there: a non-empty msgstr, or every plural form filled."""
    if isinstance(string, tuple | list):
        return bool(string) and all(string)
    return bool(string)


def read(language: str) -> Catalog:
    path = CATALOG_DIR / f"{language}.po"
    if not path.exists():
        return Catalog(locale=language)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update(language: str) -> tuple[int, int]:
    """Rewrite the catalog; returns (strings, untranslated)."""
    old = read(language)
    # A fixed date and no line numbers: the catalog changes only when a string does,
    # so two branches that add strings in different files merge without conflicts.
    catalog = Catalog(locale=language, project="Testimony", charset="utf-8",
                      creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    untranslated = 0
    forms = catalog.num_plurals
    for message, locations in sorted(extract().items(), key=lambda item: _key(item[0])):
        previous = old.get(message[0] if isinstance(message, tuple) else message)
        translation: object = (previous.string if previous is not None and not previous.fuzzy
                               else "")
        if isinstance(message, tuple):
            kept = list(translation) if isinstance(translation, tuple | list) else []
            translation = tuple((kept + [""] * forms)[:forms])
        elif not isinstance(translation, str):
            translation = ""
        untranslated += not complete(translation)
        catalog.add(message, translation, locations=locations[:3])
    CATALOG_DIR.mkdir(exist_ok=True)
    with (CATALOG_DIR / f"{language}.po").open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True,
                 include_lineno=False)
    return len(catalog), untranslated


def _key(message: Message) -> str:
    return message[0] if isinstance(message, tuple) else message


def main() -> int:
    for language in sys.argv[1:] or ["ar"]:
        total, missing = update(language)
        print(f"{language}: {total} strings, {missing} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
