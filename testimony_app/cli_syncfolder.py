"""`testimony` commands for the sync folder: `sync-folder set|show|unset` and `sync`
(one pass). Registered into cli.py's parser by `register(command)`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from testimony_app import cli_common
from testimony_app.cli_sync import Command, nested_command
from testimony_app.i18n import _


def _cli():  # type: ignore[no-untyped-def]
    return cli_common


def cmd_sync_folder_set(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        path = session.set_sync_folder(Path(args.dir))
    if args.json:
        cli.out_json({"sync_folder": str(path)})
    else:
        cli.out(_("Sync folder: {path}. Have Syncthing (or another folder sync) carry it "
                  "between this computer and the coordinator's.").format(path=path))
    return 0


def cmd_sync_folder_unset(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        session.set_sync_folder(None)
    if args.json:
        cli.out_json({"sync_folder": None})
    else:
        cli.out(_("This vault no longer uses a sync folder; nothing in it was deleted."))
    return 0


def cmd_sync_folder_show(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        path = session.sync_folder()
    if args.json:
        cli.out_json({"sync_folder": str(path) if path else None})
    elif path is None:
        cli.out(_("This vault has no sync folder."))
    else:
        cli.out(_("Sync folder: {path}").format(path=path))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        result = session.sync_pass(export=not args.no_export)
    if args.json:
        cli.out_json(result.as_json())
        return 1 if result.quarantined else 0
    for sequence in result.receipts:
        cli.out(_("Receipt for bundle {sequence} accepted.").format(sequence=sequence))
    for name in result.receipts_refused:
        cli.out(_("{file}: not a valid receipt for this vault; set aside.").format(file=name))
    if result.exported is not None:
        cli.out(_("Bundle {sequence} is in the outbox.").format(sequence=result.exported))
    elif result.pending is not None:
        cli.out(_("Bundle {sequence} is waiting for its receipt; new work goes in the next "
                  "one.").format(sequence=result.pending))
    for sequence in result.lost:
        cli.out(_("Bundle {sequence} left the outbox without a receipt; send everything "
                  "again with 'testimony export-bundle --all'.").format(sequence=sequence))
    for entry in result.imported:
        cli.out(_("{file}: bundle {sequence} from {name}: {added} added, {updated} updated, "
                  "{conflicting} conflicting.").format(
            file=entry["file"], sequence=entry["sequence"], name=entry["signer_name"],
            added=len(entry["added"]), updated=len(entry["updated"]),
            conflicting=len(entry["conflicting"])))
    for entry in result.untrusted:
        cli.out(_("{file}: signed by {fingerprint}, whom this vault does not trust yet; "
                  "not imported ('testimony trust').").format(**entry))
    for entry in result.quarantined:
        cli.out(_("{file}: refused ({reason}) and moved to quarantine.").format(**entry))
    for name in result.waiting:
        cli.out(_("{file}: not complete yet; tried again on the next pass.").format(file=name))
    for name in result.stale:
        cli.out(_("{file}: has been arriving for a long time; check the folder sync.").format(
            file=name))
    if result.purgeable:
        cli.out(_("{count} records can now be removed from this laptop with "
                  "'testimony purge --received'.").format(count=result.purgeable))
    return 1 if result.quarantined else 0


def register(command: Command) -> None:
    parent = command("sync-folder", cmd_sync_folder_show,
                     _("the folder that Syncthing (or another folder sync) carries bundles "
                       "and receipts in"))
    parent.set_defaults(handler=None)
    sub = parent.add_subparsers(dest="sync_folder_command", required=True,
                                metavar="SYNC_FOLDER_COMMAND")

    def nested(name: str, handler: Callable[[argparse.Namespace], int],
               text: str) -> argparse.ArgumentParser:
        return nested_command(sub, name, handler, text)

    p = nested("set", cmd_sync_folder_set, _("use DIR as this vault's sync folder"))
    p.add_argument("dir", metavar="DIR")
    nested("show", cmd_sync_folder_show, _("this vault's sync folder"))
    nested("unset", cmd_sync_folder_unset, _("stop using a sync folder"))
    p = command("sync", cmd_sync, _("one pass over the sync folder: receipts and the next "
                                    "bundle (researcher), imports and receipts (coordinator)"))
    p.add_argument("--no-export", action="store_true",
                   help=_("accept receipts only; write no bundle"))
