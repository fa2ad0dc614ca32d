"""The coordinator's workspace over many researchers' records: corroboration, source
independence, figures (stats), discrepancies and provenance."""
