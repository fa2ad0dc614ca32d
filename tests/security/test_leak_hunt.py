"""Leak hunt: a whole session through the window (create a vault, type Latin and Arabic
canaries, save, search, lock) and exports through the CLI, then every file under
HOME, TMPDIR, the XDG folders and the vault is searched for the canaries (UTF-8,
UTF-16) and for the export paths: none may appear."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import Cli

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from testimony_app.core.session import Session  # noqa: E402
from testimony_app.gui.app import Controller  # noqa: E402
from testimony_app.gui.config import AppConfig  # noqa: E402
from tests.conftest import CANARY_ARABIC, CANARY_LATIN, PASSPHRASE  # noqa: E402
from tests.gui.test_main_window import commit_text, type_text  # noqa: E402
from tests.security.test_no_plaintext import NEEDLES  # noqa: E402
from tests.sync_fixtures import PairTemplate  # noqa: E402

EXPORT_MARK = "chosen-export-place-7Q2"


def hunt(root: Path, needles: list[bytes], skip: tuple[Path, ...] = ()) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path not in skip:
            data = path.read_bytes()
            found += [f"{path.relative_to(root)}: {n[:16]!r}" for n in needles if n in data]
    return found


def test_gui_and_cli_session_leave_no_canary_and_no_export_path(
        qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli,
        isolated_env: dict[str, str], pair_template: PairTemplate) -> None:
    home = Path(isolated_env["HOME"])
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                 "XDG_STATE_HOME", "TMPDIR"):
        monkeypatch.setenv(name, isolated_env[name])
    monkeypatch.setattr(tempfile, "tempdir", isolated_env["TMPDIR"])
    monkeypatch.delenv("TESTIMONY_VAULT", raising=False)
    folder = home / "usb" / "vault"

    # -- the window: create, type, save, search, lock ------------------------------
    controller = Controller(qapp, AppConfig(language="en", vault_folder=str(folder)))
    try:
        controller.show()
        start = controller.start
        start.stack.setCurrentWidget(start.create_page)
        start.create_folder.setText(str(folder))
        start.new_pass.setText(PASSPHRASE)
        start.new_pass2.setText(PASSPHRASE)
        start.create_button.click()
        qtbot.waitUntil(lambda: start.stack.currentWidget() is start.code_page, timeout=60_000)
        groups = start.code_label.text().split("-")
        a, b = start._asked
        start.check_a.setText(groups[a])
        start.check_b.setText(groups[b])
        with qtbot.waitSignal(start.unlocked, timeout=10_000):
            start._confirm_code()
        main = controller.main
        assert main is not None
        main.new_testimony()
        editor = main.editor
        type_text(editor.title, CANARY_LATIN)
        editor.date.set_value({"precision": "day", "value": "2016-12-16"})
        type_text(editor.narrative, CANARY_ARABIC + " ")
        commit_text(editor.narrative, CANARY_LATIN)
        editor.has_witness.setChecked(True)
        type_text(editor.name, CANARY_ARABIC)
        commit_text(editor.contact, CANARY_LATIN)
        with qtbot.waitSignal(editor.saved, timeout=20_000):
            editor.save()
        main.nav.setCurrentRow(0)
        type_text(main.testimonies.search, CANARY_ARABIC.split()[0])
        qtbot.waitUntil(lambda: main.testimonies.model.count == 1, timeout=10_000)
        controller.lock()
        qtbot.waitUntil(lambda: controller.worker.session is None, timeout=20_000)
    finally:
        controller.shutdown()
    with Session.open(folder, PASSPHRASE) as session:  # it was all saved
        assert session.search(CANARY_LATIN.split()[0])
        tid = session.list_testimonies()[0].id
        source = home / "Documents" / "interview.bin"
        source.parent.mkdir()
        source.write_bytes(random.Random(4).randbytes(100_000))
        att = session.attach(tid, source)
    source.unlink()

    # -- the command line: exports to places the user chose -------------------------
    outside = tmp_path / f"{EXPORT_MARK}-usb"
    outside.mkdir()
    extracted = outside / f"{EXPORT_MARK}-copy.bin"
    r = cli("extract", att.id, "--to", str(extracted), "--quiet", "--vault", str(folder))
    assert r.code == 0, r.err
    researcher = home / "researcher-vault"
    shutil.copytree(pair_template.researcher, researcher)
    with Session.open_with_key(researcher, pair_template.key) as s:
        s.add_document({"format": "testimony/1", "sources": [
            {"id": str(uuid.uuid4()), "kind": "other", "name": CANARY_LATIN}]})
    bundle = outside / f"{EXPORT_MARK}-bundle.age"
    r = cli("export-bundle", "--to", str(bundle), "--vault", str(researcher))
    assert r.code == 0, r.err
    assert bundle.exists() and extracted.exists()

    # -- the hunt --------------------------------------------------------------------
    assert hunt(home, NEEDLES) == []
    marks = [EXPORT_MARK.encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    assert hunt(home, marks) == []
