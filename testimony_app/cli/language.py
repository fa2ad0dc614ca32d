"""The command line in the user's language: --lang, $TESTIMONY_LANG, then the locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG) choose the catalog for messages, errors,
prompts, --help and tables. --json output stays language-neutral."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from testimony_app import i18n
from testimony_app.i18n import N_, _

# argparse's own words (its headings and built-in help), marked so the catalog holds them.
ARGPARSE_WORDS = (N_("usage: "), N_("positional arguments"), N_("options"),
                  N_("show this help message and exit"),
                  N_("show program's version number and exit"))


def install(argv: Sequence[str]) -> str:
    language = i18n.from_environment(os.environ, argv)
    i18n.set_language(language)
    digits = os.environ.get("TESTIMONY_DIGITS", "")
    i18n.set_digits("latin" if digits == "latin" else "native")
    # argparse looks its words up through a module-level `_` at the time it prints.
    argparse._ = _  # type: ignore[attr-defined]
    return language


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), default=argparse.SUPPRESS,
                        help=_("language of messages and tables (default: $TESTIMONY_LANG, "
                               "else the locale)"))
