"""A day in Arabic: every page of the window walked, its visible texts read (labels,
buttons, headers, table cells, combo items, tooltips): no vocabulary code, no English
enum word, no Latin digit outside an isolated data value. Switching language keeps
the page and the filters."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.core.records.words import WORDS
from testimony_app.core.session import Session
from testimony_app.gui.app import Controller
from testimony_app.gui.config import AppConfig
from testimony_app.gui.worker import VaultWorker
from tests.conftest import Template
from tests.gui.conftest import item_text, wait_idle
from tests.gui.test_audit_gui import coordinator, export  # noqa: F401 (fixtures)
from tests.gui.test_controller import unlock
from tests.sync_fixtures import pair, pair_template  # noqa: F401 (fixtures)
from tests.workspace_fixtures import (
    WorkspaceTemplate,
    workspace_template,  # noqa: F401 (a fixture)
)

ISOLATED = re.compile("\u2068[^\u2069]*\u2069|\u2066[^\u2069]*\u2069")
# Data that is written in Latin characters whatever the language: pseudonyms, ids,
# fingerprints, file names, versions.
DATA = re.compile(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}|[0-9a-f]{8,}|[0-9A-Z]{4,}(-[0-9A-Z]{4,})+"
                  r"|\S+\.(age|json|zip|png|csv|key)\b")
# Latin words the Arabic catalog itself writes (commands, product and file names):
# any other Latin word or digit in an Arabic sentence is a value composed into it,
# which must sit inside an isolate so its direction cannot reorder the sentence.
def _catalog_latin() -> set[str]:
    from babel.messages.pofile import read_po

    with (i18n.CATALOG_DIR / "ar.po").open("rb") as handle:
        catalog = read_po(handle)
    words: set[str] = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        for text in strings:
            words |= set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", re.sub(r"\{[^}]*\}", "", text or "")))
    return words


CATALOG_LATIN = _catalog_latin()
ENGLISH_ENUMS = {word for table in WORDS.values() for word in table
                 if word not in ("ar", "en", "ku", "tr", "fr")} | {
    code for labels in vocab.ALL.values() for code in labels if "_" in code}


def settle(qtbot: QtBot, worker: VaultWorker, root: QWidget) -> None:
    """Until the window shows what it will show: no list's search debounce pending,
    every job (and the jobs their results sent) done, the layouts they asked for applied."""
    from testimony_app.gui.list_page import ListPage

    qtbot.waitUntil(lambda: not any(page._debounce.isActive()
                                    for page in root.findChildren(ListPage)), timeout=10_000)
    wait_idle(qtbot, worker)
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def demo_vault(vault_dir: Path, template: Template, demo_document: bytes) -> Path:
    with Session.open_with_key(vault_dir, template.key) as session:
        session.add_json(demo_document)
    return vault_dir


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything a person can read on the visible widgets."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or widget.property("record_text"):
            continue  # hidden, or a record's own text (data, in its own digits)
        name = f"{type(widget).__name__}[{widget.accessibleName()}]"
        if widget.toolTip():
            found.append((name + " tooltip", widget.toolTip()))
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((name, widget.text()))
        if isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        if isinstance(widget, QComboBox):
            found += [(name + " item", widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            found += [(name + " tab", widget.tabText(i)) for i in range(widget.count())]
        if isinstance(widget, QListWidget):
            found += [(name, widget.item(i).text()) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None \
                and not isinstance(widget, QHeaderView):
            model = widget.model()
            from PySide6.QtCore import QModelIndex

            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model: one column
                columns = 1
            for c in range(columns if not isinstance(widget, QListWidget) else 0):
                found.append((name + " header",
                              str(model.headerData(c, Qt.Orientation.Horizontal) or "")))
            for r in range(min(model.rowCount(QModelIndex()), 30)):
                for c in range(columns):
                    value = model.data(model.index(r, c))
                    if isinstance(value, str):
                        found.append((name + " cell", value))
    return [(w, t) for w, t in found if t and t.strip()]


def clipped(root: QWidget) -> list[str]:
    """Labels and buttons whose one line of text is wider than the widget shows."""
    out = []
    for widget in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        if not widget.isVisibleTo(root) or not widget.isVisible():
            continue
        text = widget.text().replace("&", "")
        if not text or "\n" in text or (isinstance(widget, QLabel) and widget.wordWrap()) \
                or (isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.RichText):
            continue
        need = widget.fontMetrics().horizontalAdvance(text)
        room = widget.contentsRect().width()
        if isinstance(widget, QAbstractButton):
            room -= 8  # the button's own margins
        if need > room + 1 and room > 0:
            out.append(f"{type(widget).__name__}[{widget.accessibleName()}]: {text!r} "
                       f"needs {need}px, has {room}px")
    return out


def problems(texts: list[tuple[str, str]]) -> list[str]:
    out = []
    for where, text in texts:
        bare = DATA.sub("", ISOLATED.sub("", text))
        words = set(re.findall(r"[A-Za-z_]+", bare))
        if re.search("[0-9]", bare) and not re.search("[A-Za-z\u0600-\u06ff]", bare):
            out.append(f"{where}: a number, date or time in Latin digits: {text!r}")
        if not re.search("[\u0600-\u06ff]", bare) and bare.strip() not in ENGLISH_ENUMS:
            continue  # all in Latin letters: data (a name, a title, a device), not ours
        if words & ENGLISH_ENUMS:
            out.append(f"{where}: English word or code {sorted(words & ENGLISH_ENUMS)} "
                       f"in {text!r}")
        if re.search("[0-9]", bare) and re.search("[\u0600-\u06ff]", bare):
            out.append(f"{where}: Latin digit in {text!r}")
        for line in ISOLATED.sub("", text).split("\n"):  # each line is a paragraph of its own
            loose = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", line)) - CATALOG_LATIN
            if re.search("[\u0600-\u06ff]", line) and loose:
                out.append(f"{where}: a value {sorted(loose)} not isolated in {text!r}")
    return out


def test_every_page_in_arabic_and_language_switch_keeps_the_view(
        qtbot: QtBot, qapp: QApplication, vault_dir: Path, template: Template,
        demo_document: bytes) -> None:
    demo_vault(vault_dir, template, demo_document)
    controller = Controller(qapp, AppConfig(language="en", vault_folder=str(vault_dir)))
    controller.show()
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        # A page, a filter and a search chosen in English...
        main.nav.setCurrentRow(1)
        main.incidents.type.setCurrentIndex(main.incidents.type.findData("arbitrary_arrest"))
        main.people.search.setText("P-")
        wait_idle(qtbot, controller.worker)
        english_rows = main.incidents.model
        qtbot.waitUntil(lambda: english_rows.row_id(1) is not None, timeout=20_000)
        main.incidents.table.selectRow(1)
        chosen = main.incidents.model.row_id(1)
        controller.change_language("ar")
        main = controller.main
        assert main is not None
        # ...are still there in Arabic, and so is the selected row.
        assert main.nav.currentRow() == 1
        assert main.incidents.type.currentData() == "arbitrary_arrest"
        assert main.people.search.text() == "P-"
        incidents = main.incidents

        def selected() -> str | None:
            index = incidents.table.currentIndex()
            return incidents.model.row_id(index.row()) if index.isValid() else None

        qtbot.waitUntil(lambda: selected() == chosen, timeout=20_000)
        main.people.search.setText("")
        main.incidents.type.setCurrentIndex(0)
        wait_idle(qtbot, controller.worker)
        found: list[str] = []
        for row in range(main.nav.count()):
            main.nav.setCurrentRow(row)
            settle(qtbot, controller.worker, main)
            found += problems(texts_of(main)) + clipped(main)
        # The editor, every tab, with a demo testimony open.
        main.nav.setCurrentRow(0)
        wait_idle(qtbot, controller.worker)
        qtbot.waitUntil(lambda: main.testimonies.model.row_id(0) is not None, timeout=20_000)
        first = main.testimonies.model.row_id(0)
        assert first is not None
        main.open_testimony(first)
        settle(qtbot, controller.worker, main)
        for tab in range(main.editor.tabs.count()):
            main.editor.tabs.setCurrentIndex(tab)
            settle(qtbot, controller.worker, main)
            found += problems(texts_of(main))
        from testimony_app.gui.destroy_dialog import DestroyKeysDialog
        from testimony_app.gui.settings_dialog import SettingsDialog, strength_in_words

        kdf = strength_in_words(256 * 1024, 3)  # what the window passes
        for dialog in (SettingsDialog({"autolock_minutes": "5"}, [], kdf, main),
                       DestroyKeysDialog(main)):
            qtbot.addWidget(dialog)
            dialog.show()
            found += problems(texts_of(dialog)) + clipped(dialog)
            dialog.close()
        # Sidebar rows are as tall as the Arabic text needs.
        for row in range(main.nav.count()):
            item = main.nav.item(row)
            assert item.sizeHint().height() >= main.nav.fontMetrics().boundingRect(
                item.text()).height()
        # Table rows too, on every list page (lines must not touch nor be clipped).
        from PySide6.QtWidgets import QTableView

        for view in main.findChildren(QTableView):
            assert view.verticalHeader().defaultSectionSize() >= \
                view.fontMetrics().height(), view.accessibleName()
        assert not found, "\n".join(dict.fromkeys(found))
    finally:
        controller.change_language("en")
        controller.shutdown()


def test_arabic_digits_or_latin_by_setting() -> None:
    i18n.set_language("ar")
    try:
        assert i18n.number(1234) == "١٢٣٤"
        i18n.set_digits("latin")
        assert i18n.number(1234) == "1234" and i18n.digits("٣ سجلات") == "3 سجلات"
    finally:
        i18n.set_digits("native")
        i18n.set_language("en")
    assert i18n.number(7) == "7"


def test_workspace_demo_in_arabic(
        qtbot: QtBot, qapp: QApplication,
        workspace_template: WorkspaceTemplate, tmp_path: Path) -> None:  # noqa: F811
    import shutil

    folder = tmp_path / "coordinator"
    shutil.copytree(workspace_template.folder, folder)
    controller = Controller(qapp, AppConfig(language="ar", vault_folder=str(folder)))
    controller.show()
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        found: list[str] = []
        for row in range(main.nav.count()):
            main.nav.setCurrentRow(row)
            settle(qtbot, controller.worker, main)
            found += problems(texts_of(main)) + clipped(main)
        assert not found, "\n".join(dict.fromkeys(found))
    finally:
        controller.change_language("en")
        controller.shutdown()


def test_auditor_window_in_arabic(qtbot: QtBot, export: tuple[Path, str]) -> None:  # noqa: F811
    from testimony_app.gui.audit.auditor_window import AuditorWindow
    from tests.gui.test_audit_gui import check

    path, fingerprint = export
    i18n.set_language("ar")
    try:
        window = AuditorWindow()
        qtbot.addWidget(window)
        window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        window.show()
        assert check(qtbot, window, path, fingerprint)
        browser = window.browser
        languages = [item_text(browser.testimony_table, r, 1)
                     for r in range(browser.testimony_table.rowCount())]
        assert languages and not {"ar", "en"} & set(languages)
        found: list[str] = []
        for tab in range(browser.count()):
            browser.setCurrentIndex(tab)
            found += problems(texts_of(window))
        assert not found, "\n".join(dict.fromkeys(found))
    finally:
        i18n.set_language("en")


def test_qt_own_dialogs_speak_arabic(qapp: QApplication) -> None:
    from PySide6.QtCore import QCoreApplication

    from testimony_app.gui.app import install_language

    translator = install_language(qapp, "ar")
    try:
        assert translator is not None
        look_in = QCoreApplication.translate("QFileDialog", "Look in:")
        assert look_in != "Look in:" and re.search("[\u0600-\u06ff]", look_in)
        cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")
        assert re.search("[\u0600-\u06ff]", cancel)
    finally:
        install_language(qapp, "en", translator)


def test_every_dialog_in_arabic(qtbot, qapp, workspace_template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Each dialog a coordinator or a researcher opens, in Arabic, on the workspace
    demo: its texts read as the pages' are, values isolated, nothing clipped."""
    import shutil

    from testimony_app.core import backup
    from testimony_app.core.identity.finalising import Preview
    from testimony_app.gui.audit.export_dialog import AuditExportDialog
    from testimony_app.gui.backup_dialog import BackupDialog, RestoreDialog
    from testimony_app.gui.destroy_dialog import DestroyKeysDialog
    from testimony_app.gui.editor.finalise_dialog import FinaliseDialog
    from testimony_app.gui.editor.untagged_names_dialog import UntaggedNamesDialog
    from testimony_app.gui.people.person_dialog import PersonDialog
    from testimony_app.gui.settings_dialog import SettingsDialog, strength_in_words
    from testimony_app.gui.sync.export_dialog import ExportDialog
    from testimony_app.gui.sync.import_dialog import ImportDialog
    from testimony_app.gui.sync.receipt_dialog import ReceiptDialog
    from testimony_app.gui.sync.sync_folder_dialog import SyncFolderDialog
    from testimony_app.gui.sync.trust_dialog import TrustDialog

    folder = tmp_path / "coordinator"
    shutil.copytree(workspace_template.folder, folder)
    controller = Controller(qapp, AppConfig(language="ar", vault_folder=str(folder)))
    controller.show()
    try:
        unlock(qtbot, controller)
        main = controller.main
        assert main is not None
        worker = controller.worker
        first = main.testimonies.model.row_id(0)
        status = backup.Status(last_at="2026-12-04T21:40:50Z", last_path=str(tmp_path / "b"),
                               days_since=3, reminder_days=7, new_since=True, due=False)
        preview = Preview(missing=["consent.recorded_by"], organisation="Aleppo Documentation",
                          identities=2, witness=True, public_names=1, tagged_names=3)
        makers: dict[str, Callable[[], QWidget]] = {
            "settings": lambda: SettingsDialog({"autolock_minutes": "5"}, [],
                                               strength_in_words(256 * 1024, 3), main),
            "destroy": lambda: DestroyKeysDialog(main),
            "export (sync)": lambda: ExportDialog(worker, main),
            "export (auditor)": lambda: AuditExportDialog(worker, main),
            "import": lambda: ImportDialog(worker, main),
            "receipt": lambda: ReceiptDialog(worker, main),
            "sync folder": lambda: SyncFolderDialog(worker, main),
            "trust": lambda: TrustDialog(worker, "", main),
            "backup": lambda: BackupDialog(worker, {}, status, main),
            "restore": lambda: RestoreDialog(worker, folder, main),
            "person": lambda: PersonDialog(worker, main),
            "finalise": lambda: FinaliseDialog(preview, main),
            "untagged names": lambda: UntaggedNamesDialog(worker, first or "", main),
        }
        found: list[str] = []
        for name, make in makers.items():
            dialog = make()
            qtbot.addWidget(dialog)
            if isinstance(dialog, UntaggedNamesDialog):
                dialog.start()
            dialog.show()
            wait_idle(qtbot, worker)
            qtbot.wait(150)
            found += [f"{name}: {p}" for p in problems(texts_of(dialog)) + clipped(dialog)]
            if isinstance(dialog, PersonDialog):
                dialog.show_form(None)
                qtbot.wait(50)
                found += [f"{name} (form): {p}" for p in problems(texts_of(dialog))]
            dialog.close()
            wait_idle(qtbot, worker)
        # A person's page and an incident's page, as the screenshots show them.
        people: list[str] = []
        worker.with_session(lambda s: [p.id for p in s.find_persons("", "ar")], people.extend)
        wait_idle(qtbot, worker)
        main.open_person(people[0])
        wait_idle(qtbot, worker)
        qtbot.wait(150)
        found += [f"person page: {p}" for p in problems(texts_of(main))]
        main.nav.setCurrentRow(1)
        wait_idle(qtbot, worker)
        qtbot.waitUntil(lambda: main.incidents.model.row_id(0) is not None, timeout=20_000)
        first_incident = main.incidents.model.row_id(0)
        assert first_incident is not None
        main.open_incident(first_incident)
        wait_idle(qtbot, worker)
        qtbot.wait(150)
        found += [f"incident page: {p}" for p in problems(texts_of(main))]
        assert not found, "\n".join(dict.fromkeys(found))
    finally:
        controller.change_language("en")
        controller.shutdown()


