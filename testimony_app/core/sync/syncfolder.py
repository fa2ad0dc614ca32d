"""A sync folder: bundles and receipts carried by a folder that another tool syncs.

Syncthing (peer to peer, on a local network without internet, or through relays),
Nextcloud or a network share carry the folder; nothing here depends on which. The
files are bundles and receipts, already encrypted and signed, so the carrier
learns nothing but their sizes and times. Layout, one folder per installation
named by its device id:

    DIR/<device>/outbox/bundle-000001.age           a researcher's bundle, complete
    DIR/<device>/outbox/bundle-000002.age.part      one being written (never read)
    DIR/<device>/inbox/bundle-000001.receipt.age    the coordinator's receipt for it
    DIR/quarantine/<device>-bundle-000003.age       a bundle the coordinator refused

A pass on a researcher's vault accepts the receipts in its inbox (then deletes the
bundle they confirm and the receipt), and exports what is new or changed as the
next bundle, unless one is still waiting for its receipt: never more than one
pending bundle. The bundle is written under a `.part` name and renamed only after
it is complete, signed and recorded as sent, so a carrier never picks up half of
one, and a pass after a crash finishes or removes what it finds.

A pass on the coordinator's vault imports each complete bundle in every outbox
exactly as `import_bundle` does (one transaction, all or nothing), and writes the
receipt into the sender's inbox. A bundle from a signer nobody trusted yet stays
where it is and is listed; a damaged one is moved to quarantine once it has not
changed for `settle` seconds (a carrier that writes in place may still be at it).
Files with any other name (a carrier's own temporary files, `.part`) are never
opened; one that stays for `stale` seconds is reported.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.sync import bundle, receipt, timestamp
from testimony_app.core.vault import activity, meta, org
from testimony_app.core.vault.connection import Connection
from testimony_app.core.vault.db import transaction

if TYPE_CHECKING:
    from testimony_app.core.vault.opened import OpenVault

log = logging.getLogger(__name__)

META_KEY = "sync.folder"
OUTBOX = "outbox"
INBOX = "inbox"
QUARANTINE = "quarantine"
PART = ".part"
BUNDLE_NAME = re.compile(r"^bundle-(\d{6,12})\.age$")
RECEIPT_NAME = re.compile(r"^bundle-(\d{6,12})\.receipt\.age$")
SETTLE = 120.0  # seconds a refused bundle must stay unchanged before it is quarantined
STALE = 3600.0  # seconds after which a file still syncing is reported
# Refusals that a bundle still arriving (written in place by its carrier) also gets.
_MAYBE_PARTIAL = {"bundle_truncated", "bundle_damaged", "bundle_size", "not_a_bundle"}


def bundle_name(sequence: int) -> str:
    return f"bundle-{sequence:06d}.age"


def receipt_name(sequence: int) -> str:
    return f"bundle-{sequence:06d}.receipt.age"


@dataclass
class PassResult:
    """What one pass did; ids, counts and file names only."""

    role: str
    exported: int | None = None  # sequence of the bundle written
    pending: int | None = None  # sequence of a bundle still waiting for its receipt
    receipts: list[int] = field(default_factory=list)  # sequences confirmed
    receipts_refused: list[str] = field(default_factory=list)
    purgeable: int = 0
    imported: list[dict[str, Any]] = field(default_factory=list)
    untrusted: list[dict[str, str]] = field(default_factory=list)
    quarantined: list[dict[str, str]] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # refused but maybe still arriving
    stale: list[str] = field(default_factory=list)  # partial files that stay partial
    lost: list[int] = field(default_factory=list)  # own bundles gone without a receipt
    timestamps: int = 0  # tokens obtained from a time-stamp authority
    timestamps_pending: int = 0

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- the setting -----------------------------------------------------------------


def folder(conn: Connection) -> Path | None:
    value = org.get_meta(conn, META_KEY)
    return Path(value) if value else None


def set_folder(session: OpenVault, path: Path | None) -> Path | None:
    """Choose (or, with None, forget) the vault's sync folder; it must exist."""
    conn = session.conn
    if path is None:
        with transaction(conn):
            meta.delete(conn, META_KEY)
            activity.record(conn, session.author, "sync_folder_unset", None)
        return None
    path = Path(os.path.abspath(os.path.expanduser(str(path))))
    if not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
        raise InputError("sync_folder_invalid", path=str(path))
    if session.folder.resolve() in (path.resolve(), *path.resolve().parents):
        raise InputError("sync_folder_in_vault", path=str(path))
    with transaction(conn):
        meta.put(conn, META_KEY, str(path))
        activity.record(conn, session.author, "sync_folder_set", None)
    return path


