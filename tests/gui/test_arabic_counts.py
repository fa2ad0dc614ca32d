"""Counts in the window, in Arabic: 0, 1, 2, 3, 11 and 100 each in their own form, with
Arabic-Indic digits, through the real widgets that show them (the backup and restore
dialogs, the auditor's review summary, an import's preview)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.core import backup
from testimony_app.core.common.ids import BundleId, RecordId
from testimony_app.core.sync.bundle_format import ImportResult
from testimony_app.gui.audit.export_dialog import AuditExportDialog
from testimony_app.gui.audit.review_panel import ReviewPanel
from testimony_app.gui.backup_dialog import BackupDialog, RestoreDialog
from testimony_app.gui.sync import import_dialog
from testimony_app.gui.worker import VaultWorker
from tests.gui.test_arabic_walk import problems, texts_of

COUNTS = (0, 1, 2, 3, 11, 100)
LATIN_DIGIT = re.compile(r"[0-9]")


@pytest.fixture
def arabic() -> Iterator[None]:
    i18n.set_language("ar")
    yield
    i18n.set_language("en")


def _six(texts: list[str]) -> None:
    assert len(set(texts)) == 6, texts
    assert not any(LATIN_DIGIT.search(t) for t in texts), texts
    assert not any(re.search(r"[A-Za-z]{3,}", t) for t in texts), texts


def test_backup_and_restore_dialogs_count_records(
        qtbot: QtBot, worker: VaultWorker, arabic: None, tmp_path: Path) -> None:
    dialog = BackupDialog(worker, {})
    qtbot.addWidget(dialog)
    said = []
    for n in COUNTS:
        dialog._done(backup.BackupResult(path=tmp_path, created="2026-12-05T10:00:00Z",
                                         size=2048, records={"testimony": n}, removed=[]))
        said.append(dialog.status.text().split(":", 1)[1].replace(tmp_path.name, ""))
    _six(said)
    assert "سجلان" in said[2] and "١١ سجلًا" in said[4] and "١٠٠ سجل" in said[5]
    dialog.show()
    assert not problems(texts_of(dialog))  # the walk's own check: no English, no Latin digit
    # the reminder's days, in the chosen digits and agreeing with the number
    shown = []
    for n in COUNTS[1:]:
        dialog.remind.setValue(n)
        shown.append(dialog.remind.text())
    assert shown == ["١ يوم", "٢ يوم", "٣ أيام", "١١ يومًا", "١٠٠ يوم"]
    restore = RestoreDialog(worker, tmp_path)
    qtbot.addWidget(restore)
    texts = []
    for n in COUNTS:
        restore._done(backup.RestoreResult(path=tmp_path, moved_aside=None,
                                           created="2026-12-05T10:00:00Z",
                                           records={"person": n}))
        texts.append(restore.status.text().splitlines()[0].rsplit(":", 1)[1])
    _six(texts)
    assert "سجل واحد" in texts[1] and "٣ سجلات" in texts[3]


def test_review_summary_counts_narratives(qtbot: QtBot, worker: VaultWorker,
                                          arabic: None) -> None:
    panel = ReviewPanel(worker)
    qtbot.addWidget(panel)
    said = []
    for n in COUNTS:
        panel.rows = [{"id": RecordId(str(i)), "title": "", "date": "", "scope": "",
                       "has_narrative": True, "approved": i == 0} for i in range(n)]
        panel._update_summary()
        said.append(panel.summary.text())
    _six(said)
    panel.show()
    assert not problems(texts_of(panel))
    assert "من أصل روايتين" in said[2] and "وهو روايتان" not in said[2]
    assert "من أصل ١١ روايةً" in said[4] and "وهو ١٠ روايات" in said[4]
    assert "من أصل ١٠٠ رواية" in said[5] and "وهو ٩٩ روايةً" in said[5]


def test_an_import_counts_each_kind_of_record(arabic: None) -> None:
    said = [import_dialog._record_counts(ImportResult(
        bundle_id=BundleId("b"), signer="s", signer_name="n", device_id="d", sequence=1,
        added=[RecordId("x")] * n, updated=[RecordId("y")] * n, unchanged=[],
        conflicting=[RecordId("z")])) for n in COUNTS]
    _six(said)
    assert said[2].startswith("سجلان جديدان، سجلان محدَّثان، لا سجلات دون تغيير")
    assert said[4].startswith("١١ سجلًا جديدًا، ١١ سجلًا محدَّثًا")
    assert said[5].endswith("سجل متعارض واحد")


def test_auditor_export_status_and_log(qtbot: QtBot, worker: VaultWorker, arabic: None,
                                       tmp_path: Path) -> None:
    """Three counts, each agreeing with its own noun; the redaction log's English keys
    (the manifest is language-neutral) said in Arabic."""
    dialog = AuditExportDialog(worker)
    qtbot.addWidget(dialog)
    said = []
    for n in COUNTS:
        dialog._done(tmp_path, {
            "counts": {"testimonies": n, "incidents": 2, "persons": 11},
            "redaction_log": {"identity withheld": n, "place coarsened": 3},
            "organisation": {"fingerprint": "F4W4-X8PT"}})
        said.append(dialog.status.text().rsplit(":", 1)[1])
        assert "withheld" not in dialog.log.toPlainText()
        assert "٣" in dialog.log.toPlainText()
    _six(said)
    assert said[3].strip() == "٣ شهادات، حادثتان، ١١ شخصًا."
    assert said[1].strip() == "شهادة واحدة، حادثتان، ١١ شخصًا."
