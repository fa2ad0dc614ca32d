"""What every command shares: how a command is registered, how the vault is found
and opened, and how secrets and documents are read.

Secrets never come from argv: passphrases and codes come from a no-echo prompt, a
file (--passphrase-file) or an environment variable (for scripts and tests).
The command modules import this module and `output`; nothing here imports them.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from testimony_app.cli.output import progress
from testimony_app.core.common import outfile
from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.records import interchange
from testimony_app.core.session import Session, default_vault_dir, is_vault
from testimony_app.core.vault import org
from testimony_app.core.vault.org_service import OrgService
from testimony_app.i18n import _

ENV_PASSPHRASE = "TESTIMONY_PASSPHRASE"  # noqa: S105 (a variable name)
ENV_NEW_PASSPHRASE = "TESTIMONY_NEW_PASSPHRASE"  # noqa: S105
ENV_RECOVERY = "TESTIMONY_RECOVERY_CODE"
ENV_ENROLMENT_CODE = "TESTIMONY_ENROLMENT_CODE"

Handler = Callable[[argparse.Namespace], int]
"""A command: reads its arguments, prints, returns the exit status (0 or 1)."""

Subparsers = argparse._SubParsersAction  # argparse's own name for `add_subparsers()`'s result


class Command(Protocol):
    """Adds a top-level command with the common options (--vault, --passphrase-file,
    --portable, --debug, --lang) and, unless told otherwise, --json; returns its parser
    for the command's own arguments. Each command module has `register(command)`."""

    def __call__(self, name: str, handler: Handler, text: str,
                 json_output: bool = True) -> argparse.ArgumentParser: ...


def nested_command(sub: Subparsers[argparse.ArgumentParser], name: str, handler: Handler,
                   text: str) -> argparse.ArgumentParser:
    """A second-level command (`testimony org init`, `testimony corroborate confirm`)
    taking the common options after its own name too; SUPPRESS keeps the values
    given before it."""
    p = sub.add_parser(name, help=text, description=text)
    p.set_defaults(handler=handler)
    p.add_argument("--vault", metavar="DIR", default=argparse.SUPPRESS, help=_("vault folder"))
    p.add_argument("--passphrase-file", metavar="FILE", default=argparse.SUPPRESS,
                   help=_("read the passphrase from the first line of FILE"))
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                   help=_("show where an error happened (never with secrets)"))
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help=_("print JSON"))
    return p


def subcommands(parent: argparse.ArgumentParser, dest: str, metavar: str, *,
                required: bool = True) -> Callable[[str, Handler, str],
                                                   argparse.ArgumentParser]:
    """The second level under `parent`: returns a function adding one nested command."""
    sub = parent.add_subparsers(dest=dest, required=required, metavar=metavar)

    def nested(name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
        return nested_command(sub, name, handler, text)

    return nested


# -- the vault ----------------------------------------------------------------


def vault_dir(args: argparse.Namespace) -> Path:
    return Path(args.vault) if args.vault else default_vault_dir()


def open_session(args: argparse.Namespace) -> Session:
    folder = vault_dir(args)
    if not is_vault(folder):
        raise TestimonyError("no_vault", path=str(folder))
    return Session.open(folder, read_passphrase(args), upgrading())


def upgrading() -> Callable[[int, int], None] | None:
    """The terminal's percentage for the steps that bring an earlier version's vault
    to this one (minutes, once, for a large archive)."""
    return progress(_("Upgrading the vault for this version"))


def read_file(path: str) -> bytes:
    """Read at most the largest document allowed, from a file or - (standard input)."""
    limit = interchange.MAX_DOCUMENT_BYTES
    if path == "-":
        stdin = sys.stdin.buffer.read(limit + 1)
        raw: bytes | None = stdin if len(stdin) <= limit else None
    else:
        raw = outfile.read_limited(Path(path), limit)
    if raw is None:
        raise InputError("too_large", limit_mib=limit // (1024 * 1024))
    return raw


# -- secrets ------------------------------------------------------------------


def ask(prompt: str) -> str:
    """A secret typed at a no-echo prompt; refused without a terminal."""
    if not sys.stdin.isatty():
        raise InputError("passphrase_missing")
    return getpass.getpass(prompt)


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    if getattr(args, "passphrase_file", None):
        try:
            with open(args.passphrase_file, encoding="utf-8") as handle:
                return handle.readline().rstrip("\r\n")
        except (OSError, UnicodeDecodeError):
            raise InputError("file_unreadable", path=args.passphrase_file) from None
    if ENV_PASSPHRASE in os.environ:
        return os.environ[ENV_PASSPHRASE]
    return _ask_twice(_("Passphrase: "), confirm)


def read_new_passphrase() -> str:
    if ENV_NEW_PASSPHRASE in os.environ:
        return os.environ[ENV_NEW_PASSPHRASE]
    return _ask_twice(_("New passphrase: "), True)


def _ask_twice(prompt: str, confirm: bool) -> str:
    first = ask(prompt)
    if confirm:
        from testimony_app.core.vault import keyfile

        keyfile.check_passphrase(first)
        if ask(_("Repeat it: ")) != first:
            raise InputError("passphrase_mismatch")
    return first


def read_recovery_code() -> str:
    return os.environ.get(ENV_RECOVERY) or ask(_("Recovery code: "))


def read_code() -> str:
    """An enrolment's one-time code."""
    if ENV_ENROLMENT_CODE in os.environ:
        return os.environ[ENV_ENROLMENT_CODE]
    return ask(_("Enrolment code: "))


def read_enrolment(path: str) -> org.Enrolment:
    """Decrypt an enrolment file (asks for its code); used by `enroll` and `init --enroll`."""
    return OrgService.read_enrolment(Path(path), read_code())