def require_folder(conn: Connection) -> Path:
    path = folder(conn)
    if path is None:
        raise InputError("sync_folder_unset")
    if not path.is_dir():
        raise InputError("sync_folder_invalid", path=str(path))
    return path


def device_dir(root: Path, device_id: str) -> Path:
    return root / device_id


def _mkdir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        raise InputError("sync_folder_invalid", path=str(path)) from None
    return path


# -- one pass --------------------------------------------------------------------


def sync_pass(session: OpenVault, *, export: bool = True, settle: float = SETTLE,
              stale: float = STALE) -> PassResult:
    """One pass over the sync folder, as this vault's role asks."""
    conn = session.conn
    organisation = org.require_org(conn)
    root = require_folder(conn)
    if organisation.role == org.ROLE_COORDINATOR:
        return _coordinator_pass(session, root, settle, stale)
    return _researcher_pass(session, root, export, stale)


# researcher


def _researcher_pass(session: OpenVault, root: Path, export: bool, stale: float) -> PassResult:
    conn = session.conn
    me = org.whoami(conn)
    mine = device_dir(root, me.device_id)
    outbox, inbox = _mkdir(mine / OUTBOX), _mkdir(mine / INBOX)
    result = PassResult(org.ROLE_MEMBER)
    _accept_receipts(session, outbox, inbox, result)
    _finish_parts(conn, outbox)
    result.stale = _stale_files(outbox, stale) + _stale_files(inbox, stale)
    waiting = _waiting(conn, session.author, outbox, result)
    if waiting is not None:
        result.pending = waiting
    elif export:
        plan = bundle.plan(session)
        if not plan.empty:
            result.exported = _export(session, outbox, plan.sequence)
            result.pending = result.exported
    result.purgeable = receipt.pending_purge(session)
    return result


def _accept_receipts(session: OpenVault, outbox: Path, inbox: Path, result: PassResult) -> None:
    for path in sorted(inbox.iterdir()):
        if not RECEIPT_NAME.match(path.name) or not path.is_file():
            continue
        try:
            accepted = receipt.accept(session, path)
        except TestimonyError as exc:
            log.warning("receipt refused: %s", exc.code)
            result.receipts_refused.append(path.name)
            _rename_aside(path, ".refused")
            continue
        result.receipts.append(accepted.sequence)
        # The bundle first: a coordinator that still sees it would write its receipt again.
        (outbox / bundle_name(accepted.sequence)).unlink(missing_ok=True)
        path.unlink(missing_ok=True)


def _finish_parts(conn: Connection, outbox: Path) -> None:
    """A `.part` left by a pass that stopped: renamed if its export was committed
    (the file was complete before the commit), removed if not."""
    for path in outbox.iterdir():
        if not path.name.endswith(PART):
            continue
        match = BUNDLE_NAME.match(path.name[:-len(PART)])
        if match is None:
            continue
        sent = conn.execute("SELECT 1 FROM sent_bundles WHERE sequence = ?",
                            (int(match.group(1)),)).fetchone()
        if sent:
            os.replace(path, path.with_name(path.name[:-len(PART)]))
        else:
            path.unlink(missing_ok=True)


def _waiting(conn: Connection, author: str, outbox: Path, result: PassResult) -> int | None:
    """The bundle still waiting for its receipt, if one is; bundles of ours that left
    the outbox without a receipt are noted as lost (only the last is checked: older
    ones were handled when they were last)."""
    row = conn.execute("SELECT sequence, receipt_at FROM sent_bundles "
                       "ORDER BY sequence DESC LIMIT 1").fetchone()
    if row is None or row[1]:
        return None
    sequence = int(row[0])
    if (outbox / bundle_name(sequence)).exists():
        return sequence
    noted = org.get_meta(conn, "sync.lost")
    if noted != str(sequence):
        with transaction(conn):
            meta.put(conn, "sync.lost", str(sequence))
            activity.record(conn, author, "sync_bundle_lost", None, sequence=sequence)
        result.lost.append(sequence)
    return None


def _export(session: OpenVault, outbox: Path, sequence: int) -> int:
    final = outbox / bundle_name(sequence)
    part = final.with_name(final.name + PART)
    part.unlink(missing_ok=True)
    exported = bundle.export(session, part)
    os.replace(part, outbox / bundle_name(exported.sequence))
    _fsync_dir(outbox)
    log.info("sync folder: bundle %d written", exported.sequence)
    return exported.sequence


# coordinator


