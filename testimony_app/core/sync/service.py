"""Moving records between vaults as a person does it: plan and write a bundle, preview
and import one, write and accept receipts, purge what the coordinator received, and the
researchers heard from. `Session.sync` is one of these."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.identity import enrolling
from testimony_app.core.sync import bundle, last_bundle, receipt, timestamp
from testimony_app.core.vault import org
from testimony_app.core.vault.opened import OpenVault


class SyncService:
    def __init__(self, vault: OpenVault) -> None:
        self._vault = vault

    # -- a researcher's vault ------------------------------------------------

    def plan(self, everything: bool = False) -> bundle.ExportPlan:
        """What the next bundle would hold, without writing it."""
        return bundle.plan(self._vault, everything)

    def export(self, target: Path, *, everything: bool = False,
               progress: bundle.Progress | None = None,
               cancelled: bundle.IsCancelled | None = None) -> bundle.ExportResult:
        """Write everything new or changed since the last bundle (or everything)."""
        return bundle.export(self._vault, target, everything=everything, progress=progress,
                             cancelled=cancelled)

    def join(self, enrolment: org.Enrolment) -> tuple[org.Organisation, int]:
        """Join the organisation (again, to update it); what was finalised before is
        sealed then. Returns the organisation and how many testimonies were sealed."""
        return enrolling.apply_enrolment(self._vault.conn, enrolment, self._vault.author)

    def accept_receipt(self, path: Path) -> receipt.Accepted:
        """Verify the coordinator's receipt and mark what it lists as safely received."""
        return receipt.accept(self._vault, path)

    def pending_purge(self) -> int:
        """How many received records could be removed from this vault."""
        return receipt.pending_purge(self._vault)

    def purge_received(self) -> receipt.Purged:
        """Remove what the coordinator confirmed it holds (and nothing still referred to)."""
        return receipt.purge_received(self._vault)

    # -- the coordinator's vault ---------------------------------------------

    def preview(self, path: Path, progress: bundle.Progress | None = None,
                cancelled: bundle.IsCancelled | None = None) -> bundle.Preview:
        """What importing the bundle would do; the vault is left as it was."""
        return bundle.preview(self._vault, path, progress, cancelled)

    def import_bundle(self, path: Path, progress: bundle.Progress | None = None,
                      cancelled: bundle.IsCancelled | None = None) -> bundle.ImportResult:
        """Import a signed bundle, all or nothing."""
        return bundle.import_bundle(self._vault, path, progress, cancelled)

    def write_receipt(self, bundle_id: BundleId, target: Path) -> None:
        """Write the receipt for an imported bundle."""
        receipt.write(self._vault, bundle_id, target)

    @staticmethod
    def receipt_path(bundle_path: Path, sequence: int, folder: Path | None = None) -> Path:
        """Where the receipt of a bundle goes by default."""
        return receipt.default_path(bundle_path, sequence, folder)

    def researchers(self) -> list[bundle.Researcher]:
        """Every researcher heard from, with the bundles missing from each."""
        return bundle.researchers(self._vault.conn)

    def last_bundles(self) -> dict[str, tuple[int, str]]:
        """fingerprint -> (its latest bundle's number, when the researcher made it)."""
        return last_bundle.made_at(self._vault.conn)

    def gaps(self) -> list[tuple[str, str, int]]:
        """(fingerprint, person's name, missing sequence) for every device heard from."""
        return bundle.gaps(self._vault.conn)

    def conflicts(self) -> list[bundle.Conflict]:
        """Records two vaults changed differently, waiting for a decision."""
        return bundle.conflicts(self._vault.conn)

    def provenance(self, record_id: RecordId) -> list[bundle.Provenance]:
        """The bundles a record arrived in."""
        return bundle.provenance(self._vault.conn, record_id)

    # -- time stamps of what the coordinator received --------------------------

    def timestamps_of(self, bundle_ids: Iterable[BundleId]) -> list[timestamp.Token]:
        return timestamp.of_bundles(self._vault.conn, bundle_ids)

    def tsa_urls(self) -> list[str]:
        """The time-stamp authorities asked, in order."""
        return timestamp.urls(self._vault.conn)

    def set_tsa_urls(self, values: Iterable[str]) -> list[str]:
        return timestamp.set_urls(self._vault, values)

    def pending_timestamps(self) -> int:
        """How many timestamp requests wait for an authority's answer."""
        return timestamp.pending_count(self._vault.conn)

    def send_timestamps(self) -> timestamp.Sent:
        """Send the requests that are waiting."""
        return timestamp.send_pending(self._vault)
