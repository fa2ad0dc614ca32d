"""What the command line's modules share: output, reading secrets and files, opening the
vault. cli.py and every cli_*.py import this; it imports none of them."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from testimony_app.core.common import outfile
from testimony_app.core.common.errors import InputError, TestimonyError
from testimony_app.core.records import interchange
from testimony_app.core.session import Session, default_vault_dir, is_vault
from testimony_app.core.vault import keyfile
from testimony_app.i18n import _
from testimony_app.i18n import number as num

__all__ = ["num"]

ENV_PASSPHRASE = "TESTIMONY_PASSPHRASE"  # noqa: S105 (a variable name)
ENV_NEW_PASSPHRASE = "TESTIMONY_NEW_PASSPHRASE"  # noqa: S105
ENV_RECOVERY = "TESTIMONY_RECOVERY_CODE"


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def out_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# -- secrets ------------------------------------------------------------------


def _ask(prompt: str) -> str:
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
    first = _ask(prompt)
    if confirm:
        keyfile.check_passphrase(first)
        if _ask(_("Repeat it: ")) != first:
            raise InputError("passphrase_mismatch")
    return first


def vault_dir(args: argparse.Namespace) -> Path:
    return Path(args.vault) if args.vault else default_vault_dir()


def open_session(args: argparse.Namespace) -> Session:
    folder = vault_dir(args)
    if not is_vault(folder):
        raise TestimonyError("no_vault", path=str(folder))
    return Session.open(folder, read_passphrase(args))


def _read_file(path: str) -> bytes:
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
