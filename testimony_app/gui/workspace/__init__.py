"""The coordinator's workspace: figures, corroboration, duplicates."""
