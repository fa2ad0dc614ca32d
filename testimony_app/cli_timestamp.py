"""`testimony tsa` commands: the time-stamp authorities a coordinator asks for trusted
timestamps (RFC 3161) on what it receives, and sending the queued requests.
Registered into cli.py's parser by `register(command)`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from testimony_app import cli_common
from testimony_app.cli_sync import Command, nested_command
from testimony_app.core.sync import timestamp
from testimony_app.i18n import _


def _cli():  # type: ignore[no-untyped-def]
    return cli_common


def cmd_tsa_set(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        urls = timestamp.set_urls(session, args.urls)
    if args.json:
        cli.out_json({"urls": urls})
    else:
        cli.out(_("Timestamps will be asked of {count} time-stamp authorities.").format(
            count=len(urls)))
    return 0


def cmd_tsa_show(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        urls = timestamp.urls(session.conn)
        pending = session.conn.execute(
            "SELECT count(*) FROM timestamps WHERE token IS NULL").fetchone()[0]
    if args.json:
        cli.out_json({"urls": urls, "pending": pending})
        return 0
    for url in urls:
        cli.out(url)
    if not urls:
        cli.out(_("No time-stamp authority is configured."))
    cli.out(_("{count} timestamp requests are waiting.").format(count=pending))
    return 0


def cmd_tsa_send(args: argparse.Namespace) -> int:
    cli = _cli()
    with cli.open_session(args) as session:
        sent = timestamp.send_pending(session)
    if args.json:
        cli.out_json(sent.__dict__)
    else:
        cli.out(_("{obtained} timestamps obtained; {pending} still waiting.").format(
            obtained=sent.obtained, pending=sent.pending))
    return 0


def register(command: Command) -> None:
    parent = command("tsa", cmd_tsa_show,
                     _("time-stamp authorities (RFC 3161) for what the coordinator receives"))
    parent.set_defaults(handler=None)
    sub = parent.add_subparsers(dest="tsa_command", required=True, metavar="TSA_COMMAND")

    def nested(name: str, handler: Callable[[argparse.Namespace], int],
               text: str) -> argparse.ArgumentParser:
        return nested_command(sub, name, handler, text)

    p = nested("set", cmd_tsa_set, _("ask these time-stamp authorities, in order (none: "
                                     "stop asking)"))
    p.add_argument("urls", nargs="*", metavar="URL")
    nested("show", cmd_tsa_show, _("the time-stamp authorities and the requests waiting"))
    nested("send", cmd_tsa_send, _("send the timestamp requests that are waiting"))
