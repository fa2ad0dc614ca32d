"""The code explains itself: no comment points at an issue number or at a design
document outside the repository (docs/ARCHITECTURE.md is the design of record)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"DESIGN\.md|\b[Ii]ssue #?\d+\b|\bfix \d+\b")


def test_no_comment_cites_an_issue_or_an_outside_design() -> None:
    files = [*ROOT.glob("testimony_app/**/*.py"), *ROOT.glob("tests/**/*.py"),
             *ROOT.glob("bench/**/*.py"), *ROOT.glob("seeds/*.py"),
             *ROOT.glob("packaging/*"), ROOT / "Makefile", ROOT / "pyproject.toml",
             *ROOT.glob("scripts/*")]
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in files if path.is_file() and path != Path(__file__)
             for number, line in enumerate(path.read_text(encoding="utf-8",
                                                          errors="replace").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert not found, f"say the reason instead: {found}"
