"""The words a person reads for the enum values of records (sex, age group, status,
language, role): codes stay in the data and in --json, words go on the screen.

Vocabularies with English and Arabic labels live in vocab.py; these small enums
go through the catalog like any other string.
"""

from __future__ import annotations

from testimony_app.i18n import N_, _

WORDS: dict[str, dict[str, str]] = {
    "sex": {"female": N_("female"), "male": N_("male"), "unknown": N_("unknown")},
    "age_group": {"child": N_("child"), "adult": N_("adult"), "elderly": N_("elderly"),
                  "unknown": N_("unknown")},
    "status": {"draft": N_("draft"), "finalised": N_("finalised")},
    "language": {"ar": N_("Arabic"), "en": N_("English"), "ku": N_("Kurdish"),
                 "tr": N_("Turkish"), "fr": N_("French")},
    "kind": {"testimony": N_("testimony"), "incident": N_("incident"), "person": N_("person"),
             "place": N_("place"), "source": N_("source"), "aggregate": N_("aggregate")},
    "action": {"created": N_("created"), "updated": N_("updated"), "merged": N_("merged"),
               "finalised": N_("finalised"), "sealed": N_("sealed"), "deleted": N_("deleted")},
    "role": {"researcher": N_("researcher"), "coordinator": N_("coordinator"),
             "auditor": N_("auditor")},
}


def word(kind: str, code: object) -> str:
    """The word for `code` in the UI language; an unknown code is shown as given."""
    text = "" if code is None else str(code)
    found = WORDS.get(kind, {}).get(text)
    return _(found) if found else text
