"""Fixtures for sync bundles: a coordinator's vault and a researcher's vault enrolled to it.

Made once per test session (organisation keys, an enrolment file and its code cost
a few seconds of scrypt), then copied for each test, like the vault template.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testimony_app.core.identity import enrolling
from testimony_app.core.session import Session
from testimony_app.core.vault import org
from tests.conftest import Template


@dataclass(frozen=True)
class PairTemplate:
    coordinator: Path
    researcher: Path
    key: bytes
    fingerprint: str


@dataclass
class Pair:
    coordinator: Session
    researcher: Session
    fingerprint: str
    folder: Path


def _open(folder: Path, key: bytes) -> Session:
    return Session._open_with_key(folder, key)


@pytest.fixture(scope="session")
def pair_template(template: Template, tmp_path_factory: pytest.TempPathFactory) -> PairTemplate:
    base = tmp_path_factory.mktemp("pair")
    coord_dir, res_dir = base / "coordinator", base / "researcher"
    shutil.copytree(template.folder, coord_dir)
    shutil.copytree(template.folder, res_dir)
    with _open(coord_dir, template.key) as coordinator, _open(res_dir, template.key) as researcher:
        researcher.conn.execute("UPDATE meta SET value = ? WHERE key = 'device_id'",
                                (str(uuid.uuid4()),))
        org.init_org(coordinator.conn, "Test Organisation", coordinator.author)
        code = org.write_enrolment(coordinator.conn, base / "enrol.age", coordinator.author)
        enrolling.apply_enrolment(researcher.conn, org.read_enrolment(base / "enrol.age", code),
                            researcher.author)
        fp = org.whoami(researcher.conn).fingerprint
        org.trust(coordinator.conn, fp, "Researcher One", coordinator.author)
    return PairTemplate(coord_dir, res_dir, template.key, fp)


@pytest.fixture
def pair(pair_template: PairTemplate, tmp_path: Path) -> Iterator[Pair]:
    coord_dir, res_dir = tmp_path / "coordinator", tmp_path / "researcher"
    shutil.copytree(pair_template.coordinator, coord_dir)
    shutil.copytree(pair_template.researcher, res_dir)
    coordinator = _open(coord_dir, pair_template.key)
    researcher = _open(res_dir, pair_template.key)
    yield Pair(coordinator, researcher, pair_template.fingerprint, tmp_path)
    coordinator.close()
    researcher.close()
