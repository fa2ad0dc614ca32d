"""How an error message echoes a reference the user typed (records and attachments
alike): only when it looks like an id or a pseudonym code, since they may have typed
a name."""

from __future__ import annotations

import re

_ID_LIKE = re.compile(r"^([0-9a-f-]{1,36}|P-[0-9A-Z]{4}-[0-9A-Z]{4})$", re.IGNORECASE)


def safe_ref(ref: str) -> str:
    """Echo what the user typed only if it looks like an id or a pseudonym code:
    they may have typed a name."""
    return ref if _ID_LIKE.match(ref) else "(not shown)"
