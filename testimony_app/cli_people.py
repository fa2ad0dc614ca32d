"""The `testimony` commands for what the window does with people and finalising:

    testimony find-person [QUERY] [--json]
    testimony person REF [--json]                 attributes, where the person is named
    testimony finalise-preview ID [--json]        what is missing, what will be sealed
    testimony amend ID --reason TEXT FILE.json    a finalised testimony, changed, with why

Names are printed only with `--json` and only where this vault can read them.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from types import ModuleType

from testimony_app import cli_common, i18n
from testimony_app.core.records import interchange
from testimony_app.i18n import _

Command = Callable[..., argparse.ArgumentParser]


def _cli() -> ModuleType:
    return cli_common


def cmd_find_person(args: argparse.Namespace) -> int:
    cli = _cli()
    language = i18n.language()
    with cli.open_session(args) as session:
        found = session.find_persons(args.query or "", language, args.limit)
    if args.json:
        cli.out_json([dataclasses.asdict(p) for p in found])
    else:
        for person in found:
            cli.out(person.label(language, with_name=False))
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    cli = _cli()
    language = i18n.language()
    with cli.open_session(args) as session:
        view = session.person_view(args.ref, language)
    if args.json:
        cli.out_json({"person": dataclasses.asdict(view.summary), "identity": view.identity,
                      "testimonies": [dataclasses.asdict(m) for m in view.testimonies],
                      "incidents": [dataclasses.asdict(m) for m in view.incidents]})
    else:
        cli.out(view.summary.label(language, with_name=False))
        for mention in [*view.testimonies, *view.incidents]:
            cli.out(f"  {mention.kind} {mention.id[:8]} {mention.date} {mention.role}")
    return 0


def cmd_finalise_preview(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        preview = session.finalise_preview(args.id)
    if args.json:
        cli.out_json(dataclasses.asdict(preview))
    else:
        if preview.missing:
            cli.out(_("Missing: {fields}").format(fields=", ".join(preview.missing)))
        cli.out(_("Identities to seal: {n}; tagged names: {t}; public names kept: {p}.")
                .format(n=preview.identities, t=preview.tagged_names, p=preview.public_names))
    return 0


def cmd_amend(args: argparse.Namespace) -> int:
    cli = _cli()
    document = interchange.parse(cli._read_file(args.file))
    with cli.open_session(args) as session:
        testimony_id = session.resolve(args.id)
        testimonies = document.get("testimonies") or [{}]
        if testimonies[0].get("id") != testimony_id:
            from testimony_app.core.common.errors import InputError

            raise InputError("not_a_testimony")
        session.amend(document, args.reason)
    if args.json:
        cli.out_json({"amended": testimony_id})
    else:
        cli.out(_("Amended; the reason is kept in the testimony's history."))
    return 0


def register(command: Command) -> None:
    """Add this module's subcommands to the parser (see cli.build_parser)."""
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