def _coordinator_pass(session: OpenVault, root: Path, settle: float, stale: float) -> PassResult:
    result = PassResult(org.ROLE_COORDINATOR)
    for device in sorted(p for p in root.iterdir() if p.is_dir() and p.name != QUARANTINE):
        outbox = device / OUTBOX
        if not outbox.is_dir():
            continue
        result.stale += _stale_files(outbox, stale)
        for path in sorted(outbox.iterdir()):
            if BUNDLE_NAME.match(path.name) and path.is_file():
                _import_one(session, root, path, settle, result)
    # Timestamps for what was imported (and what earlier passes queued), if a
    # time-stamp authority is configured and answers; otherwise they stay queued.
    if timestamp.urls(session.conn):
        sent = timestamp.send_pending(session)
        result.timestamps, result.timestamps_pending = sent.obtained, sent.pending
    return result


def _import_one(session: OpenVault, root: Path, path: Path, settle: float,
                result: PassResult) -> None:
    inbox = path.parent.parent / INBOX
    label = f"{path.parent.parent.name}/{path.name}"
    conn = session.conn
    try:
        before = path.stat()
        seen = _untrusted_seen(conn, label, before)
        if seen is not None:
            # Refused before for a signer still not trusted: not tried (nor logged) again.
            result.untrusted.append({"file": label, "fingerprint": seen})
            return
        imported = bundle.import_bundle(session, path)
    except bundle.Refused as exc:
        if exc.code == "bundle_untrusted":
            fingerprint = str(exc.params.get("fingerprint", ""))
            result.untrusted.append({"file": label, "fingerprint": fingerprint})
            _note_untrusted(conn, label, before, fingerprint)
            return
        if exc.code in _MAYBE_PARTIAL and not _settled(path, before, settle):
            result.waiting.append(label)
            return
        result.quarantined.append({"file": label, "reason": exc.code})
        _quarantine(root, path)
        return
    except FileNotFoundError:
        return  # removed by its carrier meanwhile
    except InputError as exc:
        if exc.code == "file_unreadable":
            result.waiting.append(label)
            return
        raise
    entry = {"file": label, **imported.as_json()}
    target = _mkdir(inbox) / receipt_name(imported.sequence)
    if not target.exists():
        # Also for a bundle imported by an earlier pass that stopped before its receipt.
        receipt.write(session, imported.bundle_id, target)
        entry["receipt"] = f"{path.parent.parent.name}/{INBOX}/{target.name}"
    if not imported.already_imported or "receipt" in entry:
        result.imported.append(entry)


UNTRUSTED_KEY = "sync.untrusted"


def _untrusted_seen(conn: Connection, label: str, stat: os.stat_result) -> str | None:
    """The signer of this very file (same size and time), refused as untrusted by an
    earlier pass, if that signer is still not trusted."""
    noted = json.loads(org.get_meta(conn, UNTRUSTED_KEY) or "{}")
    entry = noted.get(label)
    if not entry or entry[:2] != [stat.st_size, stat.st_mtime_ns]:
        return None
    known = org.known(conn, entry[2])
    return None if known is not None and known[1] else str(entry[2])


def _note_untrusted(conn: Connection, label: str, stat: os.stat_result, fingerprint: str) -> None:
    noted = json.loads(org.get_meta(conn, UNTRUSTED_KEY) or "{}")
    noted = {k: v for k, v in list(noted.items())[-999:]}
    noted[label] = [stat.st_size, stat.st_mtime_ns, fingerprint]
    with transaction(conn):
        meta.put(conn, UNTRUSTED_KEY, json.dumps(noted))


def _settled(path: Path, before: os.stat_result, settle: float) -> bool:
    try:
        now = path.stat()
    except OSError:
        return False
    unchanged = (now.st_size, now.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    return unchanged and time.time() - now.st_mtime >= settle


def _quarantine(root: Path, path: Path) -> None:
    target_dir = _mkdir(root / QUARANTINE)
    target = target_dir / f"{path.parent.parent.name}-{path.name}"
    n = 1
    while target.exists():
        n += 1
        target = target_dir / f"{path.parent.parent.name}-{n}-{path.name}"
    try:
        os.replace(path, target)
    except OSError:
        log.warning("sync folder: could not move a refused bundle aside")


def _rename_aside(path: Path, suffix: str) -> None:
    try:
        os.replace(path, path.with_name(path.name + suffix))
    except OSError:
        log.warning("sync folder: could not move a refused file aside")


def _stale_files(folder: Path, stale: float) -> list[str]:
    """Files still partial (a carrier's temporary file, our `.part`) older than `stale`."""
    now = time.time()
    found = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        name = path.name
        partial = (name.endswith((PART, ".tmp")) or name.startswith((".syncthing.", "~syncthing~")))
        if not partial:
            continue
        try:
            age = now - path.stat().st_mtime
        except OSError:
            continue
        if age >= stale:
            found.append(f"{folder.parent.name}/{folder.name}/{name}")
    return sorted(found)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
