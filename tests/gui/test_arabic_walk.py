"""A day in Arabic: every page of the window walked, its visible texts read (labels,
buttons, headers, table cells, combo items, tooltips): no vocabulary code, no English
enum word, no Latin digit outside an isolated data value. Switching language keeps
the page and the filters."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTabWidget,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records import vocab
from testimony_app.core.records.words import WORDS
from testimony_app.core.session import Session
from testimony_app.gui.app import Controller
from testimony_app.gui.config import AppConfig
from tests.conftest import Template
from tests.gui.conftest import wait_idle
from tests.gui.test_audit_gui import coordinator, export  # noqa: F401 (fixtures)
from tests.gui.test_controller import unlock
from tests.sync_fixtures import pair, pair_template  # noqa: F401 (fixtures)
from tests.workspace_fixtures import workspace_template  # noqa: F401 (a fixture)

ISOLATED = re.compile("\u2068[^\u2069]*\u2069|\u2066[^\u2069]*\u2069")
# Data that is written in Latin characters whatever the language: pseudonyms, ids,
# fingerprints, file names, versions.
DATA = re.compile(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}|[0-9a-f]{8,}|[0-9A-Z]{4,}(-[0-9A-Z]{4,})+"
                  r"|\S+\.(age|json|zip|png|csv|key)\b")
ENGLISH_ENUMS = {word for table in WORDS.values() for word in table
                 if word not in ("ar", "en", "ku", "tr", "fr")} | {
    code for labels in vocab.ALL.values() for code in labels if "_" in code}


def demo_vault(vault_dir: Path, template: Template, demo_document: bytes) -> Path:
    with Session._open_with_key(vault_dir, template.key) as session:
        session.add_json(demo_document)
    return vault_dir


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything a person can read on the visible widgets."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
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
    return out


def test_every_page_in_arabic_and_language_switch_keeps_the_view(
        qtbot, qapp, vault_dir: Path, template: Template, demo_document: bytes) -> None:  # type: ignore[no-untyped-def]
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
        controller.change_language("ar")
        main = controller.main
        assert main is not None
        # ...are still there in Arabic.
        assert main.nav.currentRow() == 1
        assert main.incidents.type.currentData() == "arbitrary_arrest"
        assert main.people.search.text() == "P-"
        main.people.search.setText("")
        main.incidents.type.setCurrentIndex(0)
        wait_idle(qtbot, controller.worker)
        found: list[str] = []
        for row in range(main.nav.count()):
            main.nav.setCurrentRow(row)
            qtbot.wait(300)
            wait_idle(qtbot, controller.worker)
            qtbot.wait(100)
            found += problems(texts_of(main)) + clipped(main)
        # The editor, every tab, with a demo testimony open.
        main.nav.setCurrentRow(0)
        wait_idle(qtbot, controller.worker)
        qtbot.waitUntil(lambda: main.testimonies.model.row_id(0) is not None, timeout=20_000)
        main.open_testimony(main.testimonies.model.row_id(0))
        wait_idle(qtbot, controller.worker)
        qtbot.wait(200)
        for tab in range(main.editor.tabs.count()):
            main.editor.tabs.setCurrentIndex(tab)
            qtbot.wait(50)
            found += problems(texts_of(main))
        from testimony_app.gui import fmt
        from testimony_app.gui.destroy_dialog import DestroyKeysDialog
        from testimony_app.gui.settings_dialog import SettingsDialog

        kdf = f"{fmt.number(256)} MiB"
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


def test_workspace_demo_in_arabic(qtbot, qapp, workspace_template, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
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
            qtbot.wait(300)
            wait_idle(qtbot, controller.worker)
            qtbot.wait(100)
            found += problems(texts_of(main)) + clipped(main)
        assert not found, "\n".join(dict.fromkeys(found))
    finally:
        controller.change_language("en")
        controller.shutdown()


def test_auditor_window_in_arabic(qtbot, export) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
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
        languages = [browser.testimony_table.item(r, 1).text()
                     for r in range(browser.testimony_table.rowCount())]
        assert languages and not {"ar", "en"} & set(languages)
        found: list[str] = []
        for tab in range(browser.count()):
            browser.setCurrentIndex(tab)
            found += problems(texts_of(window))
        assert not found, "\n".join(dict.fromkeys(found))
    finally:
        i18n.set_language("en")


def test_qt_own_dialogs_speak_arabic(qapp) -> None:  # type: ignore[no-untyped-def]
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