def test_a_value_in_an_arabic_sentence_must_be_isolated() -> None:
    """The walk's check can fail: a name or a path composed bare into an Arabic
    sentence is reported; isolated, it is not."""
    bare = [("label", "آخر نسخة احتياطية: /tmp/backup-0007")]
    assert any("not isolated" in p for p in problems(bare))
    assert not problems([("label", "آخر نسخة احتياطية: " + i18n.isolate("/tmp/backup-0007"))])
    assert any("not isolated" in p for p in problems([("label", "موسوم: P-GD78-0XXB")]))


def test_latin_digits_reach_qt_number_widgets(qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    """With Latin digits chosen in Arabic, a spin box writes 0-9; by default ٠-٩."""
    from PySide6.QtWidgets import QSpinBox

    from testimony_app.gui.app import install_language

    translator = install_language(qapp, "ar")
    try:
        shown = {}
        for kind in ("native", "latin"):
            i18n.set_digits(kind)
            spin = QSpinBox()
            qtbot.addWidget(spin)
            spin.setValue(42)
            spin.show()
            qtbot.waitUntil(spin.isVisible)
            shown[kind] = spin.text()
        assert shown == {"native": "٤٢", "latin": "42"}
    finally:
        i18n.set_digits("native")
        install_language(qapp, "en", translator)
