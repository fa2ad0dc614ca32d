"""A vault's records, as a researcher works with them (and a coordinator reads them).

    testimony add FILE.json | list | show ID | search [WORDS]    records in, records out
    testimony attach ID FILE | extract ATTACHMENT --to FILE      attachments
    testimony finalise-preview ID | finalise ID | amend ID       finalising, and after
    testimony people | find-person | person REF                  persons, by pseudonym
    testimony places [ID --coordinates ...]                      where incidents happened
    testimony delete ID --yes                                    gone, with its history

Names are printed only with `--json` and only where this vault can read them.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

from testimony_app import i18n
from testimony_app.cli.common import Command, open_session, read_file
from testimony_app.cli.output import digits, isolate, num, out, out_json
from testimony_app.core.common.errors import InputError
from testimony_app.core.records import activity_words, interchange, places, vocab
from testimony_app.core.records.words import word
from testimony_app.core.session import Session
from testimony_app.core.vault import loghead
from testimony_app.core.workspace import stats
from testimony_app.core.workspace.provenance import Provenance
from testimony_app.i18n import N_, Nn_, _, counted, ngettext
from testimony_app.i18n import language as ui_language

# -- records in and out -----------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    raw = read_file(args.json_file)
    with open_session(args) as session:
        result = session.add_json(raw)
    if args.json:
        out_json({"added": result.added, "updated": result.updated,
                  "unchanged": result.unchanged})
    else:
        out(activity_words.received_counts({
            "added": len(result.added), "updated": len(result.updated),
            "unchanged": len(result.unchanged)}) or _("Nothing changed."))
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
                out(f"{r.id[:8]}  {digits(r.date):10}  {word('status', r.status):9}  "
                    f"{word('language', r.language):8} {r.witness_code or '-':12}  "
                    f"{num(r.incidents):>3}  {isolate(r.title)}")
            return 0
        records = session.list_records(args.kind)
        if args.json:
            out_json([{**r.data, "code": r.code} if r.code else r.data for r in records])
            return 0
        for record in records:
            out(f"{record.id[:8]}  {_summary(record.kind, record.data, record.code)}")
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
                print_provenance(prov)
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


def print_provenance(prov: Provenance) -> None:
    out(f"{prov.record_id}  ({prov.kind})")
    if prov.local:
        out(_("Made in this vault (device {device}), recorded {when} by {who}.").format(
            device=prov.device_id or "-", when=i18n.moment(prov.recorded_at),
            who=i18n.isolate(prov.recorded_by)))
    else:
        trust = _("trusted") if prov.trusted else _("NOT trusted")
        out(_("Researcher: {name} ({fingerprint}), {trust}").format(
            name=prov.researcher or _("unknown"), fingerprint=prov.fingerprint, trust=trust))
        out(_("Device: {device}").format(device=prov.device_id))
        out(_("Bundle: {bundle}, sequence {sequence} ({outcome})").format(
            bundle=prov.bundle_id, sequence=num(prov.sequence or 0),
            outcome=word("outcome", prov.outcome)))
        out(_("Recorded: {when} by {who}").format(when=i18n.moment(prov.recorded_at),
                                                 who=prov.recorded_by))
        out(_("Imported: {when}").format(when=i18n.moment(prov.imported_at)))
    if prov.arrivals:
        out(_("Bundles that carried it:"))
        for a in prov.arrivals:
            out(f"  {i18n.moment(a.imported_at)}  #{num(a.sequence):<4} "
                f"{word('outcome', a.outcome):11} "
                f"{a.researcher or '-'} ({a.fingerprint})  {a.bundle_id}")
            if a.log_warning:
                out("    " + _("Warning: {warning}").format(
                    warning=loghead.describe(a.log_warning)))
    if prov.origin_revisions:
        out(_("Revisions on the researcher's device:"))
        for r in prov.origin_revisions:
            out(f"  #{num(r.revision)}  {i18n.moment(r.at)}  {i18n.isolate(r.author)}  "
                f"{word('action', r.action)}")
    out(_("Revisions in this vault:"))
    for rev in prov.revisions:
        out(f"  #{num(rev.revision)}  {i18n.moment(rev.at)}  {i18n.isolate(rev.author)}  "
            f"{word('action', rev.action)}  "
            f"{', '.join(rev.changed)}")
    if prov.conflicts:
        out(ngettext("{count} conflicting version kept aside ('testimony conflicts').",
                     "{count} conflicting versions kept aside ('testimony conflicts').",
                     prov.conflicts).format(count=num(prov.conflicts)))


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
        out(_("Attached {id}: {size}, SHA-256 {sha}").format(
            id=isolate(att.id), size=counted(Nn_("{count} byte", "{count} bytes"), att.size),
            sha=isolate(att.sha256)))
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


# -- finalising -------------------------------------------------------------------------


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


def cmd_finalise_preview(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        preview = session.finalise_preview(args.id)
    if args.json:
        out_json(dataclasses.asdict(preview))
    else:
        if preview.missing:
            out(_("Missing: {fields}").format(fields=", ".join(preview.missing)))
        out(_("Identities to seal: {n}; tagged names: {t}; public names kept: {p}.")
            .format(n=num(preview.identities), t=num(preview.tagged_names),
                    p=num(preview.public_names)))
    return 0


def cmd_amend(args: argparse.Namespace) -> int:
    document = interchange.parse(read_file(args.file))
    with open_session(args) as session:
        testimony_id = session.resolve(args.id)
        testimonies = document.get("testimonies") or [{}]
        if testimonies[0].get("id") != testimony_id:
            raise InputError("not_a_testimony")
        session.amend(document, args.reason)
    if args.json:
        out_json({"amended": testimony_id})
    else:
        out(_("Amended; the reason is kept in the testimony's history."))
    return 0


# -- persons and places -----------------------------------------------------------------


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


def cmd_find_person(args: argparse.Namespace) -> int:
    language = ui_language()
    with open_session(args) as session:
        found = session.find_persons(args.query or "", language, args.limit)
    if args.json:
        out_json([dataclasses.asdict(p) for p in found])
    else:
        for person in found:
            out(person.label(language, with_name=False))
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    language = ui_language()
    with open_session(args) as session:
        view = session.person_view(args.ref, language)
    if args.json:
        out_json({"person": dataclasses.asdict(view.summary), "identity": view.identity,
                  "testimonies": [dataclasses.asdict(m) for m in view.testimonies],
                  "incidents": [dataclasses.asdict(m) for m in view.incidents]})
    else:
        out(view.summary.label(language, with_name=False))
        for mention in [*view.testimonies, *view.incidents]:
            out(f"  {mention.kind} {mention.id[:8]} {mention.date} {mention.role}")
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        if args.id and (args.coordinates is not None or args.clear_coordinates):
            changed = session.set_place_coordinates(
                args.id, None if args.clear_coordinates else args.coordinates)
            out(_("Coordinates saved.") if changed else _("Nothing changed."))
            return 0
        rows = session.incident_places(ui_language())
    if args.json:
        out_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        where = places.coordinates_text(r.coordinates) or _("no coordinates")
        out(f"{r.id[:8]}  {r.name} ({r.level})  {r.within or '-'}  {where}  "
            + i18n.join([counted(Nn_("{count} incident", "{count} incidents"), r.incidents),
                         counted(Nn_("{count} reported figure", "{count} reported figures"),
                                 r.figures)]))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    if not args.yes:
        raise InputError("confirm_delete")
    with open_session(args) as session:
        session.delete(args.id)
    out(_("Deleted."))
    return 0


# -- registration -----------------------------------------------------------------------


def register(command: Command) -> None:
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
    p = command("find-person", cmd_find_person,
                _("find people by name (where readable), pseudonym code or attribute"))
    p.add_argument("query", nargs="?", default="")
    p.add_argument("--limit", type=int, default=50)
    p = command("person", cmd_person,
                _("a person's attributes and every testimony and incident naming them"))
    p.add_argument("ref", metavar="REF", help=_("pseudonym code or id"))
    p = command("finalise-preview", cmd_finalise_preview,
                _("what finalising a testimony needs and what it will seal"))
    p.add_argument("id")
    p = command("amend", cmd_amend,
                _("change a finalised testimony with a stated reason (kept in its history)"))
    p.add_argument("id")
    p.add_argument("file", metavar="FILE.json",
                   help=_("the testimony document as changed (as 'testimony show' gives it)"))
    p.add_argument("--reason", required=True)
    p = command("places", cmd_places,
                _("places where incidents happened, with their coordinates; or give a place "
                  "coordinates"))
    p.add_argument("id", metavar="ID", nargs="?", help=_("a place's id or id prefix"))
    p.add_argument("--coordinates", metavar="LAT,LON",
                   help=_("latitude, longitude in decimal degrees, optionally a precision in "
                          "metres"))
    p.add_argument("--clear-coordinates", action="store_true",
                   help=_("remove the place's coordinates"))
    p = command("delete", cmd_delete, _("delete a record and its history for good"))
    p.add_argument("id")
    p.add_argument("--yes", action="store_true", help=_("do it without asking"))
