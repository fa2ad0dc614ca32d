"""One table from error codes to the words a person reads.

Shared by the CLI and the GUI. Every string goes through `_` so the translation
catalog can pick it up; parameters are ids, counts and paths, never content.
"""

from __future__ import annotations

import gettext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from testimony_app.core.errors import TestimonyError

_ = gettext.gettext

MESSAGES: dict[str, str] = {
    "error": _("Something went wrong ({code})."),
    "vault": _("The vault could not be used ({code})."),
    "wrong_secret": _("Wrong passphrase or not a Testimony vault. Nothing was changed."),
    "wrong_recovery_code": _("Wrong recovery code or not a Testimony vault. Nothing was changed."),
    "no_vault": _("There is no Testimony vault in {path}. Create one with 'testimony init'."),
    "vault_exists": _("{path} already holds a vault or other files; choose an empty folder."),
    "not_a_vault": _("{path} is not a Testimony vault, or its key file is damaged. "
                     "Nothing was changed."),
    "vault_damaged": _("The vault database is damaged or does not belong to this key file. "
                       "Nothing was changed; restore it from a backup."),
    "vault_newer": _("This vault was written by a newer version of Testimony; update the app."),
    "passphrase_short": _("The passphrase must be at least {minimum} characters long."),
    "passphrase_mismatch": _("The two passphrases are not the same."),
    "passphrase_missing": _("No passphrase was given and there is no terminal to ask for one."),
    "recovery_code_format": _("That does not look like a recovery code "
                              "(groups of letters and digits separated by dashes)."),
    "locked": _("The vault is locked."),
    "invalid_document": _("The document is not valid; nothing was added ({count} problems)."),
    "not_json": _("The file is not valid JSON (line {line}, column {column}); nothing was added."),
    "file_unreadable": _("The file {path} cannot be read."),
    "file_exists": _("{path} already exists; choose another name."),
    "not_found": _("No record with id {id}."),
    "attachment_not_found": _("No attachment with id {id}."),
    "ambiguous_id": _("The id {id} matches more than one record; give more characters."),
    "in_use": _("Record {id} is still referred to by {count} other records; "
                "remove those references first."),
    "integrity": _("Integrity check failed: {what}."),
    "cancelled": _("Cancelled; nothing was changed."),
    "bad_query": _("The search could not be understood; try plain words."),
    "seeds_missing": _("The demo data set was not found."),
    "confirm_delete": _("Deleting is permanent; add --yes to confirm."),
    "disk": _("Writing failed (disk full or not writable); nothing was changed."),
}


def describe(error: TestimonyError) -> str:
    template = MESSAGES.get(error.code, MESSAGES["error"])
    try:
        return _(template).format(code=error.code, **error.params)
    except (KeyError, IndexError, ValueError):
        return _(MESSAGES["error"]).format(code=error.code)
