"""Sync screens: the researcher's Export and Receipt dialogs, the coordinator's
Import dialog and Researchers page, and the trust dialog both of those use.

Every operation is a core call (`core.bundle`, `core.org`, `core.receipt`) run on
the VaultWorker; these widgets only show and ask. Whatever came out of a bundle
(a signer's name, a file name) is shown as plain text. Nothing about exports or
imports is remembered outside the vault.
"""
