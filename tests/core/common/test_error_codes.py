"""Every error code the code can raise has words, in English and in Arabic.

The codes are read from the source: a `code = "..."` on a TestimonyError
subclass, or the first string argument given to one. A code with no entry in
`messages.MESSAGES` would reach a person as "Something went wrong (code)".
"""

from __future__ import annotations

import ast
from pathlib import Path

from testimony_app.core.common import errors
from testimony_app.core.common.messages import MESSAGES, PLURAL_MESSAGES
from testimony_app.i18n import _catalog, _po

PACKAGE = Path(errors.__file__).resolve().parents[2]  # testimony_app/


def _error_classes() -> set[str]:
    names: set[str] = set()
    todo = [errors.TestimonyError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _raised_codes() -> dict[str, str]:
    """code -> where it was first seen (file:line)."""
    # Subclasses defined outside errors.py (bundle.Refused, …) are found by name too.
    classes = _error_classes()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id in classes for b in node.bases):
                classes.add(node.name)
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in classes:
                for item in node.body:
                    if (isinstance(item, ast.Assign) and len(item.targets) == 1
                            and isinstance(item.targets[0], ast.Name)
                            and item.targets[0].id == "code"
                            and isinstance(item.value, ast.Constant)
                            and isinstance(item.value.value, str)):
                        found.setdefault(item.value.value, f"{where}:{item.lineno}")
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else (
                    func.attr if isinstance(func, ast.Attribute) else None)
                first = node.args[0]
                if (name in classes and isinstance(first, ast.Constant)
                        and isinstance(first.value, str)):
                    found.setdefault(first.value, f"{where}:{node.lineno}")
    return found


def test_the_scan_finds_codes() -> None:
    codes = _raised_codes()
    # A scan that finds nothing would make the next tests pass vacuously.
    assert {"wrong_secret", "not_a_vault", "bundle_damaged"} <= set(codes)
    assert len(codes) > 40


def test_every_raised_code_has_a_message() -> None:
    missing = {code: where for code, where in _raised_codes().items()
               if code not in MESSAGES and code not in PLURAL_MESSAGES}
    assert not missing, f"error codes without a message in core/common/messages.py: {missing}"


def test_every_message_has_an_arabic_translation() -> None:
    arabic = _catalog("ar")
    untranslated = [code for code, text in MESSAGES.items() if not arabic.get(text)]
    plurals = _po("ar")[1]
    untranslated += [code for code, (_key, (singular, _plural)) in PLURAL_MESSAGES.items()
                     if len(plurals.get(singular, ())) != 6]
    assert not untranslated, f"messages without Arabic: {untranslated}"
