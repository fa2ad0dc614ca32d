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
    # What a redacted export holds, by kind (its manifest's counts).
    "export_count": {"aggregates": N_("published figures"), "incidents": N_("incidents"),
                     "persons": N_("persons"), "places": N_("places"),
                     "sources": N_("sources"), "testimonies": N_("testimonies")},
    # What a bundle did to a record on import (provenance).
    "outcome": {"added": N_("added"), "updated": N_("updated"), "unchanged": N_("unchanged"),
                "conflicting": N_("conflicting: kept aside")},
    # The activity log's action names.
    "activity": {
                 "add": N_("records added"),
                 "attach": N_("file attached"),
                 "check": N_("vault checked"),
                 "corroboration": N_("corroboration decided"),
                 "create": N_("vault created"),
                 "delete": N_("record deleted"),
                 "enrolled": N_("enrolled in the organisation"),
                 "enrolment_written": N_("enrolment file written"),
                 "export": N_("bundle exported"),
                 "export_redacted": N_("redacted export written"),
                 "extract": N_("attachment copied out"),
                 "figures_exported": N_("figures exported"),
                 "header_restored": N_("key file restored"),
                 "import": N_("bundle imported"),
                 "import_refused": N_("bundle refused"),
                 "keys_destroyed": N_("keys destroyed"),
                 "org_init": N_("organisation created"),
                 "org_keys_exported": N_("organisation keys exported"),
                 "org_recipient_added": N_("organisation recipient added"),
                 "org_setting": N_("organisation setting changed"),
                 "org_settings_received": N_("organisation settings received"),
                 "person_merged": N_("persons merged"),
                 "person_unmerged": N_("merge undone"),
                 "persons_not_same": N_("persons marked different"),
                 "persons_not_same_undone": N_("'different' undone"),
                 "place_coordinates": N_("place coordinates set"),
                 "purge_received": N_("received records removed"),
                 "receipt_accepted": N_("receipt accepted"),
                 "receipt_written": N_("receipt written"),
                 "recording_recovered": N_("recording recovered"),
                 "recording_started": N_("recording started"),
                 "redaction_approved": N_("redaction approved"),
                 "redaction_withdrawn": N_("redaction approval withdrawn"),
                 "sealed": N_("identities sealed"),
                 "source_independence": N_("source independence decided"),
                 "trust": N_("key trusted"),
                 "untrust": N_("trust withdrawn"),
                 "untagged_dismissed": N_("possible names dismissed"),
                 "untagged_changed": N_("possible names changed"),
                 "verification": N_("verification changed"),
                 "kdf_changed": N_("key derivation changed"),
                 "passphrase_changed": N_("passphrase changed"),
                 "unlock": N_("vault unlocked"),
                 "recover": N_("vault opened with the recovery code"),
                 "backup": N_("backup made"),
                 "restored": N_("backup restored"),
                 "sync_bundle_lost": N_("bundle left the outbox without a receipt"),
                 "sync_folder_set": N_("sync folder set"),
                 "sync_folder_unset": N_("sync folder unset"),
                 "timestamp_authorities": N_("timestamp authorities set"),
                 "timestamp_obtained": N_("timestamp obtained"),
                 },
    "role": {"researcher": N_("researcher"), "member": N_("researcher"),
             "coordinator": N_("coordinator"),
             "auditor": N_("auditor")},
}


def word(kind: str, code: object) -> str:
    """The word for `code` in the UI language; an unknown code is shown as given."""
    text = "" if code is None else str(code)
    found = WORDS.get(kind, {}).get(text)
    return _(found) if found else text
