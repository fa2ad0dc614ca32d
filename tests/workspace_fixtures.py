"""The workspace demo: a coordinator's vault holding the Aleppo 2016 data set and the
bundles of two enrolled researchers whose accounts overlap (core.demo.build_workspace,
seeds/workspace-demo.json). Built once per test session (three vaults, two real
bundles; ~12 s), then copied for each test that changes it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testimony_app.core import demo
from testimony_app.core.session import Session
from tests.conftest import PASSPHRASE


@dataclass(frozen=True)
class WorkspaceTemplate:
    folder: Path
    key: bytes


@pytest.fixture(scope="session")
def workspace_template(tmp_path_factory: pytest.TempPathFactory) -> WorkspaceTemplate:
    folder = tmp_path_factory.mktemp("workspace") / "coordinator"
    session, _code = demo.build_workspace(folder, PASSPHRASE)
    key = session.data_key()
    session.close()
    return WorkspaceTemplate(folder, key)


@pytest.fixture
def workspace(workspace_template: WorkspaceTemplate, tmp_path: Path) -> Iterator[Session]:
    """A copy of the workspace demo, open."""
    target = tmp_path / "coordinator"
    shutil.copytree(workspace_template.folder, target)
    session = Session.open_with_key(target, workspace_template.key)
    yield session
    session.close()
