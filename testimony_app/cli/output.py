"""What the command line prints: the one place that writes to standard output.

A command prints either JSON (`--json`: language-neutral, for scripts) or lines for a
person in the user's language. For people, a value set inside a composed sentence is
isolated (`isolate`) so a right-to-left name cannot reorder the sentence around it, and
numbers take the language's digits (`num`, `digits`); JSON keeps both as they are.
Progress goes to standard error, and only on a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from testimony_app.i18n import digits, isolate
from testimony_app.i18n import number as num

__all__ = ["digits", "isolate", "num", "out", "out_json", "progress", "table"]


def out(text: str = "") -> None:
    """One line for a person."""
    sys.stdout.write(text + "\n")


def out_json(data: Any) -> None:
    """The whole answer of a command run with --json."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def table(rows: Sequence[Sequence[object]]) -> None:
    """Rows in columns as wide as their widest cell; the last column is not padded."""
    if not rows:
        return
    columns = len(rows[0])
    widths = [max(len(str(r[i])) for r in rows) for i in range(columns - 1)] + [0]
    for row in rows:
        out("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def progress(label: str) -> Callable[[int, int], None] | None:
    """A percentage on the terminal; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return None
    shown = [-1]

    def show(done: int, total: int) -> None:
        percent = min(100 * done // total, 100) if total else 0
        if percent != shown[0]:
            shown[0] = percent
            sys.stderr.write(f"\r{label} {percent:3d}%")
            if percent >= 100:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show
