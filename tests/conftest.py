"""Shared fixtures: real SQLCipher vaults in temporary folders, no mocks.

Creating a vault costs two Argon2id derivations (~1 s each at the floor), so one
template vault is made per test session and each test gets its own copy, opened
with the template's data key through the same code path an unlock ends in.

To open a vault in a test: the `session` fixture (a fresh copy, open), or
`Session.open_with_key(folder, template.key)` to reopen a copy, or
`folder, key = s.folder, s.data_key()` before `s.close()` to reopen that one later.
`Session.open(folder, PASSPHRASE)` costs an Argon2id derivation (~3 s on a loaded
machine): use it only where unlocking is what the test is about.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from testimony_app.core.session import Session

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "aleppo-2016.json"
PASSPHRASE = "correct horse battery staple"

# Canaries: strings that must never appear outside the encrypted vault.
CANARY_LATIN = "Zxqvbnmcanary Ghostwitness"
CANARY_ARABIC = "زخرفكناري شاهدمخفي"


@dataclass(frozen=True)
class Template:
    folder: Path
    key: bytes
    recovery_code: str


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    folder = tmp_path_factory.mktemp("template") / "vault"
    session, code = Session.create(folder, PASSPHRASE)
    key = session.data_key()
    session.close()
    return Template(folder, key, code)


@pytest.fixture
def vault_dir(template: Template, tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(template.folder, target)
    return target


@pytest.fixture
def session(vault_dir: Path, template: Template) -> Iterator[Session]:
    s = Session.open_with_key(vault_dir, template.key)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_document() -> bytes:
    return SEEDS.read_bytes()


@pytest.fixture
def demo_session(session: Session, demo_document: bytes) -> Session:
    session.add_json(demo_document)
    return session


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose HOME, XDG folders and TMPDIR all live in tmp_path."""
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TESTIMONY_", "XDG_"))}
    for name, sub in [("HOME", ""), ("XDG_CONFIG_HOME", ".config"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache"),
                      ("XDG_STATE_HOME", ".local/state"), ("TMPDIR", "tmp")]:
        path = home / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["TESTIMONY_PASSPHRASE"] = PASSPHRASE
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class Cli(Protocol):
    """The `cli` fixture: runs `testimony ARGS` in a subprocess with the isolated
    environment and returns what it did. Keywords: `stdin` (bytes to feed it), and
    environment variables (strings) to add."""

    def __call__(self, *args: str, **kwargs: Any) -> CliResult: ...


@pytest.fixture
def cli(isolated_env: dict[str, str]) -> Cli:
    def run(*args: str, stdin: bytes | None = None, **env: str) -> CliResult:
        proc = subprocess.run(
            [sys.executable, "-m", "testimony_app.cli", *args],
            input=stdin, capture_output=True, env={**isolated_env, **env}, timeout=120,
            cwd=ROOT, check=False)
        return CliResult(proc.returncode, proc.stdout.decode(), proc.stderr.decode())

    return run


# Under CI, hypothesis replays the same examples every run (derandomized), so a
# submission is judged on the code, not on a lucky draw; new inputs are explored in
# local runs, where a failure is found and fixed (as the bundle-sequence one was).
def _hypothesis_profiles() -> None:
    from hypothesis import settings

    settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("ci")


_hypothesis_profiles()
