"""The coordinator's workspace: figures, and judgements on what several accounts say.

    testimony stats [--by ...] | discrepancies           figures, and figures that disagree
    testimony corroborate [--limit N] [--all]           suggestions and corroborated incidents
    testimony corroborate confirm|reject|undo ID ID      decide on a pair (or take it back)
    testimony corroborate show ID                        the incidents linked to one, sources
    testimony verification ID [STATUS|suggested] [--only] accept or change the status
    testimony independence [ID REASON|independent]      sources that are not independent
    testimony duplicates [--no-names] [--min-score N]    persons who may be the same person
    testimony merge KEPT MERGED | unmerge MERGED | not-duplicates A B [--undo]

Persons are given by pseudonym code (P-7K3Q-M2XD) or id. The table printed by
`duplicates` shows codes and reasons, never names; `--json` adds the names this
vault can see (a coordinator's, after import) unless `--no-names`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from testimony_app import i18n
from testimony_app.cli.common import Command, Handler, open_session, subcommands
from testimony_app.cli.output import digits, isolate, num, out, out_json, table
from testimony_app.core.common.errors import InputError
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records import vocab
from testimony_app.core.workspace import corroboration, stats
from testimony_app.core.workspace.independence import Judgement
from testimony_app.i18n import Nn_, _, counted, ngettext
from testimony_app.i18n import language as ui_language

# -- figures ----------------------------------------------------------------------------


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
    rows = [head]
    for row in figures.rows:
        cells = [stats.row_label(figures, row)] if first else []
        # The documented rows in the reader's words; a source's name isolated.
        source = _("documented") if row["source"] == stats.DOCUMENTED \
            else isolate(row["source"])
        if row["kind"] == stats.TOTAL:
            source += " " + _("(computed here)")
        cells += [vocab.label("incident_type", row["incident_type"], ui_language()), source,
                  stats.figure_text(row, num, ui_language())]
        rows.append(cells)
    table(rows)
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
        # Dates, places and sources isolated: an ISO period keeps its order in Arabic.
        period = f"{d.start or '..'}..{d.end}"
        out(f"{isolate(digits(period))}  "
            f"{vocab.label('incident_type', d.incident_type, ui_language())}"
            f"  {isolate(d.place) if d.place else _('(no place)')}")
        for f in d.figures:
            extra = "".join(f"  {word} {num(getattr(f, name))}" for name, word in (
                ("women", _("women")), ("children", _("children")))
                if name in d.differs and getattr(f, name) is not None)
            out(f"    {stats.qualified(f.count, f.qualifier, num):>22}  {roles[f.role]:20} "
                f"{isolate(f.source)}{extra}  [{', '.join(i[:8] for i in f.record_ids)}]")
    out()
    out(_("Both figures are kept; which one is right is for you to judge from the sources."))
    return 0


# -- corroboration ----------------------------------------------------------------------


def _status(code: str) -> str:
    return vocab.label("verification", code, ui_language())


def _incident_line(info: corroboration.IncidentInfo) -> str:
    return (f"{info.id[:8]}  {corroboration.date_text(info.date):24}  "
            f"{info.place_label(ui_language()) or '-'}  ({info.researcher_label()})")


def _print_suggestion(s: corroboration.Suggestion) -> None:
    out(f"{s.score:.2f}  {vocab.label('incident_type', s.a.type, ui_language())}")
    out("      " + _incident_line(s.a))
    out("      " + _incident_line(s.b))
    out("      " + "; ".join(r.text(ui_language()) for r in s.reasons))


def _print_cluster(c: corroboration.Cluster) -> None:
    out(_("{incidents}, {sources}; suggested status: {suggested}").format(
        incidents=counted(Nn_("{count} incident", "{count} incidents"), len(c.incidents)),
        sources=counted(Nn_("{count} independent source", "{count} independent sources"),
                        c.sources),
        suggested=_status(c.suggested)))
    for info in c.incidents:
        out(f"      {_incident_line(info)}  [{_status(info.verification)}]")
    for reason in c.reasons[1:]:
        out("      " + reason.text(ui_language()))


def cmd_corroborate(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        found = session.corroboration_suggestions(args.limit)
        clusters = session.corroboration_clusters(args.all)
    if args.json:
        out_json({"suggestions": [s.as_json() for s in found],
                  "clusters": [c.as_json() for c in clusters]})
        return 0
    out(_("Suggestions ({count}), best first:").format(count=num(len(found))))
    for s in found:
        _print_suggestion(s)
    if found:
        out(_("Decide with: testimony corroborate confirm ID ID (or reject ID ID)."))
    out()
    out(_("Corroborated or linked incidents ({count}):").format(count=num(len(clusters))))
    for c in clusters:
        _print_cluster(c)
    if clusters:
        out(_("Accept a suggested status with: testimony verification ID suggested."))
    return 0


def _decide(args: argparse.Namespace, how: str) -> int:
    with open_session(args) as session:
        decision = {"confirm": session.confirm_corroboration,
                    "reject": session.reject_corroboration,
                    "undo": session.undo_corroboration}[how](args.first, args.second)
        cluster = session.corroboration_of(args.first)
    if args.json:
        out_json({"decision": decision.as_json(), "cluster": cluster.as_json()})
        return 0
    out({"confirmed": _("Confirmed: the two incidents are the same event."),
         "rejected": _("Rejected: the two incidents are different events."),
         "undone": _("Undone: the two incidents are undecided again.")}[decision.decision])
    _print_cluster(cluster)
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    return _decide(args, "confirm")


def cmd_reject(args: argparse.Namespace) -> int:
    return _decide(args, "reject")


def cmd_undo(args: argparse.Namespace) -> int:
    return _decide(args, "undo")


def cmd_corroborate_show(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        cluster = session.corroboration_of(args.id)
    if args.json:
        out_json(cluster.as_json())
        return 0
    _print_cluster(cluster)
    for link in cluster.links:
        out("      " + _("linked {a} and {b}: {who}, {when}").format(
            a=link.a[:8], b=link.b[:8], who=i18n.isolate(link.author), when=i18n.moment(link.at)))
    return 0


def cmd_verification(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        cluster = session.corroboration_of(args.id)
        changed: list[RecordId] = []
        if args.status:
            status = cluster.suggested if args.status == "suggested" else args.status
            changed = session.set_verification(args.id, status, not args.only)
            cluster = session.corroboration_of(args.id)
    if args.json:
        out_json({"changed": changed, "cluster": cluster.as_json()})
        return 0
    if args.status:
        out(ngettext("Verification status changed for {count} incident.",
                     "Verification status changed for {count} incidents.",
                     len(changed)).format(count=num(len(changed))))
    _print_cluster(cluster)
    return 0


def cmd_independence(args: argparse.Namespace) -> int:
    if args.id and args.reason is None:
        raise InputError("dependence_reason")
    with open_session(args) as session:
        if args.id:
            reason = None if args.reason == "independent" else args.reason
            judgement = session.mark_source(args.id, reason, args.repeats, args.note or "")
            judgements: dict[str, Judgement] = {judgement.source_id: judgement}
        else:
            judgements = session.source_judgements()
    if args.json:
        out_json([j.as_json() for j in judgements.values()])
        return 0
    if args.id:
        out(_("Marked as independent again: {id}.").format(id=judgement.source_id[:8])
            if judgement.independent else
            _("Marked as not independent ({why}): {id}. It no longer counts towards a "
              "suggested verification status.").format(
                  why=judgement.reason_text(ui_language()), id=judgement.source_id[:8]))
        return 0
    if not judgements:
        out(_("Every source counts as independent."))
    for j in judgements.values():
        out(f"{j.source_id[:8]}  {j.reason_text(ui_language())}"
            + (f" → {j.repeats[:8]}" if j.repeats else "")
            + f"  {i18n.isolate(j.author)}, {i18n.moment(j.at)}"
            + (f"  {i18n.isolate(j.note)}" if j.note else ""))
    return 0


# -- duplicates -------------------------------------------------------------------------


def _when(decision: Any) -> str:
    return i18n.moment(decision.at, 16)


def cmd_duplicates(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        # The table shows codes only: names are read out only for --json that asks.
        review = session.duplicates(names=args.json and not args.no_names,
                                    language=ui_language(), min_score=args.min_score)
    if args.json:
        out_json(review.as_json())
        return 0
    if review.suggestions:
        score, person, why = _("Score"), _("Person"), _("Why")
        out(f"{score:>5}  {person:12}  {person:12}  {why}")
    for s in review.suggestions:
        reasons = "; ".join(r.text() for r in s.reasons)
        out(f"{s.score:>5}  {s.a.code:12}  {s.b.code:12}  {reasons}")
    if not review.suggestions:
        out(_("No possible duplicates."))
    for m in review.merges:
        out(_("Merged: {merged} into {kept} ({when}, {who}).").format(
            merged=m.person_code, kept=m.other_code, when=_when(m), who=m.author))
    for d in review.distinct:
        out(_("Not the same person: {a} and {b} ({when}, {who}).").format(
            a=d.person_code, b=d.other_code, when=_when(d), who=d.author))
    if review.sealed:
        out(ngettext("{count} person's identity is sealed in this vault: it is compared by "
                     "match key only; near matches by name are found in the coordinator's "
                     "vault.",
                     "{count} persons' identities are sealed in this vault: they are compared "
                     "by match key only; near matches by name are found in the coordinator's "
                     "vault.", review.sealed).format(count=num(review.sealed)))
    if review.suggestions:
        out(_("Merge with 'testimony merge KEPT MERGED' (undo: 'testimony unmerge "
              "MERGED'), or record 'testimony not-duplicates A B'."))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        decision = session.merge_persons(args.kept, args.merged)
    if args.json:
        out_json(decision.as_json())
    else:
        out(_("{merged} is now merged into {kept}; both records are kept. "
              "'testimony unmerge {merged}' undoes it.").format(
            merged=decision.person_code, kept=decision.other_code))
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        decision = session.unmerge_person(args.merged)
    if args.json:
        out_json(decision.as_json())
    else:
        out(_("{merged} is no longer merged into {kept}.").format(
            merged=decision.person_code, kept=decision.other_code))
    return 0


def cmd_not_duplicates(args: argparse.Namespace) -> int:
    with open_session(args) as session:
        decision = session.mark_not_duplicates(args.a, args.b, undo=args.undo)
    if args.json:
        out_json(decision.as_json())
    elif args.undo:
        out(_("{a} and {b} may be suggested as the same person again.").format(
            a=decision.person_code, b=decision.other_code))
    else:
        out(_("Recorded: {a} and {b} are not the same person; they will not be "
              "suggested again.").format(a=decision.person_code, b=decision.other_code))
    return 0


# -- registration -----------------------------------------------------------------------


def _subcommands(parent: argparse.ArgumentParser) -> None:
    """`corroborate confirm|reject|undo|show`, which accept the common options after
    their own name too (like `org`)."""
    action = subcommands(parent, "corroborate_command", "ACTION", required=False)

    pair: list[tuple[str, Handler, str]] = [
        ("confirm", cmd_confirm, _("confirm that two incidents are the same event")),
        ("reject", cmd_reject, _("reject a suggestion: two different events")),
        ("undo", cmd_undo, _("take back a confirmation or a rejection")),
    ]
    for name, handler, text in pair:
        p = action(name, handler, text)
        p.add_argument("first", metavar="ID", help=_("an incident's id or id prefix"))
        p.add_argument("second", metavar="ID", help=_("the other incident"))
    p = action("show", cmd_corroborate_show,
               _("the incidents linked to one, their sources and suggested status"))
    p.add_argument("id", metavar="ID", help=_("an incident's id or id prefix"))


def register(command: Command) -> None:
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
    p = command("corroborate", cmd_corroborate,
                _("incidents that several testimonies describe: suggestions to confirm or "
                  "reject, and corroborated incidents with their independent sources"))
    p.add_argument("--limit", type=int, default=200, help=_("at most this many suggestions"))
    p.add_argument("--all", action="store_true",
                   help=_("also list incidents that have one source and no link"))
    _subcommands(p)
    p = command("verification", cmd_verification,
                _("an incident's verification status: show it with the suggested one, or "
                  "accept or change it (for every incident confirmed as the same event)"))
    p.add_argument("id", metavar="ID", help=_("an incident's id or id prefix"))
    p.add_argument("status", nargs="?", choices=[*corroboration.VERIFICATION, "suggested"],
                   help=_("the new status, or 'suggested' to accept the suggestion"))
    p.add_argument("--only", action="store_true",
                   help=_("change this incident only, not the incidents linked to it"))
    p = command("independence", cmd_independence,
                _("mark a source or testimony as not independent (a party to the conflict, "
                  "coerced, or repeating another source), or list those marked"))
    p.add_argument("id", metavar="ID", nargs="?", help=_("a source's or testimony's id"))
    p.add_argument("reason", nargs="?",
                   choices=[*vocab.DEPENDENCE, "independent"],
                   help=_("why it is not independent, or 'independent' to take it back"))
    p.add_argument("--repeats", metavar="ID", help=_("with repeats_another: the source it "
                                                      "repeats"))
    p.add_argument("--note", help=_("the reason in your words (kept in the vault, not in the "
                                    "activity log)"))
    p = command("duplicates", cmd_duplicates,
                _("persons who may be the same person: suggested pairs with a score and "
                  "reasons, merges, and pairs marked as not the same"))
    p.add_argument("--no-names", action="store_true",
                   help=_("leave names and birth years out of --json, even where this vault "
                          "can see them"))
    p.add_argument("--min-score", type=int, default=None, metavar="N",
                   help=_("only pairs scoring at least N (0-100; default 50)"))
    p = command("merge", cmd_merge,
                _("record that two persons are the same person (reversible; nothing is "
                  "deleted)"))
    p.add_argument("kept", metavar="KEPT", help=_("pseudonym code or id of the person kept"))
    p.add_argument("merged", metavar="MERGED",
                   help=_("pseudonym code or id of the person merged into it"))
    p = command("unmerge", cmd_unmerge, _("undo a merge: the person stands for itself again"))
    p.add_argument("merged", metavar="MERGED", help=_("pseudonym code or id"))
    p = command("not-duplicates", cmd_not_duplicates,
                _("record that two persons are not the same person (no longer suggested)"))
    p.add_argument("a", metavar="A", help=_("pseudonym code or id"))
    p.add_argument("b", metavar="B", help=_("pseudonym code or id"))
    p.add_argument("--undo", action="store_true", help=_("withdraw that decision"))
