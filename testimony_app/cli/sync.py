"""Bundles between researchers and the coordinator, and what comes back.

    testimony org init|show|enrollment|export-keys|add-recipient|set|restore-header
    testimony whoami | trust FP --name N | untrust FP | people-keys
    testimony export-bundle --to FILE        a researcher's work, encrypted and signed
    testimony import-bundle FILE...          the coordinator's side, with a receipt each
    testimony import-receipt FILE | purge --received --yes
    testimony conflicts | provenance ID      what came from where
    testimony sync-folder set|show|unset DIR | sync    Syncthing (or another folder sync)
    testimony tsa set|show|send              trusted timestamps (RFC 3161) on arrivals

`testimony enroll` and `init --enroll`, which join a vault to an organisation, are in
vault.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from testimony_app import i18n
from testimony_app.cli.common import (
    Command,
    open_session,
    read_new_passphrase,
    subcommands,
)
from testimony_app.cli.output import isolate, num, out, out_json, progress
from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.records import activity_words
from testimony_app.core.records.words import word
from testimony_app.core.sync import bundle, receipt
from testimony_app.core.vault import loghead, org
from testimony_app.i18n import Nn_, _, counted, ngettext
from testimony_app.i18n import language as ui_language

# -- organisation ---------------------------------------------------------------


def cmd_org_init(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        organisation = session.org.found(args.name)
    if args.json:
        out_json({"organisation": organisation.id, "name": organisation.name,
                  "fingerprint": organisation.fingerprint,
                  "recipients": list(organisation.recipients)})
    else:
        out(_("This vault is now the coordinator's vault of the organisation."))
        out(_("Organisation key fingerprint: {fingerprint}").format(
            fingerprint=organisation.fingerprint))
        out(_("Next: 'testimony org enrollment --to FILE' for each researcher, and "
              "'testimony org export-keys --to FILE' for a recovery copy of the key."))
    return 0


def cmd_org_show(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        organisation = session.org.require_org()
    data = {"organisation": organisation.id, "name": organisation.name,
            "role": organisation.role, "fingerprint": organisation.fingerprint,
            "recipients": list(organisation.recipients), "settings": organisation.settings}
    if args.json:
        out_json(data)
        return 0
    out(_("Organisation: {name} ({id})").format(name=organisation.name, id=organisation.id))
    out(_("This vault: {role}").format(role=word("role", organisation.role)))
    out(_("Organisation key fingerprint: {fingerprint}").format(
        fingerprint=organisation.fingerprint))
    for recipient in organisation.recipients:
        out(_("Bundles are encrypted to: {recipient}").format(recipient=recipient))
    out(_("Seal whole testimonies on finalise: {value}").format(
        value=_("on") if organisation.settings.get("seal_whole_testimony") else _("off")))
    return 0


def cmd_org_enrollment(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        code = session.org.write_enrolment(Path(args.to))
    if args.json:
        out_json({"file": args.to, "code": code})
    else:
        out(_("Enrolment file written to {path}.").format(path=args.to))
        out(_("Enrolment code (give it in person, never with the file):"))
        out("    " + code)
    return 0


def cmd_org_export_keys(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        session.org.export_identity(Path(args.to), read_new_passphrase())
    out(_("The organisation key is in {path}, encrypted under the new passphrase. "
          "With both, the standard age tool opens every bundle: "
          "age -d -i {path} BUNDLE > bundle.tar").format(path=args.to))
    return 0


def cmd_org_add_recipient(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        organisation = session.org.add_recipient(args.recipient)
    if args.json:
        out_json({"recipients": list(organisation.recipients)})
    else:
        out(ngettext("Bundles will be encrypted to {count} recipient; send researchers a "
                     "new enrolment file.",
                     "Bundles will be encrypted to {count} recipients; send researchers a new "
                     "enrolment file.", len(organisation.recipients)).format(
                         count=num(len(organisation.recipients))))
    return 0


def cmd_org_set(args: argparse.Namespace) -> int:
    name = args.setting.replace("-", "_")
    value = {"on": True, "off": False}.get(args.value.lower())
    with open_session(args) as session:
        organisation = session.org.set_setting(name, value)
    if args.json:
        out_json({"settings": organisation.settings})
    else:
        out(_("Setting changed. It reaches researchers with their next receipt or a new "
              "enrolment file."))
    return 0


def cmd_org_restore_header(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        vault_id = session.org.restore_header(Path(args.escrow), Path(args.to))
    out(_("The keys of vault {id} were restored in {path}; it opens again with its "
          "passphrase or recovery code.").format(id=vault_id, path=args.to))
    return 0


# -- keys and trust ---------------------------------------------------------------


def cmd_whoami(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        me = session.org.whoami()
        organisation = session.org.organisation()
    if args.json:
        out_json({"fingerprint": me.fingerprint, "words": me.words,
                  "device_id": me.device_id,
                  "organisation": organisation.id if organisation else None})
        return 0
    out(_("Fingerprint: {fingerprint}").format(fingerprint=me.fingerprint))
    out(_("Read aloud:  {words}").format(
        words=org.fingerprint_words(me.fingerprint, ui_language())))
    if organisation is None:
        out(_("Not enrolled in an organisation."))
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        person = session.org.trust(args.fingerprint, args.name)
    if args.json:
        out_json(person.__dict__)
    else:
        out(_("Trusted {fingerprint} ({words}).").format(
            fingerprint=person.fingerprint,
            words=org.fingerprint_words(person.fingerprint, ui_language())))
    return 0


def cmd_untrust(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        person = session.org.untrust(args.fingerprint)
    if args.json:
        out_json(person.__dict__)
    else:
        out(_("No longer trusted: {fingerprint}. Its bundles will be refused.").format(
            fingerprint=person.fingerprint))
    return 0


def cmd_people_keys(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        people = session.org.people()
        missing = session.sync.gaps()
    if args.json:
        out_json({"people": [{**p.__dict__, "words": org.fingerprint_words(p.fingerprint)}
                             for p in people],
                  "missing_bundles": [{"fingerprint": fp, "sequence": n}
                                      for fp, _name, n in missing]})
        return 0
    for p in people:
        state = _("trusted") if p.trusted else _("not trusted")
        out(f"{p.fingerprint}  {state:12}  {p.name}")
    for _fp, name, n in missing:
        out(_("Bundle {sequence} from {name} is missing.").format(sequence=num(n), name=name))
    if not people:
        out(_("No researchers yet: 'testimony trust FINGERPRINT --name NAME'."))
    return 0


# -- bundles ---------------------------------------------------------------------


def cmd_export_bundle(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.sync.export(Path(args.to), everything=args.all,
                                     progress=progress(_("Exporting")))
    if args.json:
        out_json({"file": str(result.path), "bundle_id": result.bundle_id,
                  "sequence": result.sequence, "records": result.records,
                  "attachments": result.attachments, "size": result.size})
    else:
        out(_("Bundle {sequence} written to {path}: {records}, {attachments}, {size}.").format(
            sequence=num(result.sequence), path=isolate(result.path),
            records=counted(Nn_("{count} record", "{count} records"), result.records),
            attachments=counted(Nn_("{count} attachment", "{count} attachments"),
                                result.attachments),
            size=counted(Nn_("{count} byte", "{count} bytes"), result.size)))
    return 0


def cmd_import_bundle(args: argparse.Namespace) -> int:
    results = []
    failed = 0
    with open_session(args) as session:
        for name in args.files:
            path = Path(name)
            try:
                result = session.sync.import_bundle(path,
                                                    progress=progress(_("Importing")))
            except TestimonyError as exc:
                failed += 1
                sys.stderr.write(f"{name}: {exc}\n")
                results.append({"file": name, "refused": exc.code, "message": str(exc)})
                continue
            entry = {"file": name, **result.as_json(), "signer_name": result.signer_name}
            if not args.no_receipt:
                target = session.sync.receipt_path(
                    path, result.sequence, Path(args.receipts) if args.receipts else None)
                try:
                    session.sync.write_receipt(result.bundle_id, target)
                    entry["receipt"] = str(target)
                except TestimonyError as exc:
                    entry["receipt_error"] = str(exc)
            results.append(entry)
            if not args.json:
                _print_import(entry, result)
        if session.sync.tsa_urls():  # queued with each import; sent if a TSA answers
            session.sync.send_timestamps()
    if args.json:
        out_json(results)
    return 1 if failed else 0


def _print_import(entry: dict[str, object], result: bundle.ImportResult) -> None:
    head = _("{file}: bundle {sequence} from {name} ({fingerprint})").format(
        file=entry["file"], sequence=num(result.sequence), name=result.signer_name,
        fingerprint=result.signer)
    out(head)
    if result.already_imported:
        out("  " + _("already imported; nothing changed."))
    else:
        out("  " + i18n.join([activity_words.received_counts({
            "added": len(result.added), "updated": len(result.updated),
            "unchanged": len(result.unchanged), "conflicting": len(result.conflicting)})
            or _("no records"), counted(
                Nn_("{count} attachment added", "{count} attachments added"),
                len(result.attachments_added))], ";"))
    for record_id in result.conflicting:
        out("  " + _("conflict: {id} was changed here and by the sender; both versions "
                     "are kept ('testimony conflicts').").format(id=record_id))
    for n in result.missing_sequences:
        out("  " + _("bundle {sequence} from {name} is missing.").format(
            sequence=num(n), name=result.signer_name))
    if result.log_warning:
        out("  " + _("Warning: {warning}").format(
            warning=loghead.describe(result.log_warning)))
    if "receipt" in entry:
        out("  " + _("receipt written to {path}; give it back to the sender.").format(
            path=entry["receipt"]))
    elif "receipt_error" in entry:
        out("  " + str(entry["receipt_error"]))


def cmd_import_receipt(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        accepted = session.sync.accept_receipt(Path(args.file))
        purgeable = session.sync.pending_purge()
    if args.json:
        out_json({**accepted.__dict__, "purgeable": purgeable})
    else:
        out(_("Receipt for bundle {sequence}, safely received: {records} and "
              "{attachments}.").format(
            sequence=num(accepted.sequence),
            records=counted(Nn_("{count} record", "{count} records"), accepted.records),
            attachments=counted(Nn_("{count} attachment", "{count} attachments"),
                                accepted.attachments)))
        out(ngettext("{count} record can now be removed from this laptop with "
                     "'testimony purge --received'.",
                     "{count} records can now be removed from this laptop with "
                     "'testimony purge --received'.", purgeable).format(
            count=num(purgeable)))
        if accepted.hashes:
            out(_(receipt.HASHES_NOTE))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    if not args.received:
        raise InputError("confirm_purge")
    if not args.yes:
        raise InputError("confirm_purge")
    with open_session(args) as session:
        purged = session.sync.purge_received()
    if args.json:
        out_json(purged.__dict__)
    else:
        out(_("Removed what the organisation confirmed: {records} and {attachments}; "
              "{kept}.").format(
            records=counted(Nn_("{count} record", "{count} records"), purged.records),
            attachments=counted(Nn_("{count} attachment", "{count} attachments"),
                                purged.attachments),
            kept=counted(Nn_("{count} record kept", "{count} records kept"), purged.kept)))
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        items = session.sync.conflicts()
    if args.json:
        out_json([c.__dict__ for c in items])
        return 0
    for c in items:
        out(f"{c.record_id}  {c.kind:10}  {i18n.moment(c.at)}  {c.fingerprint}")
        if c.log_warning:
            out("  " + _("Warning: {warning}").format(
                warning=loghead.describe(c.log_warning)))
    if not items:
        out(_("No conflicts."))
    return 0


def cmd_provenance(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        items = session.sync.provenance(session.resolve(args.id))
        stamps = {t.bundle_id: t for t in session.sync.timestamps_of(
            [p.bundle_id for p in items])}
    if args.json:
        out_json([{**p.__dict__, "timestamp": stamps[p.bundle_id].gen_time
                   if p.bundle_id in stamps else None} for p in items])
        return 0
    for p in items:
        out(f"{i18n.moment(p.imported_at)}  {p.outcome:11}  #{p.sequence:<4} {p.name} "
            f"({p.fingerprint})  {p.bundle_id}")
        if p.log_warning:
            out("  " + _("Warning: {warning}").format(
                warning=loghead.describe(p.log_warning)))
        stamp = stamps.get(p.bundle_id)
        if stamp is not None:
            out("  " + (_("timestamped {time} by {url}").format(
                time=stamp.gen_time, url=stamp.url) if stamp.token
                else _("timestamp requested, not obtained yet")))
    if not items:
        out(_("Recorded in this vault; not received in a bundle."))
    return 0


# -- the sync folder ---------------------------------------------------------------


def cmd_sync_folder_set(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        path = session.set_sync_folder(Path(args.dir))
    if args.json:
        out_json({"sync_folder": str(path)})
    else:
        out(_("Sync folder: {path}. Have Syncthing (or another folder sync) carry it "
              "between this computer and the coordinator's.").format(path=path))
    return 0


def cmd_sync_folder_unset(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        session.set_sync_folder(None)
    if args.json:
        out_json({"sync_folder": None})
    else:
        out(_("This vault no longer uses a sync folder; nothing in it was deleted."))
    return 0


def cmd_sync_folder_show(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        path = session.sync_folder()
    if args.json:
        out_json({"sync_folder": str(path) if path else None})
    elif path is None:
        out(_("This vault has no sync folder."))
    else:
        out(_("Sync folder: {path}").format(path=path))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        result = session.sync_pass(export=not args.no_export)
    if args.json:
        out_json(result.as_json())
        return 1 if result.quarantined else 0
    for sequence in result.receipts:
        out(_("Receipt for bundle {sequence} accepted.").format(sequence=num(sequence)))
    for name in result.receipts_refused:
        out(_("{file}: not a valid receipt for this vault; set aside.").format(file=name))
    if result.exported is not None:
        out(_("Bundle {sequence} is in the outbox.").format(sequence=num(result.exported)))
    elif result.pending is not None:
        out(_("Bundle {sequence} is waiting for its receipt; new work goes in the next "
              "one.").format(sequence=num(result.pending)))
    for sequence in result.lost:
        out(_("Bundle {sequence} left the outbox without a receipt; send everything "
              "again with 'testimony export-bundle --all'.").format(sequence=num(sequence)))
    for entry in result.imported:
        out(_("{file}: bundle {sequence} from {name}: {counts}.").format(
            file=isolate(entry["file"]), sequence=num(entry["sequence"]),
            name=isolate(entry["signer_name"]), counts=activity_words.received_counts({
                "added": len(entry["added"]), "updated": len(entry["updated"]),
                "conflicting": len(entry["conflicting"])}) or _("no records")))
    for entry in result.untrusted:
        out(_("{file}: signed by {fingerprint}, whom this vault does not trust yet; "
              "not imported ('testimony trust').").format(**entry))
    for entry in result.quarantined:
        out(_("{file}: refused ({reason}) and moved to quarantine.").format(**entry))
    for name in result.waiting:
        out(_("{file}: not complete yet; tried again on the next pass.").format(file=name))
    for name in result.stale:
        out(_("{file}: has been arriving for a long time; check the folder sync.").format(
            file=name))
    if result.purgeable:
        out(ngettext("{count} record can now be removed from this laptop with "
                     "'testimony purge --received'.",
                     "{count} records can now be removed from this laptop with "
                     "'testimony purge --received'.", result.purgeable).format(
                         count=num(result.purgeable)))
    return 1 if result.quarantined else 0


# -- trusted timestamps ------------------------------------------------------------


def cmd_tsa_set(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        urls = session.sync.set_tsa_urls(args.urls)
    if args.json:
        out_json({"urls": urls})
    else:
        out(ngettext("Timestamps will be asked of {count} time-stamp authority.",
                     "Timestamps will be asked of {count} time-stamp authorities.",
                     len(urls)).format(count=num(len(urls))))
    return 0


def cmd_tsa_show(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        urls = session.sync.tsa_urls()
        pending = session.sync.pending_timestamps()
    if args.json:
        out_json({"urls": urls, "pending": pending})
        return 0
    for url in urls:
        out(url)
    if not urls:
        out(_("No time-stamp authority is configured."))
    out(ngettext("{count} timestamp request is waiting.",
                 "{count} timestamp requests are waiting.", pending).format(count=num(pending)))
    return 0


def cmd_tsa_send(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        sent = session.sync.send_timestamps()
    if args.json:
        out_json(sent.__dict__)
    else:
        out(i18n.join([counted(Nn_("{count} timestamp obtained", "{count} timestamps obtained"),
                               sent.obtained),
                       counted(Nn_("{count} still waiting", "{count} still waiting"),
                               sent.pending)], ";") + ".")
    return 0


# -- registration ------------------------------------------------------------------


def _org_parser(parent: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Sub-commands of `org`, which accept the common options after their own name too."""
    parent.set_defaults(handler=None)
    org_command = subcommands(parent, "org_command", "ORG_COMMAND")

    p = org_command("init", cmd_org_init, _("make this vault an organisation's coordinator "
                                            "vault (new organisation keys)"))
    p.add_argument("--name", required=True, help=_("the organisation's name"))
    org_command("show", cmd_org_show, _("the organisation this vault belongs to"))
    p = org_command("enrollment", cmd_org_enrollment,
                    _("write an enrolment file for a researcher (prints its one-time code)"))
    p.add_argument("--to", required=True, metavar="FILE")
    p = org_command("export-keys", cmd_org_export_keys,
                    _("write the organisation's age key, passphrase-encrypted, for recovery"))
    p.add_argument("--to", required=True, metavar="FILE")
    p = org_command("add-recipient", cmd_org_add_recipient,
                    _("also encrypt bundles to another age recipient (a second coordinator, "
                      "an escrow key)"))
    p.add_argument("recipient", help=_("an age recipient (age1…)"))
    p = org_command("set", cmd_org_set,
                    _("change an organisation setting (coordinator): seal-whole-testimony "
                      "on|off seals a researcher's whole testimony on finalise, not only "
                      "identities and tagged names"))
    p.add_argument("setting", choices=["seal-whole-testimony"])
    p.add_argument("value", choices=["on", "off"])
    p = org_command("restore-header", cmd_org_restore_header,
                    _("put back the keys of a researcher's vault from its escrow file "
                      "(vault.key.escrow.age) after they were destroyed"))
    p.add_argument("escrow", metavar="ESCROW", help=_("the escrow file"))
    p.add_argument("--to", required=True, metavar="VAULTDIR",
                   help=_("the researcher's vault folder"))
    return parent


