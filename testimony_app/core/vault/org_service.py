"""The organisation as a person sees it: who this installation is, the organisation it
belongs to, and the coordinator's trust list and settings. `Session.org` is one of these,
so that the window and the command line never hand a connection around."""

from __future__ import annotations

from pathlib import Path

from testimony_app.core.vault import org
from testimony_app.core.vault.opened import OpenVault


class OrgService:
    def __init__(self, vault: OpenVault) -> None:
        self._vault = vault

    @staticmethod
    def read_enrolment(path: Path, code: str) -> org.Enrolment:
        """Decrypt an enrolment file with its one-time code (before a vault is made, so
        that a wrong code leaves none behind)."""
        return org.read_enrolment(path, code)

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

    def set_setting(self, name: str, value: object) -> org.Organisation:
        """Coordinator: change an organisation setting (org.SETTINGS); a value not of the
        setting's type is refused (`org_setting`)."""
        return org.set_setting(self._vault.conn, name, value, self._vault.author)

    # -- used by the command line ------------------------------------------------

    def found(self, name: str) -> org.Organisation:
        """Make this vault a coordinator's: new organisation keys, all inside the vault."""
        return org.init_org(self._vault.conn, name, self._vault.author)

    def require_org(self) -> org.Organisation:
        """The organisation, or `not_enrolled` before this vault joins one."""
        return org.require_org(self._vault.conn)

    def people(self) -> list[org.Person]:
        """Coordinator: every researcher's key, trusted or not, by name."""
        return org.people(self._vault.conn)

    def add_recipient(self, recipient: str) -> org.Organisation:
        """Coordinator: another age recipient bundles are encrypted to."""
        return org.add_recipient(self._vault.conn, recipient, self._vault.author)

    def write_enrolment(self, target: Path) -> str:
        """Coordinator: an enrolment file for one researcher; returns its one-time code."""
        return org.write_enrolment(self._vault.conn, target, self._vault.author)

    def export_identity(self, target: Path, passphrase: str) -> None:
        """Coordinator: the organisation's age identity, passphrase-encrypted, to a file."""
        org.export_identity(self._vault.conn, target, passphrase, self._vault.author)

    def restore_header(self, escrow: Path, folder: Path) -> str:
        """Coordinator: put a researcher's key header back from its escrow; the vault id."""
        return org.restore_header(self._vault.conn, escrow, folder, self._vault.author)
