"""The main window: navigation, list pages, the editor, toolbar and status bar.

It shows and asks; every operation is a core Session call on the worker.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.drafts import Draft
from testimony_app.gui import fmt, view_state
from testimony_app.gui.activity_page import ActivityPage
from testimony_app.gui.audit.menu import AuditMenu
from testimony_app.gui.editor.testimony_editor import TestimonyEditor
from testimony_app.gui.list_page import ListPage
from testimony_app.gui.settings_dialog import SettingsDialog
from testimony_app.gui.sync.menu import SyncMenu
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.menu import Workspace
from testimony_app.i18n import _

PAGES = ("testimony", "incident", "person", "activity", "researchers",
         "figures", "corroboration", "duplicates")


class MainWindow(QMainWindow):
    lock_requested = Signal()
    language_changed = Signal(str)
    settings_changed = Signal(dict)

    def __init__(self, worker: VaultWorker, vault_name: str) -> None:
        super().__init__()
        self.worker = worker
        self.setWindowTitle("Testimony")  # never a record or vault detail in the title
        self.settings: dict[str, str] = {}
        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Sections"))
        for label in (_("Testimonies"), _("Incidents"), _("People"), _("Activity log")):
            self.nav.addItem(label)
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.testimonies = ListPage(worker, "testimony")
        self.incidents = ListPage(worker, "incident")
        self.people = ListPage(worker, "person")
        self.activity = ActivityPage(worker)
        self.editor = TestimonyEditor(worker)
        for page in (self.testimonies, self.incidents, self.people, self.activity, self.editor):
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._show_page)
        self.testimonies.open_record.connect(self.open_testimony)
        self.editor.closed.connect(lambda: self._show_page(0))
        self.editor.saved.connect(lambda _id: self.refresh())
        self.editor.autosaved.connect(self._autosaved)
        self._drafts: list[Draft] = []
        self.banner = QFrame()
        self.banner.setStyleSheet("QFrame { background: #fff4ce; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        restore = QPushButton(_("Restore"))
        restore.clicked.connect(self._restore_offered)
        discard = QPushButton(_("Discard"))
        discard.clicked.connect(self._discard_offered)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(restore)
        banner_layout.addWidget(discard)
        self.banner.setVisible(False)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addWidget(self.banner)
        layout = QHBoxLayout()
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        self.sync = SyncMenu(self)  # Sync menu and Researchers page (issue 4)
        self.audit = AuditMenu(self)  # Export for auditors, Open export (issue 5)
        self.workspace = Workspace(self)  # Figures, Corroboration, Duplicates (issue 6)
        self.vault_label = QLabel(_("Vault: {name}").format(name=i18n.isolate(vault_name)))
        self.autosave_label = QLabel()
        self.lock_label = QLabel(_("Unlocked"))
        self.statusBar().addWidget(self.vault_label)
        self.statusBar().addWidget(self.autosave_label, 1)
        self.statusBar().addPermanentWidget(self.lock_label)
        self.resize(1200, 760)
        view_state.fit_rows(self.nav)
        self.nav.setCurrentRow(0)

    def _build_toolbar(self) -> None:
        bar = QToolBar(_("Actions"))
        bar.setMovable(False)
        bar.setIconSize(QSize(16, 16))
        self.addToolBar(bar)

        def action(text: str, shortcut: QKeySequence | str | None, slot: Any) -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
            act.triggered.connect(slot)
            bar.addAction(act)
            return act

        self.new_action = action(_("New testimony"), QKeySequence.StandardKey.New,
                                 self.new_testimony)
        self.save_action = action(_("Save"), QKeySequence.StandardKey.Save, self._save)
        self.search_action = action(_("Search"), QKeySequence.StandardKey.Find, self._focus_search)
        self.check_action = action(_("Check vault"), None, self._check)
        self.settings_action = action(_("Settings"), None, self.open_settings)
        self.lock_action = action(_("Lock"), "Ctrl+L", self.lock_requested.emit)
        self.destroy_action = action(_("Destroy keys…"), None, self.destroy_keys)

    # -- navigation ---------------------------------------------------------------

    def _show_page(self, row: int) -> None:
        if self.stack.currentWidget() is self.editor and self.editor.dirty:
            self.editor.autosave()
        if row < 0:
            return
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
            return
        self.stack.setCurrentIndex(row)
        if row < len(PAGES) and PAGES[row] == "activity":
            self.activity.reload()

    def refresh(self) -> None:
        """Reload lists and pickers after unlock or a change."""
        for page in (self.testimonies, self.incidents, self.people):
            page.apply_filter()
        language = i18n.language()
        self.worker.with_session(lambda s: (s.labels("place", language),
                                            s.labels("person", language), s.settings()),
                                 self._choices)

    def _choices(self, result: tuple[list[tuple[str, str]], list[tuple[str, str]],
                                     dict[str, str]]) -> None:
        places, persons, settings = result
        self.settings = settings
        for page in (self.testimonies, self.incidents):
            page.set_places(places)
        self.editor.set_choices(places, persons)

    def new_testimony(self) -> None:
        self.editor.new(self.settings)
        self.stack.setCurrentWidget(self.editor)
        self.editor.title.setFocus()

    def open_testimony(self, testimony_id: str) -> None:
        self.worker.with_session(lambda s: s.testimony_document(testimony_id),
                                 self._open_document, self._error)

    def _open_document(self, document: dict[str, Any]) -> None:
        self.editor.load(document, exists=True)
        self.stack.setCurrentWidget(self.editor)

    def offer_drafts(self, drafts: list[Draft]) -> None:
        """After a crash: unsaved work found in the vault is offered back (a banner,
        not a modal box: the person may want to look around first)."""
        self._drafts = list(drafts)
        if not drafts:
            self.banner.setVisible(False)
            return
        draft = drafts[-1]
        self.banner_text.setText(
            _("A testimony you were editing was not saved (last kept {when} UTC). "
              "Restore it?").format(when=i18n.isolate(fmt.timestamp(draft.updated_at))))
        self.banner.setVisible(True)

    def _restore_offered(self) -> None:
        if self._drafts:
            self.restore_draft(self._drafts.pop())
        self.offer_drafts(self._drafts)

    def _discard_offered(self) -> None:
        if self._drafts:
            draft_id = self._drafts.pop().id
            self.worker.with_session(lambda s: s.discard_draft(draft_id))
        self.offer_drafts(self._drafts)

    def restore_draft(self, draft: Draft) -> None:
        self.editor.load(draft.data["document"], exists=bool(draft.data.get("exists")),
                         draft_id=draft.id)
        self.editor.mark_dirty()
        self.stack.setCurrentWidget(self.editor)

    def _save(self) -> None:
        if self.stack.currentWidget() is self.editor:
            self.editor.save()

    def _focus_search(self) -> None:
        page = self.stack.currentWidget()
        if not isinstance(page, ListPage):
            self.nav.setCurrentRow(0)
            page = self.testimonies
        page.search.setFocus()
        page.search.selectAll()

    def _check(self) -> None:
        self.nav.setCurrentRow(PAGES.index("activity"))
        self.activity.check()

    def destroy_keys(self) -> None:
        """Panic: after typing the confirmation word, the keys are overwritten and the
        app locks (core: Session.destroy_keys; see SECURITY.md)."""
        from testimony_app.gui.destroy_dialog import DestroyKeysDialog

        if not DestroyKeysDialog(self).exec():
            return

        def failed(error: BaseException) -> None:
            self._error(error)
            self.lock_requested.emit()

        self.worker.with_session(lambda s: s.destroy_keys(),
                                 lambda _r: self.lock_requested.emit(), failed)

    def _autosaved(self, at: str) -> None:
        self.autosave_label.setText(_("Last autosave: {time} UTC").format(
            time=i18n.isolate(fmt.time(at))))

    def _error(self, error: BaseException) -> None:
        self.statusBar().showMessage(str(error), 15_000)

    def open_settings(self) -> None:
        language = i18n.language()
        self.worker.with_session(lambda s: (s.settings(), s.labels("place", language),
                                            s.kdf_params()), self._settings_dialog)

    def _settings_dialog(self, result: tuple[dict[str, str], list[tuple[str, str]], Any]) -> None:
        settings, places, params = result
        label = _("{mib} MiB, {t} passes, {p} lanes").format(
            mib=fmt.number(params.memory_kib // 1024), t=fmt.number(params.iterations),
            p=fmt.number(params.lanes))
        dialog = SettingsDialog(settings, places, label, self)
        if not dialog.exec():
            return
        values = dialog.values()
        strength, passphrase = dialog.strength.currentData(), dialog.passphrase.text()

        def apply(session: Any) -> None:
            for key, value in values.items():
                session.set_setting(key, value)

        self.worker.with_session(apply, lambda _r: self.settings_changed.emit(values),
                                 self._error)
        if strength:
            # A new derivation strength means a new data key: the vault is re-encrypted.
            from testimony_app.gui.rekey_progress import run_rekey

            run_rekey(self, self.worker,
                      lambda s, progress: s.set_kdf_strength(passphrase, strength, progress),
                      on_error=self._error)
        new_language = dialog.language.currentData()
        if new_language != i18n.language():
            self.language_changed.emit(new_language)

    # -- locking ------------------------------------------------------------------

    def clear(self) -> None:
        """Forget every record shown: lists, editor, log."""
        self.editor.clear()
        for page in (self.testimonies, self.incidents, self.people):
            page.clear()
        self.activity.clear()
        self.sync.clear()
        self.audit.clear()
        self.workspace.clear()
        self.autosave_label.clear()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.editor.dirty:
            self.editor.autosave()
        super().closeEvent(event)


def apply_direction(widget: QWidget) -> None:
    widget.setLayoutDirection(Qt.LayoutDirection.RightToLeft if i18n.is_rtl_language()
                              else Qt.LayoutDirection.LeftToRight)
