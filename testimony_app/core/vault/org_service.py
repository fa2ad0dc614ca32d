"""The organisation as a person sees it: who this installation is, the organisation it
belongs to, and the coordinator's trust list and settings. `Session.org` is one of these,
so that the window and the command line never hand a connection around."""

from __future__ import annotations

from typing import Any

from testimony_app.core.vault import org
from testimony_app.core.vault.opened import OpenVault


class OrgService:
    def __init__(self, vault: OpenVault) -> None:
        self._vault = vault

    def whoami(self) -> org.Me:
        """This installation's keys: fingerprint, device and age recipient."""
        return org.whoami(self._vault.conn)

    def organisation(self) -> org.Organisation | None:
        """The organisation this vault belongs to, or None before it joins or founds one."""
        return org.organisation(self._vault.conn)

    def require_coordinator(self) -> org.Organisation:
        """The organisation, or `not_coordinator` on a researcher's vault."""
        return org.require_coordinator(self._vault.conn)

    def trust(self, fp: str, name: str) -> org.Person:
        """Coordinator: accept bundles signed by the key with this fingerprint."""
        return org.trust(self._vault.conn, fp, name, self._vault.author)

    def untrust(self, fp: str) -> org.Person:
        """Coordinator: stop accepting bundles signed by this key."""
        return org.untrust(self._vault.conn, fp, self._vault.author)

    def set_setting(self, name: str, value: Any) -> org.Organisation:
        """Coordinator: change an organisation setting (org.SETTINGS)."""
        return org.set_setting(self._vault.conn, name, value, self._vault.author)
