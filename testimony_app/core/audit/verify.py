"""Check a redacted export without any vault or secret (the auditor's side).

Checks the Ed25519 signature over the manifest, that the key that made it is one
the auditor was told to expect (`--expect`, or a file of trusted keys), every
file's SHA-256 and size, that nothing is missing or extra, that SHA256SUMS agrees,
recomputes the report's figures from records.json (documented cases per month or
span of months, a suppressed figure from the parts its incidents still show; every
other source's figure on a row of its own, as published), and checks that no
incident under a suppressed figure shows what it hides. Every failure is named.

The manifest carries its signer's public key, so a signature alone proves only
that whoever made the export signed it: anyone can re-sign a changed export with
a key of their own. Without an expected key the signer is unknown, and an export
is never called authentic.
"""

from __future__ import annotations

import base64
import hashlib
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from testimony_app.core.audit import report
from testimony_app.core.common import safejson
from testimony_app.core.common.errors import InputError
from testimony_app.core.vault import org
from testimony_app.i18n import _

MAX_FILES = 50
MAX_BYTES = 1024 * 1024 * 1024
FIXED = {"manifest.json", "manifest.sig", "SHA256SUMS"}


def _name_problem(name: str, seen: set[str]) -> str | None:
    """Why a member name cannot be one file of an export, or None. A name given twice
    (or twice up to case or Unicode normalisation, which some file systems treat as one
    file) would let a checker read one copy and an unzip tool extract the other."""
    if "\0" in name or "/" in name or "\\" in name or name in ("", ".", "..") \
            or name.startswith(("/", "\\")) or ".." in name.split("/"):
        return _("unexpected entry {name}").format(name=name.replace("\0", "?")[:80])
    folded = unicodedata.normalize("NFC", name).casefold()
    if folded in seen:
        return _("{name} appears more than once").format(name=name[:80])
    seen.add(folded)
    return None


def _read(path: Path) -> tuple[dict[str, bytes], list[str]]:
    files: dict[str, bytes] = {}
    problems: list[str] = []
    seen: set[str] = set()
    if path.is_dir():
        entries = sorted(path.iterdir())
        if len(entries) > MAX_FILES:
            return {}, [_("too many files")]
        for entry in entries:
            problem = _name_problem(entry.name, seen)
            if problem is not None:
                problems.append(problem)
            elif entry.is_symlink() or not entry.is_file():
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
            twice: set[str] = set()
            for info in members:
                # zipfile cuts a name at a NUL byte; the name as stored is checked.
                problem = _name_problem(info.orig_filename, seen)
                if problem is not None:
                    problems.append(problem)
                    twice.add(unicodedata.normalize("NFC", info.filename).casefold())
                    continue
                # Unix file type bits, when a zip tool wrote them (zipfile's writestr
                # leaves them out): a link or device is no file of an export.
                kind = stat.S_IFMT(info.external_attr >> 16)
                if info.is_dir() or kind not in (0, stat.S_IFREG) or info.flag_bits & 1:
                    problems.append(_("{name} is not a regular file").format(
                        name=info.filename[:80]))
                    continue
                if info.file_size > MAX_BYTES:
                    problems.append(_("{name} is too large").format(name=info.filename[:80]))
                    continue
                files[info.filename] = archive.read(info)
            # No copy of a name given twice is read: neither is the one an unzip tool shows.
            files = {name: data for name, data in files.items()
                     if unicodedata.normalize("NFC", name).casefold() not in twice}
    except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError):
        return {}, [_("not an export folder or zip")]
    return files, problems


MAX_TRUSTED = 1024 * 1024


@dataclass(frozen=True)
class Verdict:
    """What checking an export found. `problems`: what is wrong with it (changed,
    missing, extra, a signature that does not match, a key other than the expected
    one); `signer_known`: the signature is by a key the auditor said to expect."""

    problems: list[str]
    manifest: dict[str, Any] | None  # the signed manifest; None if its signature fails
    fingerprint: str | None  # of the key that signed it
    signer_known: bool
    # Record id -> the time a trusted time-stamp authority attested that the coordinator
    # had received it (only when the auditor gave that authority's certificate).
    received: dict[str, str] = field(default_factory=dict)

    @property
    def authentic(self) -> bool:
        return not self.problems and self.manifest is not None and self.signer_known

    @property
    def unknown_signer(self) -> bool:
        """Intact, signed, but by a key nobody said to expect."""
        return not self.problems and self.manifest is not None and not self.signer_known


