"""The `testimony` commands of the coordinator's workspace: duplicates.

    testimony duplicates [--json] [--no-names] [--min-score N]
    testimony merge KEPT MERGED
    testimony unmerge MERGED
    testimony not-duplicates A B [--undo]

Persons are given by pseudonym code (P-7K3Q-M2XD) or id. The table printed by
`duplicates` shows codes and reasons, never names; `--json` adds the names this
vault can see (a coordinator's, after import) unless `--no-names`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from types import ModuleType
from typing import Any

from testimony_app import cli_common, i18n
from testimony_app.i18n import _

Command = Callable[..., argparse.ArgumentParser]


def _cli() -> ModuleType:
    return cli_common


def _when(decision: Any) -> str:
    return str(decision.at)[:16].replace("T", " ")


def cmd_duplicates(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        # The table shows codes only: names are read out only for --json that asks.
        review = session.duplicates(names=args.json and not args.no_names,
                                    language=i18n.language(), min_score=args.min_score)
    if args.json:
        cli.out_json(review.as_json())
        return 0
    if review.suggestions:
        score, person, why = _("Score"), _("Person"), _("Why")
        cli.out(f"{score:>5}  {person:12}  {person:12}  {why}")
    for s in review.suggestions:
        reasons = "; ".join(r.text() for r in s.reasons)
        cli.out(f"{s.score:>5}  {s.a.code:12}  {s.b.code:12}  {reasons}")
    if not review.suggestions:
        cli.out(_("No possible duplicates."))
    for m in review.merges:
        cli.out(_("Merged: {merged} into {kept} ({when}, {who}).").format(
            merged=m.person_code, kept=m.other_code, when=_when(m), who=m.author))
    for d in review.distinct:
        cli.out(_("Not the same person: {a} and {b} ({when}, {who}).").format(
            a=d.person_code, b=d.other_code, when=_when(d), who=d.author))
    if review.sealed:
        cli.out(_("{count} persons' identities are sealed in this vault: they are compared "
                  "by match key only; near matches by name are found in the coordinator's "
                  "vault.").format(count=review.sealed))
    if review.suggestions:
        cli.out(_("Merge with 'testimony merge KEPT MERGED' (undo: 'testimony unmerge "
                  "MERGED'), or record 'testimony not-duplicates A B'."))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        decision = session.merge_persons(args.kept, args.merged)
    if args.json:
        cli.out_json(decision.as_json())
    else:
        cli.out(_("{merged} is now merged into {kept}; both records are kept. "
                  "'testimony unmerge {merged}' undoes it.").format(
            merged=decision.person_code, kept=decision.other_code))
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        decision = session.unmerge_person(args.merged)
    if args.json:
        cli.out_json(decision.as_json())
    else:
        cli.out(_("{merged} is no longer merged into {kept}.").format(
            merged=decision.person_code, kept=decision.other_code))
    return 0


def cmd_not_duplicates(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        decision = session.mark_not_duplicates(args.a, args.b, undo=args.undo)
    if args.json:
        cli.out_json(decision.as_json())
    elif args.undo:
        cli.out(_("{a} and {b} may be suggested as the same person again.").format(
            a=decision.person_code, b=decision.other_code))
    else:
        cli.out(_("Recorded: {a} and {b} are not the same person; they will not be "
                  "suggested again.").format(a=decision.person_code, b=decision.other_code))
    return 0


def register(command: Command) -> None:
    """Add this module's subcommands to the parser (see cli.build_parser)."""
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
