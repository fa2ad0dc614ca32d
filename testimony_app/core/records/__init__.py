"""The records a researcher writes and reads: the store and its revisions, the
interchange format and its checks, lists and search, attachments and recordings,
drafts, the vocabularies, dates, text normalisation, pseudonyms, places and
breakdowns, narrative tags and name spellings, and the part of sealing the store
cannot work without (sealed: reading sealed records, guards, match keys)."""