def read_trusted_keys(path: Path) -> list[str]:
    """Fingerprints from a file, one a line; `#` starts a comment, blank lines are
    skipped. A line that is not a fingerprint refuses the whole file (with its number)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_TRUSTED + 1)
    except OSError:
        raise InputError("file_unreadable", path=str(path)) from None
    if len(raw) > MAX_TRUSTED:
        raise InputError("trusted_keys_line", line=1)
    keys = []
    for number, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            keys.append(org.normalise_fingerprint(text))
        except InputError:
            raise InputError("trusted_keys_line", line=number) from None
    return keys


def unknown_signer_problem(fingerprint: str) -> str:
    return _("signed by {fp}, a key you were not told to expect: pass the organisation's "
             "fingerprint with --expect FINGERPRINT, or a file of trusted fingerprints with "
             "--trusted-keys FILE").format(fp=fingerprint)


def verify(path: Path, expect: str | None = None, trusted: Iterable[str] = ()
           ) -> tuple[list[str], dict[str, Any] | None]:
    """(problems, manifest): no problems means authentic and complete. Without an
    expected key (`expect`, `trusted`) the signer is unknown, which is a problem."""
    verdict = check(path, [*([expect] if expect else []), *trusted])
    if verdict.unknown_signer and verdict.fingerprint is not None:
        return [unknown_signer_problem(verdict.fingerprint)], verdict.manifest
    return verdict.problems, verdict.manifest


def check(path: Path, expected: Iterable[str] = (),
          tsa_roots: list[Any] | None = None) -> Verdict:
    """Check an export against the keys the auditor expects (fingerprints, any form
    `org.normalise_fingerprint` reads; one that it cannot read is refused), and, given
    the certificates of the time-stamp authorities the auditor trusts, its timestamps."""
    wanted = {org.normalise_fingerprint(fp) for fp in expected}
    files, problems = _read(path)
    raw = files.get("manifest.json")
    signature = files.get("manifest.sig")
    if raw is None or signature is None:
        return Verdict(problems + [_("manifest.json or manifest.sig is missing")], None, None,
                       False)
    try:
        manifest = safejson.loads(raw)
        key = base64.b64decode(manifest["organisation"]["signing_key"], validate=True)
        Ed25519PublicKey.from_public_bytes(key).verify(
            base64.b64decode(signature.strip(), validate=True), raw)
    except (ValueError, KeyError, TypeError, InvalidSignature):
        return Verdict(problems + [_("the signature does not match the manifest")], None, None,
                       False)
    fingerprint = org.fingerprint(key)
    known = org.normalise_fingerprint(fingerprint) in wanted
    # The fingerprint the manifest declares is only a claim: a key trusted for one
    # organisation could sign in another's name and fingerprint. Only the key that
    # signed counts, and a manifest that says otherwise is refused.
    declared = manifest.get("organisation", {}).get("fingerprint") \
        if isinstance(manifest.get("organisation"), dict) else None
    try:
        declared_ok = org.normalise_fingerprint(str(declared)) == \
            org.normalise_fingerprint(fingerprint)
    except InputError:
        declared_ok = False
    if not declared_ok:
        problems.append(_("the manifest declares fingerprint {declared}, but it was signed "
                          "by {fp}").format(declared=str(declared)[:80], fp=fingerprint))
    if wanted and not known:
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
        records = safejson.loads(files.get("records.json", b"{}"))
        threshold = int(manifest["threshold"])
        recomputed = report.figures(records, threshold)
        if recomputed != manifest.get("figures"):
            problems.append(_("the figures do not follow from records.json"))
        # A suppressed figure must stay suppressed in the data: no incident under it
        # may still carry the count it hides.
        for month, type_, part in report.exposed(records, threshold):
            problems.append(_("records.json shows the {part} of a suppressed figure "
                              "({month}, {type})").format(part=part, month=month, type=type_))
    except (ValueError, KeyError, TypeError, AttributeError):
        problems.append(_("records.json cannot be read"))
    received: dict[str, str] = {}
    if tsa_roots is not None:
        received = _timestamps(files, listed, tsa_roots, problems)
    return Verdict(problems, manifest, fingerprint, known, received)


def _timestamps(files: dict[str, bytes], listed: dict[str, Any], roots: list[Any],
                problems: list[str]) -> dict[str, str]:
    from testimony_app.core.sync import timestamp  # late: rfc3161-client only when asked

    if "timestamps.json" not in listed or "timestamps.json" not in files:
        problems.append(_("the export carries no timestamps"))
        return {}
    try:
        doc = safejson.loads(files["timestamps.json"])
        records = safejson.loads(files.get("records.json", b"{}"))
    except ValueError:
        problems.append(_("timestamps.json cannot be read"))
        return {}
    found, times = timestamp.check_export(doc, roots, records)
    for item in found:
        kind, _sep, ident = item.partition(":")
        if kind == "token":
            problems.append(_("the timestamp of bundle {id} does not check out against the "
                              "time-stamp authority you trust").format(id=ident[:40]))
        elif kind == "message":
            problems.append(_("the timestamped message of bundle {id} names another "
                              "bundle").format(id=ident[:40]))
        elif kind == "record":
            problems.append(_("timestamps.json names {id}, which is not in the export").format(
                id=ident[:40]))
        else:
            problems.append(_("timestamps.json cannot be read"))
    return times


def inspect(path: Path, expected: Iterable[str] = ()
            ) -> tuple[Verdict, dict[str, Any], dict[str, Any]]:
    """(verdict, shown_manifest, records) for an auditor's screen.

    `shown_manifest` and `records` are whatever can be read, trusted or not, so that
    a failed export can still be looked at (next to the failure).
    """
    verdict = check(path, expected)
    files, _problems = _read(path)

    def load(name: str) -> dict[str, Any]:
        try:
            value = safejson.loads(files.get(name, b"{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    return verdict, verdict.manifest if verdict.manifest is not None \
        else load("manifest.json"), load("records.json")
