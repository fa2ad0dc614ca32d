"""Who the records are about, on the researcher's side of finalising: sealing
identities and names to the organisation (seal), joining an organisation (enrolling),
the data upgrades of the migrations that seal (upgrades), finalising, people, name
matching and possible duplicates, redacting names from narratives, untagged names."""
