"""Audit screens: the coordinator's Export for auditors dialog (scope, redaction
review per narrative, export with its verification line) and the auditor's window
that verifies an export first and then lets it be browsed read-only.

Every operation is a core call (`core.redact`, `core.verify`): on the VaultWorker
when a vault is involved, on a thread-pool task when there is none (the auditor
has no vault). Whatever comes out of an export or a record is shown as plain text.
"""
