"""Check a redacted export without any vault or secret (the auditor's side).

Checks the Ed25519 signature over the manifest (and, with --expect, that it is
the organisation's key the auditor was told about), every file's SHA-256 and
size, that nothing is missing or extra, that SHA256SUMS agrees, recomputes the
report's figures from records.json (a suppressed figure from the parts its
incidents still show), and checks that no incident under a suppressed figure
shows what it hides. Every failure is named.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from testimony_app.core import org, report
from testimony_app.i18n import _

MAX_FILES = 50
MAX_BYTES = 1024 * 1024 * 1024
FIXED = {"manifest.json", "manifest.sig", "SHA256SUMS"}


def _read(path: Path) -> tuple[dict[str, bytes], list[str]]:
    files: dict[str, bytes] = {}
    problems: list[str] = []
    if path.is_dir():
        entries = sorted(path.iterdir())
        if len(entries) > MAX_FILES:
            return {}, [_("too many files")]
        for entry in entries:
            if entry.is_symlink() or not entry.is_file():
                problems.append(_("{name} is not a regular file").format(name=entry.name))
            elif entry.stat().st_size > MAX_BYTES:
                problems.append(_("{name} is too large").format(name=entry.name))
            else:
                files[entry.name] = entry.read_bytes()
        return files, problems
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_FILES:
                return {}, [_("too many files")]
            for info in members:
                if "/" in info.filename or "\\" in info.filename or info.is_dir() \
                        or info.file_size > MAX_BYTES:
                    problems.append(_("unexpected entry {name}").format(
                        name=info.filename[:80]))
                    continue
                files[info.filename] = archive.read(info)
    except (OSError, zipfile.BadZipFile):
        return {}, [_("not an export folder or zip")]
    return files, problems


def verify(path: Path, expect: str | None = None) -> tuple[list[str], dict[str, Any] | None]:
    """(problems, manifest): no problems means authentic and complete."""
    files, problems = _read(path)
    raw = files.get("manifest.json")
    signature = files.get("manifest.sig")
    if raw is None or signature is None:
        return problems + [_("manifest.json or manifest.sig is missing")], None
    try:
        manifest = json.loads(raw)
        key = base64.b64decode(manifest["organisation"]["signing_key"], validate=True)
        Ed25519PublicKey.from_public_bytes(key).verify(
            base64.b64decode(signature.strip(), validate=True), raw)
    except (ValueError, KeyError, TypeError, InvalidSignature):
        return problems + [_("the signature does not match the manifest")], None
    fingerprint = org.fingerprint(key)
    if expect and org.normalise_fingerprint(expect) != org.normalise_fingerprint(fingerprint):
        problems.append(_("signed by {fp}, not by the expected key").format(fp=fingerprint))
    listed = manifest.get("files", {})
    for name, entry in sorted(listed.items()):
        data = files.get(name)
        if data is None:
            problems.append(_("{name} is missing").format(name=name))
        elif hashlib.sha256(data).hexdigest() != entry.get("sha256") \
                or len(data) != entry.get("size"):
            problems.append(_("{name} was changed").format(name=name))
    for name in sorted(set(files) - set(listed) - FIXED):
        problems.append(_("{name} is not part of the export").format(name=name[:80]))
    expected_sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                            for name, data in sorted(files.items())
                            if name in set(listed) | {"manifest.json"})
    if files.get("SHA256SUMS", b"").decode("ascii", "replace") != expected_sums:
        problems.append(_("SHA256SUMS does not match the files"))
    try:
        records = json.loads(files.get("records.json", b"{}"))
        threshold = int(manifest["threshold"])
        recomputed = report.figures(records, threshold)
        if recomputed != manifest.get("figures"):
            problems.append(_("the figures do not follow from records.json"))
        # A suppressed figure must stay suppressed in the data: no incident under it
        # may still carry the count it hides.
        for month, type_, part in report.exposed(records, threshold):
            problems.append(_("records.json shows the {part} of a suppressed figure "
                              "({month}, {type})").format(part=part, month=month, type=type_))
    except (ValueError, KeyError, TypeError):
        problems.append(_("records.json cannot be read"))
    return problems, manifest


def inspect(path: Path, expect: str | None = None
            ) -> tuple[list[str], dict[str, Any] | None, dict[str, Any], dict[str, Any]]:
    """(problems, manifest, shown_manifest, records) for an auditor's screen.

    `manifest` is the signed manifest, or None when its signature fails;
    `shown_manifest` and `records` are whatever can be read, trusted or not, so that
    a failed export can still be looked at (next to the failure).
    """
    problems, manifest = verify(path, expect)
    files, _problems = _read(path)

    def load(name: str) -> dict[str, Any]:
        try:
            value = json.loads(files.get(name, b"{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    return problems, manifest, manifest if manifest is not None else load("manifest.json"), \
        load("records.json")
