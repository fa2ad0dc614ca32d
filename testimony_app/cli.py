"""`testimony`: the command line, a thin face over core.session.Session.

Exit status: 0 success, 1 failure (one line in plain words on stderr), 2 usage.
Secrets never come from argv: passphrases from a no-echo prompt, a file
(--passphrase-file) or $TESTIMONY_PASSPHRASE (for scripts and tests).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from testimony_app import (
    __version__,
    cli_backup,
    cli_corroboration,
    cli_duplicates,
    cli_i18n,
    cli_people,
    cli_places,
    cli_sync,
    cli_syncfolder,
    cli_timestamp,
)

# The helpers the cli_* modules share live in cli_common.py (they import it, and cli
# imports them: no circle); their names stay here as well.
from testimony_app.cli_common import (
    ENV_RECOVERY,
    _ask,
    _read_file,
    open_session,
    out,
    out_json,
    read_new_passphrase,
    read_passphrase,
    vault_dir,
)
from testimony_app.core import demo
from testimony_app.core.common import hygiene
from testimony_app.core.common.errors import InputError, TestimonyError, ValidationFailed
from testimony_app.core.identity import enrolling
from testimony_app.core.records import vocab
from testimony_app.core.records.words import word
from testimony_app.core.session import Session, is_vault
from testimony_app.core.vault import db
from testimony_app.core.workspace import stats
from testimony_app.i18n import N_, _, isolate, ngettext
from testimony_app.i18n import digits as i18n_digits
from testimony_app.i18n import language as ui_language
from testimony_app.i18n import number as num

# -- commands -----------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    folder = vault_dir(args)
    passphrase = read_passphrase(args, confirm=True)
    # The enrolment file is opened first, so a wrong code leaves no vault behind.
    enrolment = cli_sync.read_enrolment(args.enroll) if args.enroll else None
    session, code = Session.create(folder, passphrase)
    with session:
        if enrolment is not None:
            from testimony_app.core.vault import org

            joined, _sealed = enrolling.apply_enrolment(session.conn, enrolment, session.author)
            if not args.json:
                cli_sync.print_enrolled(joined, org.whoami(session.conn), False)
    if args.json:
        out_json({"vault": str(folder), "recovery_code": code})
    else:
        out(_("Created a vault in {folder}").format(folder=folder))
        out()
        out(_("Recovery code (shown once; write it down and keep it apart from this laptop):"))
        out("    " + code)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    raw = _read_file(args.json_file)
    with open_session(args) as session:
        result = session.add_json(raw)
    if args.json:
        out_json({"added": result.added, "updated": result.updated,
                  "unchanged": result.unchanged})
    else:
        out(_("{added} added, {updated} updated, {unchanged} unchanged").format(
            added=num(len(result.added)), updated=num(len(result.updated)),
            unchanged=num(len(result.unchanged))))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        if args.kind == "testimony":
            rows = session.list_testimonies(args.status, args.limit, args.offset)
            if args.json:
                out_json([{"id": r.id, "title": r.title, "date": r.date, "status": r.status,
                           "language": r.language, "witness": r.witness_code,
                           "incidents": r.incidents, "updated_at": r.updated_at} for r in rows])
            for r in rows if not args.json else []:
                out(f"{r.id[:8]}  {i18n_digits(r.date):10}  {word('status', r.status):9}  "
                    f"{word('language', r.language):8} {r.witness_code or '-':12}  "
                    f"{num(r.incidents):>3}  {isolate(r.title)}")
            return 0
        records = session.list_records(args.kind)
        if args.json:
            out_json([{**r.data, "code": r.code} if r.code else r.data for r in records])
            return 0
        for r in records:
            out(f"{r.id[:8]}  {_summary(r.kind, r.data, r.code)}")
    return 0


def _summary(kind: str, data: dict[str, Any], code: str | None) -> str:
    def text(value: Any) -> str:
        return next(iter(value.values()), "") if isinstance(value, dict) else str(value or "")

    if kind == "person":
        age = word("age_group", data["age_group"]) if "age_group" in data else \
            num(data.get("age", 0)) if data.get("age") is not None else ""
        occupation = vocab.label("occupation", data["occupation"], ui_language()) \
            if data.get("occupation") else ""
        return f"{code}  {word('sex', data['sex']):7} {age} {occupation}"
    if kind == "incident":
        return (f"{_date(data['date']):24} "
                f"{vocab.label('incident_type', data['type'], ui_language())}")
    if kind == "aggregate":
        return (f"{_date(data['period']):24} "
                f"{vocab.label('incident_type', data['incident_type'], ui_language())}"
                f": {_count(data['count'], data['qualifier'])}")
    if kind == "place":
        return f"{data['level']:13} {text(data['name'])}"
    return f"{data.get('kind', '')}  {data.get('name', '')}"


def _date(date: dict[str, Any]) -> str:
    precision = date["precision"]
    if "from" in date:
        approx = "~" if precision == "approximate" else ""
        return f"{approx}{date['from']}..{date['to']}"
    prefix = {"before": _("before") + " ", "after": _("after") + " "}.get(precision, "")
    return prefix + isolate(date["value"])


def _count(n: int, qualifier: str) -> str:
    return stats.qualified(n, qualifier, num)


def cmd_show(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        if args.provenance:
            prov = session.provenance(args.id)
            if args.json:
                out_json(prov.as_json())
            else:
                cli_corroboration.print_provenance(prov)
            return 0
        if args.history:
            revisions = session.history(args.id)
            if args.json:
                out_json([r.__dict__ for r in revisions])
            for r in revisions if not args.json else []:
                out(f"#{num(r.revision)}  {r.at}  {r.author}  {word('action', r.action)}  "
                    f"{_(', ').join(r.changed)}")
            return 0
        out_json(session.show(args.id))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    query = args.query
    if query in (None, "-"):
        # Words typed at a prompt stay out of the shell history and the process list.
        query = input(_("Search for: ")) if sys.stdin.isatty() else sys.stdin.readline()
    with open_session(args) as session:
        hits = session.search(query, args.limit, args.kind)
    if args.json:
        out_json([h.__dict__ for h in hits])
        return 0
    for hit in hits:
        snippet = " ".join(hit.snippet.split())
        title = isolate(hit.title) + _(": ") if hit.title else ""
        out(f"{hit.id[:8]}  {word('kind', hit.kind):9}  {title}{isolate(snippet)}")
    if not hits:
        out(_("No matches."))
    else:
        out(ngettext("{n} match", "{n} matches", len(hits)).format(n=num(len(hits))))
    return 0


def cmd_attach(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        att = session.attach(args.id, Path(args.file))
    if args.json:
        out_json(att.as_json())
    else:
        out(_("Attached {id}: {size} bytes, SHA-256 {sha}").format(
            id=att.id, size=att.size, sha=att.sha256))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        att = session.extract(args.attachment, Path(args.to))
    if not args.quiet:
        sys.stderr.write(_("Warning: {path} is a plaintext copy outside the vault; "
                           "delete it when done.").format(path=args.to) + "\n")
    if args.json:
        out_json(att.as_json())
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        # Place names in the UI language for people; --json and --csv keep English.
        figures = session.stats(args.by, args.level if args.by == "place" else None,
                                ui_language() if not (args.json or args.csv) else "en",
                                totals=args.totals)
    if args.csv:
        sys.stdout.write(stats.to_csv(figures))
        return 0
    if args.json:
        out_json(figures.rows)
        return 0
    first = {"month": _("month"), "place": _("place"), "sex": _("sex"),
             "age_group": _("age group"), "status": _("victim status"),
             "perpetrator": _("perpetrator")}.get(figures.by)
    head = ([first] if first else []) + [_("incident type"), _("source"), _("figure")]
    table = [head]
    for row in figures.rows:
        cells = [stats.row_label(figures, row)] if first else []
        source = row["source"] + (" " + _("(computed here)") if row["kind"] == stats.TOTAL
                                  else "")
        cells += [vocab.label("incident_type", row["incident_type"], ui_language()), source,
                  stats.figure_text(row, num, ui_language())]
        table.append(cells)
    widths = [max(len(str(r[i])) for r in table) for i in range(len(head) - 1)] + [0]
    for r in table:
        out("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    out()
    out(_("'documented' rows are cases recorded in this vault, counted here; every other "
          "row is one figure as its source published it. Figures are never added together "
          "unless you ask for --totals, and a total says it was computed here."))
    if figures.by == "month" and any(r.get("spans_months") for r in figures.rows):
        out(_("A date or period that crosses a month boundary is shown under the months it "
              "spans, not under the month it starts."))
    return 0


def cmd_discrepancies(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        found = session.discrepancies()
    if args.json:
        out_json([d.as_json() for d in found])
        return 0
    if not found:
        out(_("No reported figures disagree."))
        return 0
    roles = {"reported": _("reported"), "total": _("total for the whole"),
             "sum_of_parts": _("sum of its parts, computed here")}
    for d in found:
        out(f"{d.start or '..'}..{d.end}  "
            f"{vocab.label('incident_type', d.incident_type, ui_language())}"
            f"  {d.place or _('(no place)')}")
        for f in d.figures:
            extra = "".join(f"  {word} {getattr(f, name)}" for name, word in (
                ("women", _("women")), ("children", _("children")))
                if name in d.differs and getattr(f, name) is not None)
            out(f"    {stats.qualified(f.count, f.qualifier, num):>22}  {roles[f.role]:20} "
                f"{f.source}{extra}  [{', '.join(i[:8] for i in f.record_ids)}]")
    out()
    out(_("Both figures are kept; which one is right is for you to judge from the sources."))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        entries = session.activity(args.limit)
    if args.json:
        out_json([e.__dict__ for e in entries])
        return 0
    for e in entries:
        detail = " ".join(f"{k}={v}" for k, v in sorted(e.detail.items()))
        # English keeps the action's code, which scripts read; another language its word.
        action = e.action if ui_language() == "en" else word("activity", e.action)
        out(f"#{num(e.seq):<5} {e.at[:19]}  {e.actor:16} {action:18} "
            f"{e.target or '':36} {detail}")
    return 0


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


def cmd_passwd(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        issued = session.change_passphrase(
            read_new_passphrase(), progress=cli_sync._progress(_("Re-encrypting the vault")))
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
    code = os.environ.get(ENV_RECOVERY) or _ask(_("Recovery code: "))
    with Session.open_with_recovery(folder, code) as session:
        session.change_passphrase(
            read_new_passphrase(), progress=cli_sync._progress(_("Re-encrypting the vault")),
            recovery_code=code)
    out(_("Passphrase set. The recovery code stays valid; keep it safe."))
    return 0


def _numbers(text: str) -> list[int]:
    try:
        return [int(n) for n in text.replace(" ", "").split(",") if n]
    except ValueError:
        raise InputError("untagged_number", n=text[:20]) from None


def _settle_untagged(session: Session, args: argparse.Namespace) -> None:
    """Tag and dismiss the names finalising asks about (numbered as listed, dismissed
    ones included), then refuse while any is left: the researcher's own terminal
    sees the words, nothing else does."""
    found = session.untagged_names(args.id)
    by_number = dict(enumerate(found, 1))
    chosen: list[Any] = []
    for spec in args.tag or ():
        number, _sep, person = spec.partition("=")
        n = _numbers(number)[0] if number.strip() else 0
        if n not in by_number or not person.strip():
            raise InputError("untagged_number", n=number[:20])
        session.tag_untagged(args.id, by_number[n], person.strip())
    wanted = [n for spec in args.dismiss or () for n in _numbers(spec)]
    for n in wanted:
        if n not in by_number:
            raise InputError("untagged_number", n=n)
        chosen.append(by_number[n])
    if args.dismiss_all_untagged:
        chosen = [c for c in session.untagged_names(args.id) if not c.dismissed]
    if chosen:
        session.dismiss_untagged(args.id, chosen)
    left = [(n, c) for n, c in enumerate(session.untagged_names(args.id), 1)
            if not c.dismissed]
    if not left:
        return
    if args.json:
        out_json({"finalised": False, "untagged": [
            {"number": n, "field": c.field, "lang": c.lang, "start": c.start, "end": c.end,
             "text": c.text, "reason": c.reason} for n, c in left]})
    else:
        out(_("Possible names without a tag:"))
        for n, c in left:
            out(f"  {n}. {c.field} ({c.lang}) {c.start}-{c.end}: {c.text}  "
                f"[{_(UNTAGGED_REASONS[c.reason])}]")
    raise InputError("untagged_names", count=len(left))


UNTAGGED_REASONS = {"known_person": N_("a person this vault knows"),
                    "capitalised": N_("a word with a capital"),
                    "arabic_pattern": N_("an Arabic name pattern")}


def cmd_finalise(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        missing = session.finalise_problems(args.id)
        if missing:
            raise InputError("finalise_missing", fields=", ".join(missing))
        _settle_untagged(session, args)
        sealed = session.finalise(args.id)
    if args.json:
        out_json({"finalised": True, "sealed_identities": sealed})
    else:
        out(_("Finalised. Identities sealed to the organisation: {n}.").format(n=num(sealed)))
    return 0


def cmd_people(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        people = session.people()
    if args.json:
        out_json(people)
        return 0
    for p in people:
        ident = p["identity"]
        name = "" if not ident else next(iter(ident["name"].values()), "")
        state = _("sealed") if p["sealed"] and not ident else (_("public") if p["public_domain"]
                                                              else "")
        dupes = (" " + _("possible duplicates: {codes}").format(
            codes=", ".join(p["possible_duplicates"]))) if p["possible_duplicates"] else ""
        age = num(p["age"]) if p.get("age") is not None else word("age_group",
                                                                   p.get("age_group", ""))
        occupation = vocab.label("occupation", p["occupation"], ui_language()) \
            if p.get("occupation") else ""
        out(f"{p['code']}  {word('sex', p['sex']):7} {age:<8} "
            f"{occupation:14} {state:8} {isolate(name) if name else ''}{dupes}")
    return 0


def cmd_export_redacted(args: argparse.Namespace) -> int:
    from testimony_app.core.audit import redact

    options = redact.Options(auditor=args.auditor, profile=args.profile,
                             date_from=args.date_from, date_until=args.date_until,
                             threshold=args.threshold, coarsen_places=args.coarsen_places,
                             coarsen_dates=args.coarsen_dates, zip=args.zip,
                             uwazi=args.format == "uwazi")
    with open_session(args) as session:
        manifest = redact.export(session, Path(args.to), options)
    if args.json:
        out_json({"to": args.to, "counts": manifest["counts"], "policy": manifest["policy"],
                  "redaction_log": manifest["redaction_log"],
                  "fingerprint": manifest["organisation"]["fingerprint"]})
        return 0
    out(_("Redacted export written to {path}.").format(path=args.to))
    for kind, count in sorted(manifest["redaction_log"].items()):
        out(f"  {kind}: {count}")
    out(_("The auditor checks it with: testimony verify {path} --expect {fp}").format(
        path=args.to, fp=manifest["organisation"]["fingerprint"]))
    return 0


def cmd_review_redaction(args: argparse.Namespace) -> int:
    from testimony_app.core.audit import redact

    with open_session(args) as session:
        testimony_id = session.resolve(args.id)
        texts = redact.preview(session.conn, testimony_id, args.auditor)
        if args.approve:
            redact.approve(session.conn, testimony_id, session.author, args.auditor)
    if args.json:
        out_json({"id": testimony_id, "preview": texts, "approved": args.approve})
        return 0
    for language, text in texts.items():
        out(f"[{language}] {text}")
    out(_("Approved: this narrative will leave in redacted exports as shown.") if args.approve
        else _("Not approved yet; add --approve once the preview hides every name."))
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from testimony_app.core.audit import verify

    trusted = verify.read_trusted_keys(Path(args.trusted_keys)) if args.trusted_keys else []
    roots = None
    if args.tsa_cert:
        from testimony_app.core.common import outfile
        from testimony_app.core.sync import timestamp

        pem = outfile.read_limited(Path(args.tsa_cert), 1024 * 1024)
        roots = timestamp.load_certificates(pem or b"")
    verdict = verify.check(Path(args.path), [*([args.expect] if args.expect else []), *trusted],
                           roots)
    problems, manifest = verdict.problems, verdict.manifest
    if args.json:
        out_json({"ok": verdict.authentic, "problems": problems,
                  "signer_known": verdict.signer_known, "fingerprint": verdict.fingerprint,
                  "first_received": verdict.received})
    elif problems:
        for problem in problems:
            out(_("FAILED: {problem}").format(problem=problem))
    elif manifest is not None and verdict.unknown_signer:
        out(_("NOT VERIFIED: the files match their signed manifest, but it was signed by "
              "{fp}, a key you were not told to expect. Anyone can sign a changed export "
              "with a key of their own.").format(fp=verdict.fingerprint))
        out(_("Ask the organisation for its fingerprint, in person or by a channel you trust, "
              "then run: testimony verify {path} --expect FINGERPRINT (or --trusted-keys FILE, "
              "one fingerprint a line).").format(path=args.path))
    elif manifest is not None:
        out(_("Authentic and complete: signed by {name} ({fp}); every file and figure checks "
              "out.").format(name=manifest["organisation"]["name"],
                             fp=verdict.fingerprint))
        for record_id, at in sorted(verdict.received.items()):
            out(_("{id}: received by the coordinator no later than {time} (a timestamp by "
                  "the authority you trust).").format(id=record_id, time=at))
    return 0 if verdict.authentic else 1


def cmd_delete(args: argparse.Namespace) -> int:
    if not args.yes:
        raise InputError("confirm_delete")
    with open_session(args) as session:
        session.delete(args.id)
    out(_("Deleted."))
    return 0


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
        session = Session.open(folder, read_passphrase(args))
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


# -- parser -------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """argparse, minus quoting what was typed in its errors (it may be a name)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(_("The command line was not understood; see '{prog} --help'.").format(
            prog=self.prog) + "\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="testimony",
        description=_("Document testimonies offline in an encrypted vault."),
        epilog=_("Passphrases are read from a no-echo prompt, from --passphrase-file, or, "
                 "for scripts and tests, from $TESTIMONY_PASSPHRASE "
                 "($TESTIMONY_NEW_PASSPHRASE for a new one). Never from the command line."))
    parser.add_argument("--version", action="version", version=f"testimony {__version__}")
    cli_i18n.add_option(parser)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", metavar="DIR",
                        help=_("vault folder (default: $TESTIMONY_VAULT, else your data folder)"))
    common.add_argument("--passphrase-file", metavar="FILE",
                        help=_("read the passphrase from the first line of FILE"))
    common.add_argument("--portable", action="store_true",
                        help=_("keep the vault beside the program (a USB stick)"))
    common.add_argument("--debug", action="store_true",
                        help=_("show where an error happened (never with secrets)"))
    cli_i18n.add_option(common)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], text: str,
                json_output: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(handler=handler, json=False)
        if json_output:
            p.add_argument("--json", action="store_true", help=_("print JSON"))
        return p

    p = command("init", cmd_init, _("create a new vault"))
    p.add_argument("--enroll", metavar="FILE",
                   help=_("join the organisation of this enrolment file (asks for its code)"))
    p = command("add", cmd_add, _("add or update records from a JSON document (docs/FORMAT.md)"),
                json_output=False)
    p.add_argument("--json", dest="json_file", metavar="FILE",
                   help=_("the JSON document, or - for standard input"))
    p.add_argument("json_pos", nargs="?", metavar="FILE", help=argparse.SUPPRESS)
    p.add_argument("--json-output", dest="json", action="store_true",
                   help=_("print what was added as JSON"))
    p = command("list", cmd_list, _("list testimonies (or other records with --kind)"))
    p.add_argument("--kind", default="testimony",
                   choices=["testimony", "incident", "person", "place", "source", "aggregate"])
    p.add_argument("--status", choices=["draft", "finalised"])
    p.add_argument("--limit", type=int, default=1000)
    p.add_argument("--offset", type=int, default=0)
    p = command("show", cmd_show, _("show one record as a JSON document"))
    p.add_argument("id", help=_("id, id prefix, or pseudonym code"))
    p.add_argument("--history", action="store_true", help=_("list its revisions"))
    p.add_argument("--provenance", action="store_true",
                   help=_("where it came from: researcher, device, bundle, sequence, "
                          "when recorded and imported, revisions"))
    p = command("search", cmd_search, _("full-text search (Arabic and Latin)"))
    p.add_argument("query", nargs="?",
                   help=_("words to find; leave out (or -) to type them at a prompt, which "
                          "keeps them out of the shell history"))
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--kind", choices=["testimony", "incident", "aggregate"])
    p = command("attach", cmd_attach, _("stream a file into the vault, attached to a record"))
    p.add_argument("id")
    p.add_argument("file")
    p = command("extract", cmd_extract, _("copy an attachment out of the vault"))
    p.add_argument("attachment")
    p.add_argument("--to", required=True, metavar="FILE")
    p.add_argument("--quiet", action="store_true")
    p = command("stats", cmd_stats, _("figures by month, incident type, place, sex, age "
                                      "group, victim status or perpetrator"))
    p.add_argument("--by", choices=list(stats.GROUPINGS), default="month")
    p.add_argument("--level", choices=list(stats.LEVELS),
                   help=_("with --by place: count each place under its enclosing place "
                          "at this level"))
    p.add_argument("--csv", action="store_true", help=_("print CSV (UTF-8, header row)"))
    p.add_argument("--totals", action="store_true",
                   help=_("also add up each source's figures of a row, labelled as computed "
                          "here with their parts"))
    command("discrepancies", cmd_discrepancies,
            _("reported figures that disagree, each with its source"))
    p = command("log", cmd_log, _("the activity log"))
    p.add_argument("--limit", type=int)
    command("check", cmd_check, _("check database, encryption, log chain and attachments"))
    command("passwd", cmd_passwd, _("change the passphrase"))
    command("recover", cmd_recover, _("open with the recovery code and set a new passphrase"))
    p = command("finalise", cmd_finalise,
                _("finalise a testimony and seal the identities it concerns"))
    p.add_argument("id")
    p.add_argument("--dismiss", action="append", metavar="N,M",
                   help=_("these possible names without a tag are no names"))
    p.add_argument("--dismiss-all-untagged", action="store_true",
                   help=_("every possible name without a tag is no name"))
    p.add_argument("--tag", action="append", metavar="N=PERSON",
                   help=_("tag possible name N to a person (id or pseudonym code)"))
    command("people", cmd_people,
            _("persons: pseudonym, attributes, identity where visible, possible duplicates"))
    p = command("export-redacted", cmd_export_redacted,
                _("write a redacted, signed export for an auditor (coordinator)"))
    p.add_argument("--to", required=True, metavar="DIR")
    p.add_argument("--auditor", default="auditor", help=_("who it is for (own pseudonyms)"))
    p.add_argument("--profile", default="auditor", choices=["auditor"])
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--until", dest="date_until", metavar="YYYY-MM-DD")
    p.add_argument("--threshold", type=int, default=5,
                   help=_("suppress documented counts below this, in every file (2 to 100)"))
    p.add_argument("--coarsen-places", choices=["city", "governorate"])
    p.add_argument("--coarsen-dates", action="store_true")
    p.add_argument("--zip", action="store_true")
    p.add_argument("--format", choices=["standard", "uwazi"], default="standard",
                   help=_("uwazi: also write uwazi.zip for HURIDOCS Uwazi's CSV import"))
    p = command("review-redaction", cmd_review_redaction,
                _("preview a narrative as it would leave, and approve it"))
    p.add_argument("id")
    p.add_argument("--auditor", default="auditor")
    p.add_argument("--approve", action="store_true")
    p = command("verify", cmd_verify,
                _("check a redacted export (no vault or passphrase needed)"))
    p.add_argument("path", metavar="DIR|ZIP")
    p.add_argument("--expect", metavar="FINGERPRINT",
                   help=_("the organisation's fingerprint, as you were told it"))
    p.add_argument("--trusted-keys", metavar="FILE",
                   help=_("a file of trusted fingerprints, one a line (# starts a comment)"))
    p.add_argument("--tsa-cert", metavar="FILE",
                   help=_("the certificate (PEM) of the time-stamp authority you trust: "
                          "check the export's timestamps against it"))
    p = command("delete", cmd_delete, _("delete a record and its history for good"))
    p.add_argument("id")
    p.add_argument("--yes", action="store_true", help=_("do it without asking"))
    p = command("demo", cmd_demo,
                _("create or open a vault and load the Aleppo 2016 demo data"))
    p.add_argument("--workspace", action="store_true",
                   help=_("create a coordinator's vault holding, besides the demo data, the "
                          "bundles of two researchers whose accounts overlap"))
    p = command("destroy-keys", cmd_destroy_keys,
                _("panic: overwrite the vault's keys so that nobody can open it (an enrolled "
                  "vault first leaves a copy only the organisation can restore)"),
                json_output=False)
    p.add_argument("--yes", action="store_true", help=_("do it without asking"))
    cli_sync.register(command)
    cli_corroboration.register(command)
    cli_duplicates.register(command)
    cli_places.register(command)
    cli_backup.register(command)
    cli_people.register(command)
    cli_syncfolder.register(command)
    cli_timestamp.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    cli_i18n.install(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    hygiene.install(debug=args.debug)
    if getattr(args, "portable", False):
        from testimony_app import portable

        portable.enable()
    if args.command == "add":
        args.json_file = args.json_file or args.json_pos
        if not args.json_file:
            build_parser().error(_("add needs a JSON file, or - for standard input"))
    try:
        return int(args.handler(args))
    except ValidationFailed as exc:
        sys.stderr.write(str(exc) + "\n")
        for path, reason in exc.problems[:50]:
            sys.stderr.write(f"  {path}: {reason}\n")
        return 1
    except TestimonyError as exc:
        sys.stderr.write(str(exc) + "\n")
        return 1
    except db.DatabaseError as exc:
        sys.stderr.write(str(TestimonyError(db.error_code(exc))) + "\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(_("Interrupted.") + "\n")
        return 1
    except Exception as exc:  # a bug: say so without the message, which may hold content
        sys.stderr.write(_("Unexpected error ({type}); nothing secret was printed. "
                           "Run with --debug to see where.").format(type=type(exc).__name__)
                         + "\n")
        if args.debug:
            sys.stderr.write(hygiene.safe_traceback(type(exc), exc.__traceback__) + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
