"""The `testimony` commands of the coordinator's workspace: corroboration.

    testimony corroborate [--json] [--limit N] [--all]   suggestions and corroborated incidents
    testimony corroborate confirm|reject|undo ID ID      decide on a pair (or take it back)
    testimony corroborate show ID                        the incidents linked to one, sources
    testimony verification ID [STATUS|suggested] [--only] accept or change the status
    testimony independence [ID REASON|independent]      sources that are not independent

`testimony show ID --provenance` (cli.py) prints with `print_provenance` below.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from testimony_app import cli_common
from testimony_app.cli_sync import nested_command
from testimony_app.core.common.errors import InputError
from testimony_app.core.records import vocab
from testimony_app.core.vault import loghead
from testimony_app.core.workspace import corroboration
from testimony_app.core.workspace.provenance import Provenance
from testimony_app.i18n import _, language

Command = Callable[..., argparse.ArgumentParser]


def _cli():  # type: ignore[no-untyped-def]
    return cli_common


def _status(code: str) -> str:
    return vocab.label("verification", code, language())


def _incident_line(info: corroboration.IncidentInfo) -> str:
    return (f"{info.id[:8]}  {corroboration.date_text(info.date):24}  "
            f"{info.place_label(language()) or '-'}  ({info.researcher_label()})")


def _print_suggestion(s: corroboration.Suggestion) -> None:
    out = _cli().out
    out(f"{s.score:.2f}  {vocab.label('incident_type', s.a.type, language())}")
    out("      " + _incident_line(s.a))
    out("      " + _incident_line(s.b))
    out("      " + "; ".join(r.text(language()) for r in s.reasons))


def _print_cluster(c: corroboration.Cluster) -> None:
    out = _cli().out
    out(_("{incidents} incidents, {sources} independent sources; suggested status: "
          "{suggested}").format(incidents=len(c.incidents), sources=c.sources,
                                suggested=_status(c.suggested)))
    for info in c.incidents:
        out(f"      {_incident_line(info)}  [{_status(info.verification)}]")
    for reason in c.reasons[1:]:
        out("      " + reason.text(language()))


def cmd_corroborate(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        found = session.corroboration_suggestions(args.limit)
        clusters = session.corroboration_clusters(args.all)
    if args.json:
        cli.out_json({"suggestions": [s.as_json() for s in found],
                      "clusters": [c.as_json() for c in clusters]})
        return 0
    cli.out(_("Suggestions ({count}), best first:").format(count=len(found)))
    for s in found:
        _print_suggestion(s)
    if found:
        cli.out(_("Decide with: testimony corroborate confirm ID ID (or reject ID ID)."))
    cli.out()
    cli.out(_("Corroborated or linked incidents ({count}):").format(count=len(clusters)))
    for c in clusters:
        _print_cluster(c)
    if clusters:
        cli.out(_("Accept a suggested status with: testimony verification ID suggested."))
    return 0


def _decide(args: argparse.Namespace, how: str) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        decision = {"confirm": session.confirm_corroboration,
                    "reject": session.reject_corroboration,
                    "undo": session.undo_corroboration}[how](args.first, args.second)
        cluster = session.corroboration_of(args.first)
    if args.json:
        cli.out_json({"decision": decision.as_json(), "cluster": cluster.as_json()})
        return 0
    cli.out({"confirmed": _("Confirmed: the two incidents are the same event."),
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
    cli = _cli()
    with cli.open_session(args) as session:
        cluster = session.corroboration_of(args.id)
    if args.json:
        cli.out_json(cluster.as_json())
        return 0
    _print_cluster(cluster)
    for link in cluster.links:
        cli.out("      " + _("linked {a} and {b}: {who}, {when}").format(
            a=link.a[:8], b=link.b[:8], who=link.author, when=link.at[:19]))
    return 0


def cmd_verification(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        cluster = session.corroboration_of(args.id)
        changed: list[str] = []
        if args.status:
            status = cluster.suggested if args.status == "suggested" else args.status
            changed = session.set_verification(args.id, status, not args.only)
            cluster = session.corroboration_of(args.id)
    if args.json:
        cli.out_json({"changed": changed, "cluster": cluster.as_json()})
        return 0
    if args.status:
        cli.out(_("Verification status changed for {count} incidents.").format(
            count=len(changed)))
    _print_cluster(cluster)
    return 0


def cmd_independence(args: argparse.Namespace) -> int:
    cli = _cli()
    if args.id and args.reason is None:
        raise InputError("dependence_reason")
    with cli.open_session(args) as session:
        if args.id:
            reason = None if args.reason == "independent" else args.reason
            judgement = session.mark_source(args.id, reason, args.repeats, args.note or "")
            judgements = {judgement.source_id: judgement}
        else:
            judgements = session.source_judgements()
    if args.json:
        cli.out_json([j.as_json() for j in judgements.values()])
        return 0
    if args.id:
        cli.out(_("Marked as independent again: {id}.").format(id=judgement.source_id[:8])
                if judgement.independent else
                _("Marked as not independent ({why}): {id}. It no longer counts towards a "
                  "suggested verification status.").format(
                      why=judgement.reason_text(language()), id=judgement.source_id[:8]))
        return 0
    if not judgements:
        cli.out(_("Every source counts as independent."))
    for j in judgements.values():
        cli.out(f"{j.source_id[:8]}  {j.reason_text(language())}"
                + (f" → {j.repeats[:8]}" if j.repeats else "")
                + f"  {j.author}, {j.at[:19]}" + (f"  {j.note}" if j.note else ""))
    return 0


# -- provenance (testimony show ID --provenance) ---------------------------------------


def print_provenance(prov: Provenance) -> None:
    out = _cli().out
    out(f"{prov.record_id}  ({prov.kind})")
    if prov.local:
        out(_("Made in this vault (device {device}), recorded {when} by {who}.").format(
            device=prov.device_id or "-", when=prov.recorded_at[:19], who=prov.recorded_by))
    else:
        trust = _("trusted") if prov.trusted else _("NOT trusted")
        out(_("Researcher: {name} ({fingerprint}), {trust}").format(
            name=prov.researcher or _("unknown"), fingerprint=prov.fingerprint, trust=trust))
        out(_("Device: {device}").format(device=prov.device_id))
        out(_("Bundle: {bundle}, sequence {sequence} ({outcome})").format(
            bundle=prov.bundle_id, sequence=prov.sequence, outcome=prov.outcome))
        out(_("Recorded: {when} by {who}").format(when=prov.recorded_at[:19],
                                                 who=prov.recorded_by))
        out(_("Imported: {when}").format(when=(prov.imported_at or "")[:19]))
    if prov.arrivals:
        out(_("Bundles that carried it:"))
        for a in prov.arrivals:
            out(f"  {a.imported_at[:19]}  #{a.sequence:<4} {a.outcome:11} "
                f"{a.researcher or '-'} ({a.fingerprint})  {a.bundle_id}")
            if a.log_warning:
                out("    " + _("Warning: {warning}").format(
                    warning=loghead.describe(a.log_warning)))
    if prov.origin_revisions:
        out(_("Revisions on the researcher's device:"))
        for r in prov.origin_revisions:
            out(f"  #{r.revision}  {r.at[:19]}  {r.author}  {r.action}")
    out(_("Revisions in this vault:"))
    for rev in prov.revisions:
        out(f"  #{rev.revision}  {rev.at[:19]}  {rev.author}  {rev.action}  "
            f"{', '.join(rev.changed)}")
    if prov.conflicts:
        out(_("{count} conflicting versions kept aside ('testimony conflicts').").format(
            count=prov.conflicts))


# -- registration -----------------------------------------------------------------------


def _subcommands(parent: argparse.ArgumentParser) -> None:
    """`corroborate confirm|reject|undo|show`, which accept the common options after
    their own name too (like `org`)."""
    sub = parent.add_subparsers(dest="corroborate_command", required=False,
                                metavar="ACTION")

    def action(name: str, handler: Callable[[argparse.Namespace], int],
               text: str) -> argparse.ArgumentParser:
        return nested_command(sub, name, handler, text)

    pair: list[tuple[str, Callable[[argparse.Namespace], int], str]] = [
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
    """Add this module's subcommands to the parser (see cli.build_parser)."""
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
