"""One table from error codes to the words a person reads.

Shared by the CLI and the GUI. Every string goes through `_` so the translation
catalog can pick it up; parameters are ids, counts and paths, never content.
"""

from __future__ import annotations

from typing import Any, Protocol

from testimony_app.i18n import N_, Nn_, _, ngettext, number


class Coded(Protocol):
    """What `describe` reads of an error (errors.TestimonyError): its code and parameters.
    A protocol so that errors can import this module and this module never imports errors."""

    code: str
    params: dict[str, Any]

MESSAGES: dict[str, str] = {
    "error": N_("Something went wrong ({code})."),
    "vault": N_("The vault could not be used ({code})."),
    "input": N_("That input is not acceptable; nothing was changed."),
    "wrong_secret": N_("Wrong passphrase or not a Testimony vault. Nothing was changed."),
    "wrong_recovery_code": N_("Wrong recovery code or not a Testimony vault. Nothing was changed."),
    "no_vault": N_("There is no Testimony vault in {path}. Create one with 'testimony init'."),
    "vault_exists": N_("{path} already holds a vault or other files; choose an empty folder."),
    "not_a_vault": N_("{path} is not a Testimony vault, or its key file is damaged. "
                     "Nothing was changed."),
    "disk_full": N_("The disk that holds the vault is full, so the vault cannot be opened. "
                   "The vault is not damaged: do not replace it with a backup. Free some "
                   "space on that disk, then try again."),
    "vault_damaged": N_("The vault database is damaged or does not belong to this key file. "
                       "Nothing was changed; restore it from a backup."),
    "vault_newer": N_("This vault was written by a newer version of Testimony; update the app."),
    "passphrase_mismatch": N_("The two passphrases are not the same."),
    "passphrase_missing": N_("No passphrase was given and there is no terminal to ask for one."),
    "recovery_code_format": N_("That does not look like a recovery code "
                              "(groups of letters and digits separated by dashes)."),
    "locked": N_("The vault is locked."),
    "vault_in_use": N_("The vault is open in another window or command; close it there first."),
    "vault_busy": N_("The vault is busy; try again in a moment."),
    "too_large": N_("The file is larger than {limit_mib} MiB; nothing was added."),
    "json_refused": N_("The file is not JSON that Testimony accepts: {reason} at {path}; "
                      "nothing was added."),
    "draft_refused": N_("This draft cannot be kept: {reason} at {path}."),
    "not_json": N_("The file is not valid JSON (line {line}, column {column}); nothing was added."),
    "file_unreadable": N_("The file {path} cannot be read."),
    "file_exists": N_("{path} already exists; choose another name."),
    "not_found": N_("No record with id {id}."),
    "attachment_not_found": N_("No attachment with id {id}."),
    "audio_format": N_("This audio format cannot be recorded."),
    "ambiguous_id": N_("The id {id} matches more than one record; give more characters."),
    "integrity": N_("Integrity check failed: {what}."),
    "cancelled": N_("Cancelled; nothing was changed."),
    "bad_query": N_("The search could not be understood; try plain words."),
    "seeds_missing": N_("The demo data set was not found."),
    "confirm_delete": N_("Deleting is permanent; add --yes to confirm."),
    "not_a_testimony": N_("That record is not a testimony."),
    "threshold": N_("The threshold for small counts must be from {low} to {high}; "
                    "nothing was exported."),
    "place_level": N_("Places can be coarsened to the city or the governorate only; "
                      "nothing was exported."),
    "finalise_missing": N_("This testimony cannot be finalised yet; missing: {fields}."),
    "untagged_number": N_("There is no untagged name number {n}; nothing was changed."),
    "untagged_changed": N_("The text changed since the untagged names were listed; list them "
                           "again. Nothing was changed."),
    "disk": N_("Writing failed (disk full or not writable); nothing was changed."),
    # sync bundles, enrolment, receipts
    "not_enrolled": N_("This vault does not belong to an organisation yet. Join one with "
                      "'testimony enroll FILE', or make it a coordinator's with "
                      "'testimony org init'."),
    "not_coordinator": N_("Only a coordinator's vault can do this ('testimony org init')."),
    "org_exists": N_("This vault already belongs to an organisation; nothing was changed."),
    "org_name": N_("Give the organisation a name (one line, at most 200 characters)."),
    "person_name": N_("Give the person a name (one line, at most 200 characters)."),
    "person_not_found": N_("No researcher with fingerprint {fingerprint} in this vault."),
    "recipient_format": N_("That is not an age recipient (it starts with age1)."),
    "fingerprint_format": N_("That does not look like a fingerprint (8 groups of 4 letters "
                            "and digits, as 'testimony whoami' prints it)."),
    "trusted_keys_line": N_("Line {line} of the trusted keys file is not a fingerprint "
                           "(one a line, as 'testimony whoami' prints it; # starts a "
                           "comment)."),
    "enrolment_code_format": N_("That does not look like an enrolment code (5 groups of 5 "
                               "letters and digits)."),
    "enrolment_code_wrong": N_("Wrong enrolment code, or the file was made for another code. "
                              "Nothing was changed."),
    "enrolment_malformed": N_("This is not a Testimony enrolment file, or it is damaged. "
                             "Nothing was changed."),
    "nothing_to_export": N_("Nothing new or changed since bundle {sequence}; "
                           "add --all to send everything again."),
    "sync_folder_unset": N_("This vault has no sync folder; choose one with "
                           "'testimony sync-folder set DIR' or in Sync, Sync folder."),
    "sync_folder_invalid": N_("{path} is not a folder this app can write to; choose another."),
    "sync_folder_in_vault": N_("{path} is inside the vault's folder; choose a folder outside it."),
    "syncthing_config": N_("{path} is not a Syncthing configuration this app can read."),
    "syncthing_not_local": N_("The Syncthing in {path} does not answer on this computer "
                             "only; set it up by hand with the steps shown."),
    "syncthing_unreachable": N_("Syncthing does not answer; start it and try again, or set it "
                               "up by hand with the steps shown."),
    "timestamp_invalid": N_("A timestamp does not check out: damaged, over other bytes, or "
                           "signed by a certificate not valid at its time."),
    "timestamp_untrusted": N_("No time-stamp authority certificate was given to check "
                             "timestamps against."),
    "timestamp_url": N_("{url} is not a time-stamp authority address (https://…)."),
    "timestamp_certificate": N_("That file holds no certificate in PEM form."),
    "bundle_too_large": N_("Too many records for one bundle; nothing was written."),
    "not_a_bundle": N_("This file is not a Testimony bundle; nothing was imported."),
    "bundle_damaged": N_("This bundle is damaged or was changed after it was signed; "
                        "nothing was imported."),
    "bundle_truncated": N_("This bundle is incomplete (cut short); nothing was imported. "
                          "Ask for it again."),
    "bundle_not_for_us": N_("This bundle was not encrypted for this organisation; "
                           "nothing was imported."),
    "bundle_other_org": N_("This bundle was made for another organisation; nothing was imported."),
    "bundle_bad_signature": N_("This bundle's signature does not match its contents; "
                              "nothing was imported."),
    "bundle_untrusted": N_("This bundle is signed by a key this vault does not trust: "
                          "{fingerprint}. If you know who sent it, compare the fingerprint with "
                          "them in person and run: testimony trust {fingerprint} --name NAME. "
                          "Nothing was imported."),
    "bundle_malformed": N_("This bundle is malformed (its contents do not follow the bundle "
                          "format); nothing was imported."),
    "bundle_unexpected_member": N_("This bundle holds an entry that does not belong in a "
                                  "bundle (unexpected name, link or folder); "
                                  "nothing was imported."),
    "bundle_size": N_("An entry in this bundle is larger than its manifest declares, or "
                     "larger than the file itself; nothing was imported."),
    "bundle_missing_references": N_("This bundle refers to records this vault does not have; "
                                   "an earlier bundle from the same researcher may be missing. "
                                   "Nothing was imported."),
    "bundle_attachment_not_owner": N_("This bundle adds a file to a record that another "
                                     "researcher or the coordinator created; only the record's "
                                     "creator can add files to it. Nothing was imported."),
    "receipt_invalid": N_("This receipt is not for this vault, is damaged, or was not signed "
                         "by the organisation; nothing was marked as received."),
    "confirm_purge": N_("Purging removes received records from this laptop for good; "
                       "add --yes to confirm."),
    # panic: destroy the keys, restore them from escrow
    "keys_destroyed": N_("The keys of the vault in {path} were destroyed; nobody can open it. "
                        "If it belonged to an organisation, its coordinator can restore them "
                        "from the escrow file."),
    "confirm_destroy": N_("Destroying the keys makes this vault unreadable for everyone, you "
                         "included; add --yes to confirm."),
    "keys_intact": N_("The keys of the vault in {path} are intact; nothing was restored."),
    "escrow_invalid": N_("This is not a key escrow file for this organisation, or it is "
                        "damaged; nothing was restored."),
    "escrow_mismatch": N_("This escrow file belongs to another vault; nothing was restored."),
    # names tagged in narratives, whole testimonies sealed on finalise
    "testimony_sealed": N_("This testimony was sealed to the organisation when it was "
                          "finalised; it can no longer be opened or changed on this computer. "
                          "Nothing was changed."),
    "attachment_sealed": N_("Attachment {id} was sealed for the organisation when its "
                           "testimony was finalised; it can no longer be opened, played or "
                           "saved on this computer."),
    "incident_sealed": N_("This incident was sealed for the organisation with the testimony "
                         "that reports it; it can no longer be changed on this computer. "
                         "Nothing was changed."),
    "bundle_sealed_unreadable": N_("This bundle holds an attachment sealed for the "
                                  "organisation that this vault cannot open (sealed to another "
                                  "key, damaged, or not matching its SHA-256); "
                                  "nothing was imported."),
    "org_setting": N_("Unknown organisation setting or value; known settings: {known} "
                     "(on or off)."),
    # duplicate persons: merge, undo, "not the same person"
    "not_a_person": N_("Record {id} is not a person; give a pseudonym code such as P-7K3Q-M2XD."),
    "same_person_twice": N_("Give two different persons."),
    "already_merged": N_("{person} is already merged into {into}; undo that merge first "
                        "('testimony unmerge {person}')."),
    "already_same": N_("{a} and {b} are already merged as one person; nothing was changed."),
    "not_merged": N_("{person} is not merged into another person; there is nothing to undo."),
    "marked_distinct": N_("{a} and {b} were marked as not the same person; undo that decision "
                         "first ('testimony not-duplicates {a} {b} --undo')."),
    "not_marked_distinct": N_("{a} and {b} were not marked as different persons; there is "
                             "nothing to undo."),
    # corroboration of incidents
    "not_an_incident": N_("That record is not an incident; give the ids of two incidents."),
    "same_incident": N_("Give two different incidents."),
    "nothing_to_undo": N_("Nothing was decided about these two incidents; there is nothing "
                         "to undo."),
    # people and amendments, from the window
    "person_sealed": N_("The identity of {person} is sealed; it cannot be read or changed "
                       "on this computer."),
    "amend_reason": N_("Say why the finalised testimony is being amended."),
    "not_finalised": N_("This testimony is not finalised; save it instead of amending it."),
    "verification_status": N_("That is not a verification status; use unverified, "
                             "partially_verified, verified or disputed."),
    # independence of sources
    "not_a_source": N_("That record is neither a source nor a testimony; give a source's "
                      "or a testimony's id."),
    "dependence_reason": N_("Say why the source is not independent: party_to_conflict, "
                           "coerced or repeats_another."),
    "repeats_what": N_("Say which source it repeats (another source's or testimony's id)."),
    # places
    "coordinates": N_("Give coordinates as latitude, longitude in decimal degrees (for "
                     "example 36.2021, 37.1343), optionally followed by a precision in "
                     "metres."),
    "not_a_place": N_("That record is not a place."),

    # backups: made while the vault is open, checked, restored in one step
    "not_a_backup": N_("{path} is not a Testimony backup, or its description (backup.json) is "
                      "damaged; nothing was restored."),
    "backup_damaged": N_("This backup is damaged, incomplete or was changed after it was made "
                        "({what}); nothing was changed."),
    "backup_inside_vault": N_("A backup cannot go inside the vault folder; choose another "
                             "folder, best on another disk."),
    "backup_keep": N_("--keep needs a number of backups of at least 1."),
    "backup_read_only": N_("This is a backup, opened read-only; nothing was changed. Restore it "
                          "('testimony restore') to work in it."),
    "backup_older": N_("This backup was made by an older version of Testimony; restore it "
                      "('testimony restore') to open it."),
    "restore_would_replace": N_("{path} already holds a vault. To restore in its place, add "
                               "--replace (or tick 'Replace'): that vault is moved aside and "
                               "kept, not deleted."),
    "restore_onto_backup": N_("Restore a backup to another folder than its own."),
    "backup_target": N_("Say where the backup goes: --to PATH."),
    "backup_remind": N_("--remind-after needs a number of days, 0 or more."),
    "restore_target": N_("Say where to restore the backup: --to DIR (or --check to only "
                        "check it)."),
}

