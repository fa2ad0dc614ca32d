"""`testimony backup` and `testimony restore`. Registered into cli.py's parser by
`register(command)`.

A backup folder opens read-only where it lies with any reading command:
`testimony list --vault BACKUP`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from testimony_app import cli_common
from testimony_app.core.common.errors import InputError
from testimony_app.core.session import Session
from testimony_app.i18n import _

Command = Callable[..., argparse.ArgumentParser]


def _cli():  # type: ignore[no-untyped-def]
    return cli_common


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A percentage on the terminal; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return None
    shown = [-1]

    def show(done: int, total: int) -> None:
        percent = min(100 * done // total, 100) if total else 0
        if percent != shown[0]:
            shown[0] = percent
            sys.stderr.write(f"\r{label} {percent:3d}%")
            if percent >= 100:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def cmd_backup(args: argparse.Namespace) -> int:
    cli = _cli()
    if args.to is None and not args.status and args.remind_after is None:
        raise InputError("backup_target")
    with cli.open_session(args) as session:
        if args.remind_after is not None:
            if args.remind_after < 0:
                raise InputError("backup_remind")
            session.set_setting("backup_reminder_days", str(args.remind_after))
        result = None
        if args.to is not None:
            # Ctrl+C cancels: the partial copy is removed and the vault is as it was.
            result = session.backup(Path(args.to), args.keep, _progress(_("Backing up…")))
        status = session.backup_status()
    if args.json:
        cli.out_json({"backup": result.as_json() if result else None,
                      "status": status.as_json()})
        return 0
    if result is not None:
        cli.out(_("Backup written to {path} and checked: {records} records, {size} bytes, "
                  "encrypted as the vault is. It opens with the passphrase (or recovery code) "
                  "the vault has today.").format(path=result.path,
                                                  records=sum(result.records.values()),
                                                  size=result.size))
        for path in result.removed:
            cli.out(_("Older backup removed: {path}").format(path=path))
    if args.status or result is None:
        print_status(status)
    return 0


def print_status(status: object) -> None:
    cli = _cli()
    last_at = getattr(status, "last_at", None)
    if last_at:
        cli.out(_("Last backup: {when} UTC, to {path}").format(
            when=str(last_at)[:19].replace("T", " "), path=getattr(status, "last_path", "")))
    else:
        cli.out(_("No backup of this vault was made yet."))
    days = getattr(status, "reminder_days", 0)
    cli.out(_("Reminder after {n} days without a backup.").format(n=days) if days
            else _("Backup reminder: off."))
    if getattr(status, "due", False):
        cli.out(_("A backup is due: 'testimony backup --to FOLDER'."))
    elif not getattr(status, "new_since", True):
        cli.out(_("Nothing new since the last backup."))


def cmd_restore(args: argparse.Namespace) -> int:
    cli = _cli()
    backup_dir = Path(args.backup)
    if args.recovery:
        secret = os.environ.get(cli.ENV_RECOVERY) or cli._ask(_("Recovery code: "))
    else:
        secret = cli.read_passphrase(args)
    if args.check:
        from testimony_app.core import backup

        manifest, _key, facts = backup.verify(backup_dir, secret, recovery=args.recovery,
                                              progress=_progress(_("Checking…")))
        records = sum(int(n) for n in facts.get("records", {}).values())
        if args.json:
            cli.out_json({"ok": True, "created": manifest.created, "records": records})
        else:
            cli.out(_("The backup made {when} UTC is complete and sound: {records} records; "
                      "nothing was restored.").format(
                when=manifest.created[:19].replace("T", " "), records=records))
        return 0
    if args.to is None:
        raise InputError("restore_target")
    result = Session.restore(backup_dir, Path(args.to), secret, recovery=args.recovery,
                             replace=args.replace, progress=_progress(_("Restoring…")))
    if args.json:
        cli.out_json(result.as_json())
        return 0
    cli.out(_("Backup of {when} UTC checked and restored to {path}: {records} records.").format(
        when=result.created[:19].replace("T", " "), path=result.path,
        records=sum(result.records.values())))
    if result.moved_aside is not None:
        cli.out(_("The vault that was there was moved to {path}; delete it yourself once "
                  "you are sure you do not need it.").format(path=result.moved_aside))
    cli.out(_("It opens with the passphrase (or recovery code) the vault had when the backup "
              "was made."))
    return 0


def register(command: Command) -> None:
    """Add the backup commands to cli.py's parser through its `command` helper."""
    p = command("backup", cmd_backup,
                _("write a checked, encrypted copy of the vault (it may stay open in the "
                  "window); a backup folder opens read-only with --vault"))
    p.add_argument("--to", metavar="PATH",
                   help=_("a new folder for the backup, or an existing folder to hold "
                          "numbered backups (backup-0001, …)"))
    p.add_argument("--keep", type=int, metavar="N",
                   help=_("keep only this vault's newest N numbered backups in the folder"))
    p.add_argument("--status", action="store_true",
                   help=_("say when the last backup was made and whether one is due"))
    p.add_argument("--remind-after", type=int, metavar="DAYS",
                   help=_("remind after this many days without a backup (0: never; "
                          "default 7)"))
    p = command("restore", cmd_restore,
                _("check a backup, then make it the vault in a folder (a vault already "
                  "there is moved aside with --replace, never deleted)"))
    p.add_argument("backup", metavar="BACKUP", help=_("the backup folder"))
    p.add_argument("--to", metavar="DIR", help=_("where the restored vault goes"))
    p.add_argument("--replace", action="store_true",
                   help=_("move a vault already in DIR aside and restore in its place"))
    p.add_argument("--recovery", action="store_true",
                   help=_("unlock the backup with its recovery code "
                          "($TESTIMONY_RECOVERY_CODE or a prompt)"))
    p.add_argument("--check", action="store_true",
                   help=_("only check the backup completely; restore nothing"))
