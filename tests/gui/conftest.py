"""GUI tests: real widgets, offscreen, against real vaults in temp folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from testimony_app import i18n  # noqa: E402
from testimony_app.core.session import Session  # noqa: E402
from tests.conftest import Template  # noqa: E402


@pytest.fixture(autouse=True)
def isolated_gui(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    for name, sub in [("HOME", ""), ("XDG_CONFIG_HOME", ".config"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache")]:
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.delenv("TESTIMONY_VAULT", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def worker(qtbot):  # type: ignore[no-untyped-def]
    from testimony_app.gui.worker import VaultWorker

    w = VaultWorker()
    yield w
    w.stop()


@pytest.fixture
def open_worker(worker, vault_dir: Path, template: Template, demo_document: bytes):  # type: ignore[no-untyped-def]
    """A worker holding an open session on a copy of the template vault, demo loaded."""
    session = Session._open_with_key(vault_dir, template.key)
    session.add_json(demo_document)
    worker.set_session(session)
    return worker


def wait_idle(qtbot, worker) -> None:  # type: ignore[no-untyped-def]
    """Wait until every job sent to the worker so far has finished."""
    done = []
    worker.run(lambda _job: None, lambda _r: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
