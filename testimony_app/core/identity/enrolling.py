"""Joining an organisation from its enrolment file: the vault's keys and settings
(vault/org.py `join`), then the sealing of what was finalised before joining, which
had no one to be sealed to until now (identity/seal.py)."""

from __future__ import annotations

from typing import Any

from testimony_app.core.identity import seal
from testimony_app.core.vault import org


def apply_enrolment(conn: Any, enrolment: org.Enrolment, author: str
                    ) -> tuple[org.Organisation, int]:
    """Join this vault to the organisation (again, to update recipients and settings).
    Returns it, and how many finalised testimonies joining sealed."""
    org.join(conn, enrolment, author)
    sealed = seal.seal_finalised(conn, author)
    return org.require_org(conn), sealed
