"""The coordinator's workspace (issue 6): figures, corroboration, duplicates."""
