"""`testimony` commands for sync bundles: organisation, enrolment, trust, export,
import, receipts. Registered into cli.py's parser by `register(command)`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from testimony_app import cli_common, i18n
from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.identity import enrolling
from testimony_app.core.records.words import word
from testimony_app.core.sync import bundle, receipt, timestamp
from testimony_app.core.vault import loghead, org
from testimony_app.i18n import _, ngettext

ENV_ENROLMENT_CODE = "TESTIMONY_ENROLMENT_CODE"

Command = Callable[..., argparse.ArgumentParser]


def _cli():  # type: ignore[no-untyped-def]
    return cli_common


def _progress(label: str) -> Callable[[int, int], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        percent = 100 * done // total if total else 0
        sys.stderr.write(f"\r{label} {percent:3d}%")
        if done >= total:
            sys.stderr.write("\n")

    return show


# -- organisation ---------------------------------------------------------------


def cmd_org_init(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        organisation = org.init_org(session.conn, args.name, session.author)
    if args.json:
        cli.out_json({"organisation": organisation.id, "name": organisation.name,
                      "fingerprint": organisation.fingerprint,
                      "recipients": list(organisation.recipients)})
    else:
        cli.out(_("This vault is now the coordinator's vault of the organisation."))
        cli.out(_("Organisation key fingerprint: {fingerprint}").format(
            fingerprint=organisation.fingerprint))
        cli.out(_("Next: 'testimony org enrollment --to FILE' for each researcher, and "
                  "'testimony org export-keys --to FILE' for a recovery copy of the key."))
    return 0


def cmd_org_show(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        organisation = org.require_org(session.conn)
    data = {"organisation": organisation.id, "name": organisation.name,
            "role": organisation.role, "fingerprint": organisation.fingerprint,
            "recipients": list(organisation.recipients), "settings": organisation.settings}
    if args.json:
        cli.out_json(data)
        return 0
    cli.out(_("Organisation: {name} ({id})").format(name=organisation.name, id=organisation.id))
    cli.out(_("This vault: {role}").format(role=word("role", organisation.role)))
    cli.out(_("Organisation key fingerprint: {fingerprint}").format(
        fingerprint=organisation.fingerprint))
    for recipient in organisation.recipients:
        cli.out(_("Bundles are encrypted to: {recipient}").format(recipient=recipient))
    cli.out(_("Seal whole testimonies on finalise: {value}").format(
        value=_("on") if organisation.settings.get("seal_whole_testimony") else _("off")))
    return 0


def cmd_org_enrollment(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        code = org.write_enrolment(session.conn, Path(args.to), session.author)
    if args.json:
        cli.out_json({"file": args.to, "code": code})
    else:
        cli.out(_("Enrolment file written to {path}.").format(path=args.to))
        cli.out(_("Enrolment code (give it in person, never with the file):"))
        cli.out("    " + code)
    return 0


def cmd_org_export_keys(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        org.export_identity(session.conn, Path(args.to), cli.read_new_passphrase(),
                            session.author)
    cli.out(_("The organisation key is in {path}, encrypted under the new passphrase. "
              "With both, the standard age tool opens every bundle: "
              "age -d -i {path} BUNDLE > bundle.tar").format(path=args.to))
    return 0


def cmd_org_add_recipient(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        organisation = org.add_recipient(session.conn, args.recipient, session.author)
    if args.json:
        cli.out_json({"recipients": list(organisation.recipients)})
    else:
        cli.out(_("Bundles will be encrypted to {count} recipients; send researchers a new "
                  "enrolment file.").format(count=len(organisation.recipients)))
    return 0


def cmd_org_set(args: argparse.Namespace) -> int:
    cli = _cli()
    name = args.setting.replace("-", "_")
    value = {"on": True, "off": False}.get(args.value.lower())
    with cli.open_session(args) as session:
        organisation = org.set_setting(session.conn, name, value, session.author)
    if args.json:
        cli.out_json({"settings": organisation.settings})
    else:
        cli.out(_("Setting changed. It reaches researchers with their next receipt or a new "
                  "enrolment file."))
    return 0


def cmd_org_restore_header(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        vault_id = org.restore_header(session.conn, Path(args.escrow), Path(args.to),
                                      session.author)
    cli.out(_("The keys of vault {id} were restored in {path}; it opens again with its "
              "passphrase or recovery code.").format(id=vault_id, path=args.to))
    return 0


# -- enrolment and people ----------------------------------------------------------


def read_code() -> str:
    if ENV_ENROLMENT_CODE in os.environ:
        return os.environ[ENV_ENROLMENT_CODE]
    if not sys.stdin.isatty():
        raise InputError("passphrase_missing")
    import getpass

    return getpass.getpass(_("Enrolment code: "))


def read_enrolment(path: str) -> org.Enrolment:
    """Decrypt an enrolment file (asks for its code); used by `enroll` and `init --enroll`."""
    return org.read_enrolment(Path(path), read_code())


def print_enrolled(organisation: org.Organisation, me: org.Me, as_json: bool,
                   sealed: int = 0) -> None:
    cli = _cli()
    if as_json:
        cli.out_json({"organisation": organisation.id, "name": organisation.name,
                      "fingerprint": me.fingerprint, "words": me.words,
                      "sealed_testimonies": sealed})
        return
    cli.out(_("This vault now belongs to {name}.").format(name=organisation.name))
    if sealed:
        cli.out(_("Testimonies finalised earlier, now sealed for the organisation: "
                  "{count}").format(count=sealed))
    cli.out(_("Read your fingerprint to the coordinator: {fingerprint}").format(
        fingerprint=me.fingerprint))
    cli.out("    " + org.fingerprint_words(me.fingerprint, i18n.language()))


def cmd_enroll(args: argparse.Namespace) -> int:
    cli = _cli()
    enrolment = read_enrolment(args.file)
    with cli.open_session(args) as session:
        organisation, sealed = enrolling.apply_enrolment(session.conn, enrolment, session.author)
        me = org.whoami(session.conn)
    print_enrolled(organisation, me, args.json, sealed)
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        me = org.whoami(session.conn)
        organisation = org.organisation(session.conn)
    if args.json:
        cli.out_json({"fingerprint": me.fingerprint, "words": me.words,
                      "device_id": me.device_id,
                      "organisation": organisation.id if organisation else None})
        return 0
    cli.out(_("Fingerprint: {fingerprint}").format(fingerprint=me.fingerprint))
    cli.out(_("Read aloud:  {words}").format(
        words=org.fingerprint_words(me.fingerprint, i18n.language())))
    if organisation is None:
        cli.out(_("Not enrolled in an organisation."))
    return 0


def cmd_trust(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        person = org.trust(session.conn, args.fingerprint, args.name, session.author)
    if args.json:
        cli.out_json(person.__dict__)
    else:
        cli.out(_("Trusted {fingerprint} ({words}).").format(
            fingerprint=person.fingerprint,
            words=org.fingerprint_words(person.fingerprint, i18n.language())))
    return 0


def cmd_untrust(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        person = org.untrust(session.conn, args.fingerprint, session.author)
    if args.json:
        cli.out_json(person.__dict__)
    else:
        cli.out(_("No longer trusted: {fingerprint}. Its bundles will be refused.").format(
            fingerprint=person.fingerprint))
    return 0


def cmd_people_keys(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        people = org.people(session.conn)
        missing = bundle.gaps(session.conn)
    if args.json:
        cli.out_json({"people": [{**p.__dict__, "words": org.fingerprint_words(p.fingerprint)}
                                 for p in people],
                      "missing_bundles": [{"fingerprint": fp, "sequence": n}
                                          for fp, _name, n in missing]})
        return 0
    for p in people:
        state = _("trusted") if p.trusted else _("not trusted")
        cli.out(f"{p.fingerprint}  {state:12}  {p.name}")
    for _fp, name, n in missing:
        cli.out(_("Bundle {sequence} from {name} is missing.").format(sequence=n, name=name))
    if not people:
        cli.out(_("No researchers yet: 'testimony trust FINGERPRINT --name NAME'."))
    return 0


# -- bundles ---------------------------------------------------------------------


def cmd_export_bundle(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        result = bundle.export(session, Path(args.to), everything=args.all,
                               progress=_progress(_("Exporting")))
    if args.json:
        cli.out_json({"file": str(result.path), "bundle_id": result.bundle_id,
                      "sequence": result.sequence, "records": result.records,
                      "attachments": result.attachments, "size": result.size})
    else:
        cli.out(_("Bundle {sequence} written to {path}: {records} records, {attachments} "
                  "attachments, {size} bytes.").format(
            sequence=result.sequence, path=result.path, records=result.records,
            attachments=result.attachments, size=result.size))
    return 0


def _receipt_path(bundle_path: Path, folder: str | None, sequence: int) -> Path:
    return receipt.default_path(bundle_path, sequence, Path(folder) if folder else None)


def cmd_import_bundle(args: argparse.Namespace) -> int:
    cli = _cli()
    results = []
    failed = 0
    with cli.open_session(args) as session:
        for name in args.files:
            path = Path(name)
            try:
                result = bundle.import_bundle(session, path, progress=_progress(_("Importing")))
            except TestimonyError as exc:
                failed += 1
                sys.stderr.write(f"{name}: {exc}\n")
                results.append({"file": name, "refused": exc.code, "message": str(exc)})
                continue
            entry = {"file": name, **result.as_json(), "signer_name": result.signer_name}
            if not args.no_receipt:
                target = _receipt_path(path, args.receipts, result.sequence)
                try:
                    receipt.write(session, result.bundle_id, target)
                    entry["receipt"] = str(target)
                except TestimonyError as exc:
                    entry["receipt_error"] = str(exc)
            results.append(entry)
            if not args.json:
                _print_import(entry, result)
        if timestamp.urls(session.conn):  # queued with each import; sent if a TSA answers
            timestamp.send_pending(session)
    if args.json:
        cli.out_json(results)
    return 1 if failed else 0


def _print_import(entry: dict[str, object], result: bundle.ImportResult) -> None:
    cli = _cli()
    head = _("{file}: bundle {sequence} from {name} ({fingerprint})").format(
        file=entry["file"], sequence=result.sequence, name=result.signer_name,
        fingerprint=result.signer)
    cli.out(head)
    if result.already_imported:
        cli.out("  " + _("already imported; nothing changed."))
    else:
        cli.out("  " + _("{added} added, {updated} updated, {unchanged} unchanged, "
                         "{conflicting} conflicting; {attachments} attachments added").format(
            added=len(result.added), updated=len(result.updated),
            unchanged=len(result.unchanged), conflicting=len(result.conflicting),
            attachments=len(result.attachments_added)))
    for record_id in result.conflicting:
        cli.out("  " + _("conflict: {id} was changed here and by the sender; both versions "
                         "are kept ('testimony conflicts').").format(id=record_id))
    for n in result.missing_sequences:
        cli.out("  " + _("bundle {sequence} from {name} is missing.").format(
            sequence=n, name=result.signer_name))
    if result.log_warning:
        cli.out("  " + _("Warning: {warning}").format(
            warning=loghead.describe(result.log_warning)))
    if "receipt" in entry:
        cli.out("  " + _("receipt written to {path}; give it back to the sender.").format(
            path=entry["receipt"]))
    elif "receipt_error" in entry:
        cli.out("  " + str(entry["receipt_error"]))


def cmd_import_receipt(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        accepted = receipt.accept(session, Path(args.file))
        purgeable = receipt.pending_purge(session)
    if args.json:
        cli.out_json({**accepted.__dict__, "purgeable": purgeable})
    else:
        cli.out(_("Receipt for bundle {sequence}: {records} records and {attachments} "
                  "attachments safely received.").format(
            sequence=accepted.sequence, records=accepted.records,
            attachments=accepted.attachments))
        cli.out(ngettext("{count} record can now be removed from this laptop with "
                         "'testimony purge --received'.",
                         "{count} records can now be removed from this laptop with "
                         "'testimony purge --received'.", purgeable).format(
            count=cli.num(purgeable)))
        if accepted.hashes:
            cli.out(_(receipt.HASHES_NOTE))
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    cli = _cli()
    if not args.received:
        raise InputError("confirm_purge")
    if not args.yes:
        raise InputError("confirm_purge")
    with cli.open_session(args) as session:
        purged = receipt.purge_received(session)
    if args.json:
        cli.out_json(purged.__dict__)
    else:
        cli.out(_("Removed {records} records and {attachments} attachments that the "
                  "organisation confirmed; {kept} kept.").format(**purged.__dict__))
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        items = bundle.conflicts(session.conn)
    if args.json:
        cli.out_json([c.__dict__ for c in items])
        return 0
    for c in items:
        cli.out(f"{c.record_id}  {c.kind:10}  {c.at[:19]}  {c.fingerprint}")
        if c.log_warning:
            cli.out("  " + _("Warning: {warning}").format(
                warning=loghead.describe(c.log_warning)))
    if not items:
        cli.out(_("No conflicts."))
    return 0


def cmd_provenance(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        items = bundle.provenance(session.conn, session.resolve(args.id))
        stamps = {t.bundle_id: t for t in timestamp.of_bundles(
            session.conn, [p.bundle_id for p in items])}
    if args.json:
        cli.out_json([{**p.__dict__, "timestamp": stamps[p.bundle_id].gen_time
                       if p.bundle_id in stamps else None} for p in items])
        return 0
    for p in items:
        cli.out(f"{p.imported_at[:19]}  {p.outcome:11}  #{p.sequence:<4} {p.name} "
                f"({p.fingerprint})  {p.bundle_id}")
        if p.log_warning:
            cli.out("  " + _("Warning: {warning}").format(
                warning=loghead.describe(p.log_warning)))
        stamp = stamps.get(p.bundle_id)
        if stamp is not None:
            cli.out("  " + (_("timestamped {time} by {url}").format(
                time=stamp.gen_time, url=stamp.url) if stamp.token
                else _("timestamp requested, not obtained yet")))
    if not items:
        cli.out(_("Recorded in this vault; not received in a bundle."))
    return 0


# -- registration ------------------------------------------------------------------


def _org_parser(parent: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Sub-commands of `org`, which accept the common options after their own name too."""
    parent.set_defaults(handler=None)
    sub = parent.add_subparsers(dest="org_command", required=True, metavar="ORG_COMMAND")

    def org_command(name: str, handler: Callable[[argparse.Namespace], int],
                    text: str) -> argparse.ArgumentParser:
        return nested_command(sub, name, handler, text)

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


def nested_command(sub: Any, name: str, handler: Callable[[argparse.Namespace], int],
                   text: str) -> argparse.ArgumentParser:
    """A second-level command (`testimony org init`, `testimony corroborate confirm`)
    taking the common options after its own name too; SUPPRESS keeps the values
    given before it."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=text, description=text)
    p.set_defaults(handler=handler)
    p.add_argument("--vault", metavar="DIR", default=argparse.SUPPRESS, help=_("vault folder"))
    p.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                   help=_("read the passphrase from the first line of FILE"))
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help=_("show where an error happened (never with secrets)"))
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help=_("print JSON"))
    return p


def register(command: Command) -> None:
    """Add the sync commands to cli.py's parser through its `command` helper."""
    _org_parser(command("org", cmd_org_init, _("organisation keys and enrolment files")))
    p = command("enroll", cmd_enroll, _("join this vault to an organisation with an enrolment "
                                        "file (asks for its code)"))
    p.add_argument("file", help=_("the enrolment file"))
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