def register(command: Command) -> None:
    _org_parser(command("org", cmd_org_init, _("organisation keys and enrolment files")))
    command("whoami", cmd_whoami, _("this installation's key fingerprint, also as words"))
    p = command("trust", cmd_trust, _("trust a researcher's key (coordinator)"))
    p.add_argument("fingerprint")
    p.add_argument("--name", required=True, help=_("who this is (for your lists)"))
    p = command("untrust", cmd_untrust, _("stop trusting a researcher's key (coordinator)"))
    p.add_argument("fingerprint")
    command("people-keys", cmd_people_keys, _("researchers' keys, trust and missing bundles"))
    p = command("export-bundle", cmd_export_bundle,
                _("write everything new or changed since the last bundle to an encrypted, "
                  "signed file"))
    p.add_argument("--to", required=True, metavar="FILE")
    p.add_argument("--all", action="store_true", help=_("everything, not only what is new"))
    p = command("import-bundle", cmd_import_bundle,
                _("verify and import bundles (coordinator); writes a receipt for each"))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--receipts", metavar="DIR",
                   help=_("folder for the receipts (default: next to each bundle)"))
    p.add_argument("--no-receipt", action="store_true", help=_("write no receipt"))
    p = command("import-receipt", cmd_import_receipt,
                _("check a coordinator's receipt and mark what it lists as received"))
    p.add_argument("file")
    p = command("purge", cmd_purge, _("remove from this laptop what the organisation "
                                      "confirmed receiving"))
    p.add_argument("--received", action="store_true", required=True,
                   help=_("records listed in receipts and unchanged since"))
    p.add_argument("--yes", action="store_true", help=_("do it without asking"))
    command("conflicts", cmd_conflicts, _("records changed both here and by a sender"))
    p = command("provenance", cmd_provenance, _("which bundles a record came from"))
    p.add_argument("id", help=_("id, id prefix, or pseudonym code"))
    parent = command("sync-folder", cmd_sync_folder_show,
                     _("the folder that Syncthing (or another folder sync) carries bundles "
                       "and receipts in"))
    parent.set_defaults(handler=None)
    nested = subcommands(parent, "sync_folder_command", "SYNC_FOLDER_COMMAND")

    p = nested("set", cmd_sync_folder_set, _("use DIR as this vault's sync folder"))
    p.add_argument("dir", metavar="DIR")
    nested("show", cmd_sync_folder_show, _("this vault's sync folder"))
    nested("unset", cmd_sync_folder_unset, _("stop using a sync folder"))
    p = command("sync", cmd_sync, _("one pass over the sync folder: receipts and the next "
                                    "bundle (researcher), imports and receipts (coordinator)"))
    p.add_argument("--no-export", action="store_true",
                   help=_("accept receipts only; write no bundle"))
    parent = command("tsa", cmd_tsa_show,
                     _("time-stamp authorities (RFC 3161) for what the coordinator receives"))
    parent.set_defaults(handler=None)
    nested = subcommands(parent, "tsa_command", "TSA_COMMAND")

    p = nested("set", cmd_tsa_set, _("ask these time-stamp authorities, in order (none: "
                                     "stop asking)"))
    p.add_argument("urls", nargs="*", metavar="URL")
    nested("show", cmd_tsa_show, _("the time-stamp authorities and the requests waiting"))
    nested("send", cmd_tsa_send, _("send the timestamp requests that are waiting"))
