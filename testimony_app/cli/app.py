"""`testimony`: the command line, a thin face over core.session.Session.

This module builds the parser from the command modules and runs one command:

    vault.py      the vault itself: init, demo, enroll, passwd, recover, check, log,
                  backup, restore, destroy-keys
    records.py    a researcher's records: add, list, show, search, attach, extract,
                  finalise, people, places, amend, delete
    sync.py       bundles between researchers and the coordinator: org, trust,
                  export-bundle, import-bundle, receipts, purge, sync folder, tsa
    workspace.py  the coordinator's workspace: stats, discrepancies, corroborate,
                  verification, independence, duplicates, merge
    audit.py      redacted exports for an auditor: export-redacted, review-redaction,
                  verify

Exit status: 0 success, 1 failure (one line in plain words on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from testimony_app import __version__
from testimony_app.cli import audit, language, records, sync, vault, workspace
from testimony_app.cli.common import Handler
from testimony_app.core.common import hygiene
from testimony_app.core.common.errors import TestimonyError, ValidationFailed
from testimony_app.core.vault import db
from testimony_app.i18n import _


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
    language.add_option(parser)
    common = Parser(add_help=False)
    common.add_argument("--vault", metavar="DIR",
                        help=_("vault folder (default: $TESTIMONY_VAULT, else your data folder)"))
    common.add_argument("--passphrase-file", metavar="FILE",
                        help=_("read the passphrase from the first line of FILE"))
    common.add_argument("--portable", action="store_true",
                        help=_("keep the vault beside the program (a USB stick)"))
    common.add_argument("--debug", action="store_true",
                        help=_("show where an error happened (never with secrets)"))
    language.add_option(common)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, text: str,
                json_output: bool = True) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(handler=handler, json=False)
        if json_output:
            p.add_argument("--json", action="store_true", help=_("print JSON"))
        return p

    for module in (vault, records, sync, workspace, audit):
        module.register(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    language.install(sys.argv[1:] if argv is None else argv)
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
