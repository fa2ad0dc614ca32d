"""`testimony places`: where incidents happened, with coordinates.

    testimony places [--json]                       places incidents and figures name
    testimony places ID --coordinates "LAT, LON[, M]"   give a place coordinates
    testimony places ID --clear-coordinates         take them away
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from testimony_app import cli_common as cli
from testimony_app.core.records import places
from testimony_app.i18n import _, language

Command = Callable[..., argparse.ArgumentParser]


def cmd_places(args: argparse.Namespace) -> int:
    with cli.open_session(args) as session:
        if args.id and (args.coordinates is not None or args.clear_coordinates):
            changed = session.set_place_coordinates(
                args.id, None if args.clear_coordinates else args.coordinates)
            cli.out(_("Coordinates saved.") if changed else _("Nothing changed."))
            return 0
        rows = session.incident_places(language())
    if args.json:
        cli.out_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        where = places.coordinates_text(r.coordinates) or _("no coordinates")
        cli.out(f"{r.id[:8]}  {r.name} ({r.level})  {r.within or '-'}  {where}  "
                + _("{incidents} incidents, {figures} reported figures").format(
                    incidents=r.incidents, figures=r.figures))
    return 0


def register(command: Command) -> None:
    p = command("places", cmd_places,
                _("places where incidents happened, with their coordinates; or give a place "
                  "coordinates"))
    p.add_argument("id", metavar="ID", nargs="?", help=_("a place's id or id prefix"))
    p.add_argument("--coordinates", metavar="LAT,LON",
                   help=_("latitude, longitude in decimal degrees, optionally a precision in "
                          "metres"))
    p.add_argument("--clear-coordinates", action="store_true",
                   help=_("remove the place's coordinates"))
