"""The core's packages depend one way, and no module of testimony_app sits in an import circle.

Every module is parsed with `ast`; imports at module level, inside functions and under
TYPE_CHECKING all count (an import inside a function is still a dependency: moving it there
only hides a circle). Layers of testimony_app/core, top to bottom:

    core root (session facade, backup, demo) > audit > workspace > sync > identity > records
    > vault > common

A module may import its own package and the packages below it, never a package above nor a
core root module. The core never imports the window (gui) or the command line (cli).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "testimony_app"
LAYERS = ["common", "vault", "records", "identity", "sync", "workspace", "audit"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(APP.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> list[tuple[int, str]]:
    """(line, module of testimony_app) for every import in the file, wherever it is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - node.level + 1]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if candidate in known else base))
    out: list[tuple[int, str]] = []
    for line, target in found:
        # `import a.b.c` depends on the deepest module of testimony_app it names
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target.startswith("testimony_app") and target != name \
                and target not in {t for _, t in out}:
            out.append((line, target))
    return out


def graph() -> dict[str, list[tuple[int, str]]]:
    modules = all_modules()
    known = set(modules)
    return {name: imports_of(name, path, known) for name, path in modules.items()}


def layer_of(module: str) -> int | None:
    """Index of the module's layer (higher = above); None outside the core."""
    parts = module.split(".")
    if parts[:2] != ["testimony_app", "core"]:
        return None
    if len(parts) == 2:  # the package testimony_app.core itself
        return -1
    if parts[2] in LAYERS:
        return LAYERS.index(parts[2])
    return len(LAYERS)  # a core root module (session, backup, demo)


def where(module: str, line: int) -> str:
    return f"{all_modules()[module].relative_to(ROOT)}:{line}"


def test_core_packages_import_only_downwards() -> None:
    problems = []
    for module, deps in graph().items():
        mine = layer_of(module)
        if mine is None or mine in (-1, len(LAYERS)):
            continue
        for line, target in deps:
            theirs = layer_of(target)
            if theirs is None or theirs == -1:
                continue
            if theirs == len(LAYERS):
                problems.append(f"{where(module, line)} imports {target}, a core root module "
                                f"(packages never import the root)")
            elif theirs > mine:
                problems.append(f"{where(module, line)} ({LAYERS[mine]}) imports {target} "
                                f"({LAYERS[theirs]} is above {LAYERS[mine]})")
    assert not problems, "imports pointing up the layers:\n" + "\n".join(problems)


def test_core_never_imports_gui_or_cli() -> None:
    problems = []
    for module, deps in graph().items():
        if layer_of(module) is None:
            continue
        for line, target in deps:
            rest = target.split(".")
            if len(rest) > 1 and (rest[1] == "gui" or rest[1].startswith("cli")):
                problems.append(f"{where(module, line)} imports {target}")
    assert not problems, "the core imports the window or the command line:\n" + "\n".join(problems)


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return result


def test_no_import_circles() -> None:
    g = graph()
    # a package's __init__ runs before its modules: importing the package from one of its own
    # modules is not a circle of code (the __init__ files hold no imports; checked below)
    edges = {m: {t for _, t in deps if not m.startswith(t + ".")} for m, deps in g.items()}
    cycles = find_cycles(edges)
    lines = []
    for cycle in cycles:
        members = set(cycle)
        lines.append("circle: " + ", ".join(cycle))
        for m in cycle:
            for line, t in g[m]:
                if t in members:
                    lines.append(f"  {where(m, line)} imports {t}")
    assert not cycles, "import circles:\n" + "\n".join(lines)


