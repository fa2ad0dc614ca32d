"""The `testimony` commands of the coordinator's workspace: corroboration (issue 6)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

Command = Callable[..., argparse.ArgumentParser]


def register(command: Command) -> None:
    """Add this module's subcommands to the parser (see cli.build_parser)."""
