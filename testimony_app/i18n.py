"""One translation catalog for every user-visible string: core, CLI and GUI.

Strings are marked with `_` (translated where used) or `N_` (marked only, for
tables built at import time and translated later with `_`). The catalogs are
gettext `.po` files in `testimony_app/translations/`, read with Babel; a test
fails on any string missing from, untranslated in, or stale in a catalog.
No Qt here: core and the CLI use it too.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "ar": "العربية"}
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ku"}

_state = {"language": "en", "digits": "native"}

# Unicode bidi isolates: a value set inside them keeps its own direction and cannot
# reorder the words around it (a Latin title in an Arabic sentence, a date, a path).
FSI, PDI = "\u2068", "\u2069"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LATIN = str.maketrans("٠١٢٣٤٥٦٧٨٩٫٬", "0123456789.,")


def N_(message: str) -> str:  # noqa: N802 (gettext convention)
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 (gettext convention)
    return singular, plural


def _english_plural(n: int) -> int:
    return int(n != 1)


@cache
def _po(language: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]], Callable[[int], int]]:
    """(messages, plural messages by singular, plural rule) of one language."""
    path = CATALOG_DIR / f"{language}.po"
    if language == "en" or not path.exists():
        return {}, {}, _english_plural
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle)
    single = {str(m.id): str(m.string) for m in catalog
              if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}
    plural = {str(m.id[0]): tuple(str(s) for s in m.string) for m in catalog
              if m.id and not m.fuzzy and isinstance(m.id, tuple | list)
              and isinstance(m.string, tuple | list) and all(m.string)}
    rule = _gettext.c2py(catalog.plural_expr) if catalog.plural_expr else _english_plural
    return single, plural, rule


def _catalog(language: str) -> dict[str, str]:
    return _po(language)[0]


def _(message: str) -> str:
    return _catalog(_state["language"]).get(message) or message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count n, by the language's plural rule (Arabic
    has six: zero, one, two, few, many, other)."""
    _single, plurals, rule = _po(_state["language"])
    forms = plurals.get(singular)
    if forms:
        index = rule(n)
        return forms[index] if index < len(forms) else forms[-1]
    return singular if n == 1 else plural


def counted(message: tuple[str, str], n: int,
            shown: Callable[[int], str] | None = None) -> str:
    """A count with its noun, `Nn_("{count} record", "{count} records")`, in the form
    the count asks for and the language's digits (`shown` writes the number, e.g. with
    the locale's grouping). One part of a sentence that holds several counts: each
    part agrees with its own count, and a translatable pattern joins the parts."""
    return ngettext(message[0], message[1], n).format(count=(shown or number)(n))


def isolate(value: object) -> str:
    """A value embedded in a composed sentence, isolated so its direction cannot
    reorder the sentence nor be reordered by it."""
    text = str(value)
    return f"{FSI}{text}{PDI}" if text else text


def digits(text: object) -> str:
    """Text with the language's digits (Arabic-Indic in Arabic unless Latin is chosen)."""
    text = str(text)
    if _state["language"] == "ar" and _state["digits"] == "native":
        return text.translate(ARABIC_INDIC)
    return text.translate(LATIN)


def number(value: int) -> str:
    return digits(f"{value:d}")


def moment(iso: object, length: int = 19) -> str:
    """An ISO timestamp in a line of text (2026-12-05 02:17:41, or to the minute with
    length 16), in the language's digits and isolated: its dashes and colons keep
    their order in a right-to-left line."""
    return isolate(digits(str(iso or "")[:length].replace("T", " ")))


# Separators of lists shown to a person: Arabic writes "،" and "؛"; a middle dot
# beside Arabic-Indic digits reads as a zero, so it becomes a comma there too.
SEPARATORS = {",": N_(", "), ";": N_("; "), "·": N_(" · ")}


def join(items: object, separator: str = ",") -> str:
    """Items joined with the language's own comma (or semicolon, or dot)."""
    return _(SEPARATORS[separator]).join(str(i) for i in items)  # type: ignore[attr-defined]


# The locale whose month names, digits and date order the UI uses. Arabic follows
# Syrian usage: the Levantine month names (كانون الثاني … كانون الأول), the ones in
# the hints and the reports, in the date picker, lists and charts alike.
LOCALES = {"ar": "ar_SY"}


def locale_name() -> str:
    return LOCALES.get(_state["language"], _state["language"])


def set_digits(kind: str) -> None:
    """'native' (the language's own digits) or 'latin'."""
    _state["digits"] = "latin" if kind == "latin" else "native"


def digit_kind() -> str:
    return _state["digits"]


def from_environment(environ: Mapping[str, str] | None = None,
                     argv: Sequence[str] = ()) -> str:
    """The language a person asked for: --lang, then $TESTIMONY_LANG, then the
    locale variables in POSIX order (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    env = os.environ if environ is None else environ
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return _known(args[i + 1]) or "en"
        if arg.startswith("--lang="):
            return _known(arg.split("=", 1)[1]) or "en"
    for name in ("TESTIMONY_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        for part in value.split(":"):
            found = _known(part)
            if found:
                return found
        if value and name != "LANGUAGE":
            return "en"
    return "en"


def _known(value: str) -> str | None:
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def set_language(language: str) -> None:
    _state["language"] = language if language in LANGUAGES else "en"


def language() -> str:
    return _state["language"]


def is_rtl_language(code: str | None = None) -> bool:
    return (code or _state["language"]).split("-")[0] in RTL_LANGUAGES
