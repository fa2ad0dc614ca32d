"""The vault itself: the key header and unlocking (keyfile), the SQLCipher connection
and schema migrations (db, migrations), re-encryption (rekey), the hash-chained
activity log and its anchors (activity, anchor, loghead), the folder lock, and this
installation's and the organisation's keys and trust (org). Anyone's vault, any role."""