def test_core_package_inits_import_nothing() -> None:
    """The start window imports little: a package's __init__ must not pull its modules in."""
    problems = []
    for path in sorted((APP / "core").rglob("__init__.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not problems, "imports in core package __init__ files:\n" + "\n".join(problems)


# -- the faces: the window and the command line call the facade --

# Core modules a face imports whole: the facade, its services (a `*service` module of a
# package: `Session.org`, `.sync`, `.audit`), the errors and their words, and modules of
# plain data and pure text (vocabularies, words, text normalisation, dates).
FACE_MODULES = {
    "testimony_app.core.session",
    "testimony_app.core.common.errors",
    "testimony_app.core.common.messages",
    "testimony_app.core.records.vocab",
    "testimony_app.core.records.words",
    "testimony_app.core.records.textnorm",
    "testimony_app.core.records.dates",
    "testimony_app.core.records.activity_words",
}
# From any other core module a face takes only its types and constants (names that begin
# with a capital) and these pure helpers, which read no vault.
FACE_HELPERS = {
    # where a vault lives, asked by the start window before the facade is imported
    "testimony_app.core.vault.keyfile": {"is_vault", "normalise_group", "default_vault_dir",
                                         # a new passphrase's strength, before it keys a vault
                                         "check_passphrase"},
    # a database error's stable code, for the words the command line prints
    "testimony_app.core.vault.db": {"error_code"},
    "testimony_app.core.vault.org": {"fingerprint_words"},
    "testimony_app.core.vault.loghead": {"describe"},
    "testimony_app.core.common.hygiene": {"install", "safe_traceback"},  # the process
    # a file the person names, read with a size limit (documents, certificates)
    "testimony_app.core.common.outfile": {"read_limited"},
    # a document read from a file is checked before the vault is opened
    "testimony_app.core.records.interchange": {"parse"},
    "testimony_app.core.records.places": {"parse_coordinates", "coordinates_text"},
    "testimony_app.core.workspace.corroboration": {"date_text"},
    "testimony_app.core.workspace.stats": {
        "signed", "period_text", "month_label", "qualified", "figure_text", "row_label",
        "sign_legend", "spans_months", "to_csv"},
    # the local Syncthing daemon's settings, not the vault
    "testimony_app.core.sync.syncthing": {
        "find_config", "read_endpoint", "accept_offers", "share_device_folder"},
}
# Commands that run with no vault open, beside the facade (core root modules): the demo
# vault is built before one exists and loaded through the Session it is given; a backup
# folder is checked where it lies (`restore --check`).
FACE_HELPERS |= {
    "testimony_app.core.demo": {"build_workspace", "load"},
    "testimony_app.core.backup": {"verify"},
}
# Not under the rule: screenshots.py is a developer's tool that builds the demo vault.
FACE_EXEMPT = {"testimony_app.gui.screenshots"}


def face_modules() -> dict[str, Path]:
    faces = {name: path for name, path in all_modules().items()
             if name.startswith(("testimony_app.gui", "testimony_app.cli"))
             and name not in FACE_EXEMPT}
    return faces


def _face_module_allowed(module: str) -> bool:
    return module in FACE_MODULES or module.rpartition(".")[2].endswith("service")


def _face_name_allowed(module: str, name: str) -> bool:
    return (_face_module_allowed(module) or name[:1].isupper()
            or name in FACE_HELPERS.get(module, set()))


def face_problems(name: str, path: Path, known: set[str]) -> list[str]:
    """What the face reaches below the facade: `.conn` of anything, and core modules or
    names outside the rule above."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = path.relative_to(ROOT)
    problems: list[str] = []
    bound: dict[str, str] = {}  # local name -> core module imported whole
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("conn", "_conn"):
            problems.append(f"{here}:{node.lineno} reads .{node.attr} (call the session)")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("testimony_app.core."):
                    problems.append(f"{here}:{node.lineno} imports {alias.name} "
                                    f"(use `from ... import ...`)")
        elif isinstance(node, ast.ImportFrom) and not node.level \
                and (node.module or "").startswith("testimony_app.core"):
            base = node.module or ""
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                if candidate in known:  # a module, imported whole
                    bound[alias.asname or alias.name] = candidate
                    if not _face_module_allowed(candidate):
                        # allowed when only its types and helpers are used (checked below)
                        continue
                elif not _face_name_allowed(base, alias.name):
                    problems.append(f"{here}:{node.lineno} imports {candidate}, which is "
                                    f"neither the facade, a type nor an allowed helper")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in bound:
            module = bound[node.value.id]
            if not _face_name_allowed(module, node.attr):
                problems.append(f"{here}:{node.lineno} uses {module}.{node.attr} (call the "
                                f"session or its services)")
    return problems


def test_window_calls_only_the_facade() -> None:
    """The window (gui/) and the command line (cli/) alike."""
    known = set(all_modules())
    problems = [p for name, path in face_modules().items()
                for p in face_problems(name, path, known)]
    assert not problems, "a face reaches below the facade:\n" + "\n".join(problems)