# Messages that hold a count: the parameter that holds it, and the message in the plural
# form that count asks for (Arabic has six).
PLURAL_MESSAGES: dict[str, tuple[str, tuple[str, str]]] = {
    "passphrase_short": ("minimum", Nn_(
        "The passphrase must be at least {minimum} character long.",
        "The passphrase must be at least {minimum} characters long.")),
    "invalid_document": ("count", Nn_(
        "The document is not valid; nothing was added ({count} problem).",
        "The document is not valid; nothing was added ({count} problems).")),
    "in_use": ("count", Nn_(
        "Record {id} is still referred to by {count} other record; "
        "remove that reference first.",
        "Record {id} is still referred to by {count} other records; "
        "remove those references first.")),
    "untagged_names": ("count", Nn_(
        "{count} possible name in this testimony has no tag: tag or dismiss it "
        "(--tag N=PERSON, --dismiss N or --dismiss-all-untagged); nothing was finalised.",
        "{count} possible names in this testimony have no tag: tag or dismiss each "
        "(--tag N=PERSON, --dismiss N,M or --dismiss-all-untagged); nothing was finalised.")),
    "bundle_invalid_records": ("count", Nn_(
        "This bundle holds records that are not valid ({count} problem); "
        "nothing was imported.",
        "This bundle holds records that are not valid ({count} problems); "
        "nothing was imported.")),
    "amend_reason_long": ("limit", Nn_(
        "The reason for the amendment is too long (at most {limit} character).",
        "The reason for the amendment is too long (at most {limit} characters).")),
}


def describe(error: Coded) -> str:
    # Numbers in the reader's digits; ids, paths and names as they are.
    params = {key: number(value) if isinstance(value, int) and not isinstance(value, bool)
              else value for key, value in error.params.items()}
    try:
        if error.code in PLURAL_MESSAGES:
            key, (singular, plural) = PLURAL_MESSAGES[error.code]
            count = error.params.get(key)
            if isinstance(count, int):
                return ngettext(singular, plural, count).format(code=error.code, **params)
            # a count the code did not give: the plural wording, never an error
            return ngettext(singular, plural, 2).format(code=error.code, **params)
        template = MESSAGES.get(error.code, MESSAGES["error"])
        return _(template).format(code=error.code, **params)
    except (KeyError, IndexError, ValueError):
        return _(MESSAGES["error"]).format(code=error.code)
