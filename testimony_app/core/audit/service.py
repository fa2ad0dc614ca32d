"""What an auditor's export takes, as a person does it: the narratives waiting for a
redaction review, each one's preview, approving or withholding it, the export itself, and
inspecting an export that arrived. `Session.audit` is one of these."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from testimony_app.core.audit import redact, verify
from testimony_app.core.common.ids import RecordId
from testimony_app.core.vault.opened import OpenVault


class AuditService:
    def __init__(self, vault: OpenVault) -> None:
        self._vault = vault

    def candidates(self, auditor: str = "auditor") -> list[redact.ReviewItem]:
        """Finalised narratives and where each stands in the redaction review."""
        return redact.candidates(self._vault.conn, auditor)

    def preview(self, testimony_id: RecordId, auditor: str = "auditor") -> dict[str, str]:
        """A narrative as the auditor would read it, names replaced by pseudonyms."""
        return redact.preview(self._vault.conn, testimony_id, auditor)

    def approve(self, testimony_id: RecordId, auditor: str = "auditor") -> None:
        """Approve the narrative's redaction as it reads now (bound to its hash)."""
        redact.approve(self._vault.conn, testimony_id, self._vault.author, auditor)

    def withdraw(self, testimony_id: RecordId) -> bool:
        """Withhold the narrative again; False when it was not approved."""
        return redact.withdraw(self._vault.conn, testimony_id, self._vault.author)

    def export(self, target: Path, options: redact.Options,
               progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
        """Write the auditor's export (folder or .zip); returns its manifest."""
        return redact.export(self._vault, target, options, progress)

    @staticmethod
    def inspect(path: Path, expected: Iterable[str] = ()
                ) -> tuple[verify.Verdict, dict[str, Any], dict[str, Any]]:
        """Check an export that arrived (no vault needed): verdict, manifest, records."""
        return verify.inspect(path, expected)

    @staticmethod
    def check(path: Path, expected: Iterable[str] = (), *, trusted_keys: Path | None = None,
              tsa_cert: Path | None = None) -> verify.Verdict:
        """Check an export that arrived (no vault needed) against the fingerprints
        expected and those in the `trusted_keys` file (one a line), and its timestamps
        against the time-stamp authority's certificate (PEM) in `tsa_cert`."""
        trusted = verify.read_trusted_keys(trusted_keys) if trusted_keys else []
        roots = None
        if tsa_cert:
            from testimony_app.core.common import outfile
            from testimony_app.core.sync import timestamp

            pem = outfile.read_limited(tsa_cert, 1024 * 1024)
            roots = timestamp.load_certificates(pem or b"")
        return verify.check(path, [*expected, *trusted], roots)
