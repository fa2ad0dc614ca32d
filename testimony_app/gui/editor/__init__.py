"""The testimony editor: one testimony with its witness, incidents and attachments."""
