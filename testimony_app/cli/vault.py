"""The vault itself: making one, opening it another way, keeping it safe, ending it.

    testimony init [--enroll FILE]        a new vault (and join an organisation)
    testimony demo [--workspace]          a vault with the Aleppo 2016 demo data
    testimony enroll FILE                 join an organisation with an enrolment file
    testimony passwd | recover            a new passphrase; open with the recovery code
    testimony check | log                 is the vault sound; the activity log
    testimony backup | restore            checked, encrypted copies, and back
    testimony destroy-keys --yes          panic: nobody can open the vault any more

A backup folder opens read-only where it lies with any reading command:
`testimony list --vault BACKUP`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from testimony_app import i18n
from testimony_app.cli.common import (
    Command,
    open_session,
    read_enrolment,
    read_new_passphrase,
    read_passphrase,
    read_recovery_code,
    upgrading,
    vault_dir,
)
from testimony_app.cli.output import num, out, out_json, progress
from testimony_app.core import demo
from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.records import activity_words
from testimony_app.core.records.words import word
from testimony_app.core.session import Session, is_vault
from testimony_app.core.vault import org
from testimony_app.i18n import Nn_, _, counted, ngettext
from testimony_app.i18n import language as ui_language

# -- a new vault ------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    folder = vault_dir(args)
    passphrase = read_passphrase(args, confirm=True)
    # The enrolment file is opened first, so a wrong code leaves no vault behind.
    enrolment = read_enrolment(args.enroll) if args.enroll else None
    session, code = Session.create(folder, passphrase)
    with session:
        if enrolment is not None:
            joined, _sealed = session.sync.join(enrolment)
            if not args.json:
                print_enrolled(joined, session.org.whoami(), False)
    if args.json:
        out_json({"vault": str(folder), "recovery_code": code})
    else:
        out(_("Created a vault in {folder}").format(folder=folder))
        out()
        out(_("Recovery code (shown once; write it down and keep it apart from this laptop):"))
        out("    " + code)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    folder = vault_dir(args)
    code = None
    if args.workspace:
        if is_vault(folder):
            raise TestimonyError("vault_exists", path=str(folder))
        session, code = demo.build_workspace(folder, read_passphrase(args, confirm=True))
        with session:
            counts = session.counts()
    elif is_vault(folder):
        session = Session.open(folder, read_passphrase(args), upgrading())
    else:
        session, code = Session.create(folder, read_passphrase(args, confirm=True))
    if not args.workspace:
        with session:
            demo.load(session)
            counts = session.counts()
    if args.json:
        out_json({"vault": str(folder), "recovery_code": code, "counts": counts})
        return 0
    if code:
        out(_("Created a vault in {folder}").format(folder=folder))
        out(_("Recovery code (shown once; write it down):") + " " + code)
    out(_("Demo data loaded: {counts}").format(
        counts=_(", ").join(f"{word('kind', kind)}: {num(n)}"
                            for kind, n in sorted(counts.items()))))
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    enrolment = read_enrolment(args.file)
    with open_session(args) as session:
        organisation, sealed = session.sync.join(enrolment)
        me = session.org.whoami()
    print_enrolled(organisation, me, args.json, sealed)
    return 0


def print_enrolled(organisation: org.Organisation, me: org.Me, as_json: bool,
                   sealed: int = 0) -> None:
    if as_json:
        out_json({"organisation": organisation.id, "name": organisation.name,
                  "fingerprint": me.fingerprint, "words": me.words,
                  "sealed_testimonies": sealed})
        return
    out(_("This vault now belongs to {name}.").format(name=organisation.name))
    if sealed:
        out(_("Testimonies finalised earlier, now sealed for the organisation: "
              "{count}").format(count=i18n.number(sealed)))
    out(_("Read your fingerprint to the coordinator: {fingerprint}").format(
        fingerprint=me.fingerprint))
    out("    " + org.fingerprint_words(me.fingerprint, ui_language()))


# -- passphrase and recovery ------------------------------------------------------------


def cmd_passwd(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        issued = session.change_passphrase(
            read_new_passphrase(), progress=progress(_("Re-encrypting the vault")))
    out(_("Passphrase changed. The vault was re-encrypted under a new key: an earlier "
          "copy of vault.key no longer opens it."))
    _print_issued_code(issued)
    return 0


def _print_issued_code(code: str | None) -> None:
    """A vault made before recovery public keys gets a new recovery code at its first
    change: the old one could not follow the new key."""
    if code is None:
        return
    out()
    out(_("This vault's recovery code was of an older kind and no longer opens it. New "
          "recovery code (shown once; write it down and keep it apart from this laptop):"))
    out("    " + code)


def cmd_recover(args: argparse.Namespace) -> int:
    folder = vault_dir(args)
    if not is_vault(folder):
        raise TestimonyError("no_vault", path=str(folder))
    code = read_recovery_code()
    with Session.open_with_recovery(folder, code, upgrading()) as session:
        session.change_passphrase(
            read_new_passphrase(), progress=progress(_("Re-encrypting the vault")),
            recovery_code=code)
    out(_("Passphrase set. The recovery code stays valid; keep it safe."))
    return 0


# -- soundness and the activity log -----------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        problems = session.check()
    if args.json:
        out_json({"ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            out(_("PROBLEM: {problem}").format(problem=problem))
    else:
        out(_("Vault is sound: database, encryption, activity log, search index and "
              "attachments checked."))
    return 1 if problems else 0


def cmd_log(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entries = session.activity(args.limit)
    if args.json:
        out_json([e.__dict__ for e in entries])
        return 0
    for e in entries:
        # English keeps the action's code and key=value details, which scripts read;
        # another language its words.
        detail = " ".join(f"{k}={v}" for k, v in sorted(e.detail.items())) \
            if ui_language() == "en" else activity_words.detail_text(e.detail)
        action = e.action if ui_language() == "en" else word("activity", e.action)
        when = i18n.isolate(i18n.digits(e.at[:19].replace("T", " ")))
        out(f"#{num(e.seq):<5} {when}  {i18n.isolate(e.actor):16} "
            f"{action:18} "
            f"{i18n.isolate(e.target or ''):36} {detail}")
    return 0


# -- backups ----------------------------------------------------------------------------


def cmd_backup(args: argparse.Namespace) -> int:
    if args.to is None and not args.status and args.remind_after is None:
        raise InputError("backup_target")
    with open_session(args) as session:
        if args.remind_after is not None:
            if args.remind_after < 0:
                raise InputError("backup_remind")
            session.set_setting("backup_reminder_days", str(args.remind_after))
        result = None
        if args.to is not None:
            # Ctrl+C cancels: the partial copy is removed and the vault is as it was.
            result = session.backup(Path(args.to), args.keep, progress(_("Backing up…")))
        status = session.backup_status()
    if args.json:
        out_json({"backup": result.as_json() if result else None,
                  "status": status.as_json()})
        return 0
    if result is not None:
        out(_("Backup written to {path} and checked: {records}, {size}, "
              "encrypted as the vault is. It opens with the passphrase (or recovery code) "
              "the vault has today.").format(
            path=i18n.isolate(result.path),
            records=counted(Nn_("{count} record", "{count} records"),
                            sum(result.records.values())),
            size=counted(Nn_("{count} byte", "{count} bytes"), result.size)))
        for path in result.removed:
            out(_("Older backup removed: {path}").format(path=path))
    if args.status or result is None:
        print_status(status)
    return 0


def print_status(status: object) -> None:
    last_at = getattr(status, "last_at", None)
    if last_at:
        out(_("Last backup: {when} UTC, to {path}").format(
            when=i18n.moment(last_at), path=getattr(status, "last_path", "")))
    else:
        out(_("No backup of this vault was made yet."))
    days = getattr(status, "reminder_days", 0)
    out(ngettext("Reminder after {n} day without a backup.",
                 "Reminder after {n} days without a backup.", days).format(
        n=i18n.number(days)) if days
        else _("Backup reminder: off."))
    if getattr(status, "due", False):
        out(_("A backup is due: 'testimony backup --to FOLDER'."))
    elif not getattr(status, "new_since", True):
        out(_("Nothing new since the last backup."))


def cmd_restore(args: argparse.Namespace) -> int:
    backup_dir = Path(args.backup)
    secret = read_recovery_code() if args.recovery else read_passphrase(args)
    if args.check:
        from testimony_app.core import backup

        manifest, _key, facts = backup.verify(backup_dir, secret, recovery=args.recovery,
                                              progress=progress(_("Checking…")))
        records = sum(int(n) for n in facts.get("records", {}).values())
        if args.json:
            out_json({"ok": True, "created": manifest.created, "records": records})
        else:
            out(_("The backup made {when} UTC is complete and sound: {records}; "
                  "nothing was restored.").format(
                when=i18n.moment(manifest.created),
                records=counted(Nn_("{count} record", "{count} records"), records)))
        return 0
    if args.to is None:
        raise InputError("restore_target")
    result = Session.restore(backup_dir, Path(args.to), secret, recovery=args.recovery,
                             replace=args.replace, progress=progress(_("Restoring…")))
    if args.json:
        out_json(result.as_json())
        return 0
    out(_("Backup of {when} UTC checked and restored to {path}: {records}.").format(
        when=i18n.moment(result.created), path=i18n.isolate(result.path),
        records=counted(Nn_("{count} record", "{count} records"),
                        sum(result.records.values()))))
    if result.moved_aside is not None:
        out(_("The vault that was there was moved to {path}; delete it yourself once "
              "you are sure you do not need it.").format(path=result.moved_aside))
    out(_("It opens with the passphrase (or recovery code) the vault had when the backup "
          "was made."))
    return 0


# -- the end of a vault -----------------------------------------------------------------


def cmd_destroy_keys(args: argparse.Namespace) -> int:
    if not args.yes:
        raise InputError("confirm_destroy")
    with open_session(args) as session:
        escrow = session.destroy_keys()
    out(_("The keys of this vault were overwritten: nobody can open it any more, not even "
          "with the passphrase or the recovery code."))
    if escrow is not None:
        out(_("A copy of the keys, encrypted to the organisation, is in {path}. Only the "
              "coordinator can restore it ('testimony org restore-header'); the passphrase "
              "is still needed after that.").format(path=escrow))
    else:
        out(_("This vault belongs to no organisation: no copy of the keys was kept."))
    return 0


# -- registration -----------------------------------------------------------------------


def register(command: Command) -> None:
    p = command("init", cmd_init, _("create a new vault"))
    p.add_argument("--enroll", metavar="FILE",
                   help=_("join the organisation of this enrolment file (asks for its code)"))
    p = command("demo", cmd_demo,
                _("create or open a vault and load the Aleppo 2016 demo data"))
    p.add_argument("--workspace", action="store_true",
                   help=_("create a coordinator's vault holding, besides the demo data, the "
                          "bundles of two researchers whose accounts overlap"))
    p = command("enroll", cmd_enroll, _("join this vault to an organisation with an enrolment "
                                        "file (asks for its code)"))
    p.add_argument("file", help=_("the enrolment file"))
    command("passwd", cmd_passwd, _("change the passphrase"))
    command("recover", cmd_recover, _("open with the recovery code and set a new passphrase"))
    command("check", cmd_check, _("check database, encryption, log chain and attachments"))
    p = command("log", cmd_log, _("the activity log"))
    p.add_argument("--limit", type=int)
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
    p = command("destroy-keys", cmd_destroy_keys,
                _("panic: overwrite the vault's keys so that nobody can open it (an enrolled "
                  "vault first leaves a copy only the organisation can restore)"),
                json_output=False)
    p.add_argument("--yes", action="store_true", help=_("do it without asking"))
