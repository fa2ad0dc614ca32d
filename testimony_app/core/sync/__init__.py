"""Moving records between a researcher's and the coordinator's vaults: signed and
encrypted bundles, receipts, the sync folder and Syncthing, RFC 3161 timestamps."""
