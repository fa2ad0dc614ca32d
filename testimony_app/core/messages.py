"""One table from error codes to the words a person reads.

Shared by the CLI and the GUI. Every string goes through `_` so the translation
catalog can pick it up; parameters are ids, counts and paths, never content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from testimony_app.i18n import N_, _

if TYPE_CHECKING:
    from testimony_app.core.errors import TestimonyError

MESSAGES: dict[str, str] = {
    "error": N_("Something went wrong ({code})."),
    "vault": N_("The vault could not be used ({code})."),
    "wrong_secret": N_("Wrong passphrase or not a Testimony vault. Nothing was changed."),
    "wrong_recovery_code": N_("Wrong recovery code or not a Testimony vault. Nothing was changed."),
    "no_vault": N_("There is no Testimony vault in {path}. Create one with 'testimony init'."),
    "vault_exists": N_("{path} already holds a vault or other files; choose an empty folder."),
    "not_a_vault": N_("{path} is not a Testimony vault, or its key file is damaged. "
                     "Nothing was changed."),
    "vault_damaged": N_("The vault database is damaged or does not belong to this key file. "
                       "Nothing was changed; restore it from a backup."),
    "vault_newer": N_("This vault was written by a newer version of Testimony; update the app."),
    "passphrase_short": N_("The passphrase must be at least {minimum} characters long."),
    "passphrase_mismatch": N_("The two passphrases are not the same."),
    "passphrase_missing": N_("No passphrase was given and there is no terminal to ask for one."),
    "recovery_code_format": N_("That does not look like a recovery code "
                              "(groups of letters and digits separated by dashes)."),
    "locked": N_("The vault is locked."),
    "invalid_document": N_("The document is not valid; nothing was added ({count} problems)."),
    "not_json": N_("The file is not valid JSON (line {line}, column {column}); nothing was added."),
    "file_unreadable": N_("The file {path} cannot be read."),
    "file_exists": N_("{path} already exists; choose another name."),
    "not_found": N_("No record with id {id}."),
    "attachment_not_found": N_("No attachment with id {id}."),
    "ambiguous_id": N_("The id {id} matches more than one record; give more characters."),
    "in_use": N_("Record {id} is still referred to by {count} other records; "
                "remove those references first."),
    "integrity": N_("Integrity check failed: {what}."),
    "cancelled": N_("Cancelled; nothing was changed."),
    "bad_query": N_("The search could not be understood; try plain words."),
    "seeds_missing": N_("The demo data set was not found."),
    "confirm_delete": N_("Deleting is permanent; add --yes to confirm."),
    "not_a_testimony": N_("That record is not a testimony."),
    "finalise_missing": N_("This testimony cannot be finalised yet; missing: {fields}."),
    "disk": N_("Writing failed (disk full or not writable); nothing was changed."),
}


def describe(error: TestimonyError) -> str:
    template = MESSAGES.get(error.code, MESSAGES["error"])
    try:
        return _(template).format(code=error.code, **error.params)
    except (KeyError, IndexError, ValueError):
        return _(MESSAGES["error"]).format(code=error.code)
