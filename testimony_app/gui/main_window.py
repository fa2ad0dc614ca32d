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
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.records.drafts import Draft
from testimony_app.gui import fmt, view_state
from testimony_app.gui.activity_page import ActivityPage
from testimony_app.gui.audit.menu import AuditMenu
from testimony_app.gui.backup_menu import BackupMenu
from testimony_app.gui.editor import unsaved_prompt
from testimony_app.gui.editor.testimony_editor import TestimonyEditor
from testimony_app.gui.incident_page import IncidentPage
from testimony_app.gui.list_page import ListPage
from testimony_app.gui.people.person_page import PersonPage
from testimony_app.gui.settings_dialog import SettingsDialog, strength_in_words
from testimony_app.gui.sync.menu import SyncMenu
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.menu import Workspace
from testimony_app.i18n import _

PAGES = ("testimony", "incident", "person", "activity", "researchers",
         "figures", "corroboration", "duplicates")


# Pages only a coordinator's vault can use: hidden in the navigation elsewhere.
COORDINATOR_PAGES = ("researchers", "corroboration", "duplicates")


class MainWindow(QMainWindow):
    lock_requested = Signal()
    language_changed = Signal(str)
    settings_changed = Signal(dict)
    open_vault_requested = Signal()
    quit_requested = Signal()

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
        self.incident_page = IncidentPage(worker)
        self.person_page = PersonPage(worker)
        for page in (self.testimonies, self.incidents, self.people, self.activity, self.editor,
                     self.incident_page, self.person_page):
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self._show_page)
        self.testimonies.open_record.connect(self.open_testimony)
        self.incidents.open_record.connect(self.open_incident)
        self.people.open_record.connect(self.open_person)
        self.incident_page.open_testimony.connect(self.open_testimony)
        self.incident_page.back.connect(lambda: self._back_to(1))
        self.person_page.open_testimony.connect(self.open_testimony)
        self.person_page.open_incident.connect(self.open_incident)
        self.person_page.back.connect(lambda: self._back_to(2))
        self.person_page.changed.connect(self.refresh)
        self.activity.open_record.connect(self.open_record)
        self.editor.closed.connect(self._editor_closed)
        self.editor.back_button.clicked.disconnect()
        self.editor.back_button.clicked.connect(self.back_from_editor)
        self._list_row = 0  # the list the editor was opened from
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
        self._build_menus()
        self._build_toolbar()
        self.sync = SyncMenu(self)  # Sync menu and Researchers page
        self.audit = AuditMenu(self)  # Export for auditors, Open export
        self.workspace = Workspace(self)  # Figures, Corroboration, Duplicates
        self._build_help_menu()
        self._hide_coordinator_pages(True)
        self.vault_label = QLabel(_("Vault: {name}").format(name=i18n.isolate(vault_name)))
        self.autosave_label = QLabel()
        self.lock_label = QLabel(_("Unlocked"))
        self.statusBar().addWidget(self.vault_label)
        self.statusBar().addWidget(self.autosave_label, 1)
        self.statusBar().addPermanentWidget(self.lock_label)
        self.backup = BackupMenu(self)  # File: Back up vault…, Restore…; last backup, reminder
        self.resize(1280, 720)
        view_state.fit_rows(self.nav)
        self.nav.setCurrentRow(0)

    def _build_toolbar(self) -> None:
        bar = QToolBar(_("Actions"))
        bar.setMovable(False)
        bar.setIconSize(QSize(16, 16))
        self.addToolBar(bar)

        for act in (self.new_action, self.save_action, self.search_action, self.lock_action):
            bar.addAction(act)

    def _action(self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
                slot: Any) -> QAction:
        """An action with its shortcut, shown in menus and in its tooltip."""
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setToolTip(f"{text} ({QKeySequence(shortcut).toString()})")
        act.triggered.connect(slot)
        return act

    def _build_menus(self) -> None:
        a = self._action
        self.new_action = a(_("New testimony"), QKeySequence.StandardKey.New,
                            self.new_testimony)
        self.save_action = a(_("Save"), QKeySequence.StandardKey.Save, self._save)
        self.search_action = a(_("Search"), QKeySequence.StandardKey.Find, self._focus_search)
        self.check_action = a(_("Check vault"), None, self._check)
        self.settings_action = a(_("Settings…"), "Ctrl+,", self.open_settings)
        self.lock_action = a(_("Lock"), "Ctrl+L", self.lock_requested.emit)
        self.destroy_action = a(_("Destroy keys…"), None, self.destroy_keys)
        self.open_vault_action = a(_("Open vault…"), QKeySequence.StandardKey.Open,
                                   self._open_vault)
        self.close_vault_action = a(_("Close vault"), "Ctrl+Shift+W", self._close_vault)
        self.passphrase_action = a(_("Change passphrase…"), None, self.change_passphrase)
        self.quit_action = a(_("Quit"), QKeySequence.StandardKey.Quit, self.close)
        bar = self.menuBar()
        self.file_menu = bar.addMenu(_("File"))
        self.file_menu.setObjectName("file_menu")
        for act in (self.new_action, self.save_action):
            self.file_menu.addAction(act)
        self.file_menu.addSeparator()
        for act in (self.open_vault_action, self.close_vault_action):
            self.file_menu.addAction(act)
        self.file_menu.addSeparator()
        # Other parts add their file actions (open an export, back up) before this.
        self.file_menu_anchor = self.file_menu.addSeparator()
        for act in (self.passphrase_action, self.settings_action):
            self.file_menu.addAction(act)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu(_("Edit"))
        self.edit_menu.addAction(self.search_action)
        self.vault_menu = bar.addMenu(_("Vault"))
        for act in (self.lock_action, self.check_action):
            self.vault_menu.addAction(act)
        self.vault_menu.addSeparator()
        # Out of the toolbar, beside nothing that is pressed often; still guarded.
        self.vault_menu.addAction(self.destroy_action)

    def _build_help_menu(self) -> None:
        help_menu = self.menuBar().addMenu(_("Help"))
        self.about_action = self._action(_("About Testimony"), None, self._about)
        self.security_action = self._action(_("Security and what the app protects"),
                                            QKeySequence.StandardKey.HelpContents,
                                            self._security)
        help_menu.addAction(self.security_action)
        help_menu.addAction(self.about_action)

    def _about(self) -> None:
        from testimony_app import __version__

        QMessageBox.about(self, _("About Testimony"), _(
            "Testimony {version}\n\nDocumenting human-rights violations offline: testimonies, "
            "incidents and the people they name, in an encrypted vault.").format(
                version=__version__))

    def _security(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(_("Security and what the app protects"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(_("What Testimony protects"))
        box.setInformativeText("\n\n".join([
            _("Everything is kept in one encrypted vault; nothing you type is written to disk "
              "in plain text. Locking (Ctrl+L, after idle minutes, when the computer sleeps "
              "or the screen locks) closes the vault and forgets the key."),
            _("Names, parents' names, documents and contacts are an identity kept apart from "
              "the case. When a testimony is finalised in an organisation, the identities it "
              "names are encrypted to the organisation and removed from this computer: "
              "whoever forces you to unlock it can no longer read them."),
            _("What it cannot protect: what is on screen, what you copy elsewhere (copied "
              "text is cleared after a while), and a computer already compromised."),
            _("Destroy keys (Vault menu) makes this vault unopenable on this computer.")]))
        box.exec()
    # -- navigation ---------------------------------------------------------------

    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
            return
        if self.stack.currentWidget() is self.editor and self.editor.dirty:
            self.leave_editor(lambda: self._show_page(row), self._keep_editor)
            return
        self.stack.setCurrentIndex(row)
        if row < len(PAGES) and PAGES[row] == "activity":
            self.activity.reload()

    def _keep_editor(self) -> None:
        """Cancelled: the editor stays, and the navigation shows where it came from."""
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(self._list_row)
        self.nav.blockSignals(False)

    def leave_editor(self, then: Any, cancelled: Any = None) -> None:
        """Run `then` once the editor may be left: asked first when it has unsaved
        changes (Save, Discard or Cancel)."""
        editor = self.editor
        if self.stack.currentWidget() is not editor or not editor.dirty:
            then()
            return
        choice = self.ask_unsaved()
        if choice == unsaved_prompt.SAVE:
            editor.save(then)
        elif choice == unsaved_prompt.DISCARD:
            editor.discard_changes()
            then()
        elif cancelled is not None:
            cancelled()

    def ask_unsaved(self) -> str:
        return unsaved_prompt.ask(self)

    def back_from_editor(self) -> None:
        self.leave_editor(self.editor.close_editor)

    def _editor_closed(self) -> None:
        self._back_to(self._list_row)

    def _back_to(self, row: int) -> None:
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(row)
        if PAGES[row] in ("testimony", "incident", "person"):
            (self.testimonies, self.incidents, self.people)[row].table.setFocus()

    def open_incident(self, incident_id: str) -> None:
        def show() -> None:
            self.incident_page.load(incident_id)
            self.stack.setCurrentWidget(self.incident_page)
            self.incident_page.testimonies.setFocus()

        self.leave_editor(show)

    def open_record(self, record_id: str) -> None:
        """Open whatever a record is (a log entry's target): testimony, incident or
        person; others (places, sources, attachments) have no page of their own."""
        def opened(kind: str) -> None:
            {"testimony": self.open_testimony, "incident": self.open_incident,
             "person": self.open_person}.get(kind, lambda _i: None)(record_id)

        self.worker.with_session(lambda s: s.record(record_id).kind, opened,
                                 lambda _e: None)

    def open_person(self, person_id: str) -> None:
        def show() -> None:
            self.person_page.load(person_id)
            self.stack.setCurrentWidget(self.person_page)

        self.leave_editor(show)

    def _hide_coordinator_pages(self, hide: bool) -> None:
        for row, name in enumerate(PAGES):
            item = self.nav.item(row)
            if name in COORDINATOR_PAGES and item is not None:
                item.setHidden(hide)

    def refresh(self) -> None:
        """Reload lists and pickers after unlock or a change."""
        for page in (self.testimonies, self.incidents, self.people):
            page.apply_filter()
        language = i18n.language()

        def job(s: Any) -> tuple[Any, ...]:
            persons = [(p.id, p.label(language)) for p in s.person_summaries(None, language)]
            organisation = s.organisation()
            return (s.labels("place", language), persons, s.settings(),
                    organisation is not None and organisation.role == "coordinator")

        self.worker.with_session(job, self._choices)

    def _choices(self, result: tuple[Any, ...]) -> None:
        places, persons, settings, coordinator = result
        self.settings = settings
        fmt.set_clock(settings.get("clock", "locale"))
        self.editor.time.setDisplayFormat(fmt.time_format())  # the Settings choice, at once
        self._hide_coordinator_pages(not coordinator)
        for page in (self.testimonies, self.incidents):
            page.set_places(places)
        self.editor.set_choices(places, persons)

    def _remember_list(self) -> None:
        row = self.nav.currentRow()
        if 0 <= row < 3:
            self._list_row = row

    def new_testimony(self) -> None:
        def show() -> None:
            self._remember_list()
            self.editor.new(self.settings)
            self.stack.setCurrentWidget(self.editor)
            self.editor.title.setFocus()

        self.leave_editor(show)

    def open_testimony(self, testimony_id: str, incident_id: str = "") -> None:
        """Open a testimony in the editor (on one of its incidents, if given); unsaved
        changes kept for it are offered back at once."""
        def job(s: Any) -> tuple[dict[str, Any], Any]:
            kept = [d for d in s.drafts() if d.record_id == testimony_id]
            return s.testimony_document(testimony_id), (kept[-1] if kept else None)

        def opened(result: tuple[dict[str, Any], Any]) -> None:
            document, draft = result
            self._remember_list()
            self.editor.load(document, exists=True)
            self.stack.setCurrentWidget(self.editor)
            if draft is not None:
                self.editor.offer_draft(draft)
            if incident_id and self.editor.incidents.select_incident(incident_id):
                self.editor.tabs.setCurrentWidget(self.editor.incidents)

        self.leave_editor(lambda: self.worker.with_session(job, opened, self._error))

    def offer_drafts(self, drafts: list[Draft]) -> None:
        """After a crash: unsaved work found in the vault is offered back (a banner,
        not a modal box: the person may want to look around first)."""
        self._drafts = list(drafts)
        if not drafts:
            self.banner.setVisible(False)
            return
        draft = drafts[-1]
        self.banner_text.setText(
            _("A testimony you were editing was not saved (last kept {when}). "
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
        self.editor.restore(draft)
        self.stack.setCurrentWidget(self.editor)

    # -- where the person was, across a lock ------------------------------------------

    def resume_state(self) -> dict[str, Any]:
        """Ids and positions only (no content): what to reopen after unlocking."""
        state: dict[str, Any] = {"row": max(self.nav.currentRow(), 0)}
        current = self.stack.currentWidget()
        if current is self.editor and self.editor.testimony_id:
            state.update(editor=True, testimony=self.editor.testimony_id,
                         exists=self.editor._exists, dirty=self.editor.dirty,
                         draft=self.editor.draft_id, tab=self.editor.tabs.currentIndex(),
                         amend=self.editor._amend_reason)
        elif current is self.incident_page and self.incident_page.incident_id:
            state["incident"] = self.incident_page.incident_id
        elif current is self.person_page and self.person_page.person_id:
            state["person"] = self.person_page.person_id
        return state

    def resume(self, state: dict[str, Any], drafts: list[Draft]) -> list[Draft]:
        """Back where the person was before the lock: the editor with the draft it
        kept (and a word that it did), or the page. Returns the drafts left to offer."""
        self._back_to(int(state.get("row", 0)))
        if state.get("incident"):
            self.open_incident(state["incident"])
        elif state.get("person"):
            self.open_person(state["person"])
        if not state.get("editor"):
            return drafts
        kept = next((d for d in drafts if d.id == state.get("draft")), None)
        rest = [d for d in drafts if d is not kept]
        if kept is not None:
            self._remember_list()
            self.editor.restore(kept)
            if state.get("amend"):
                self.editor.begin_amendment(state["amend"])
            self.stack.setCurrentWidget(self.editor)
            self.editor.tabs.setCurrentIndex(int(state.get("tab", 0)))
            self.editor.notify(_("The vault was locked while you were editing. Your unsaved "
                                 "changes were kept and are restored here; save to keep "
                                 "them."), error=False)
        elif state.get("exists"):
            tab = int(state.get("tab", 0))
            self.open_testimony(state["testimony"])
            self.worker.run(lambda _j: None,
                            lambda _r: self.editor.tabs.setCurrentIndex(tab))
        return rest

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
        self.autosave_label.setText(_("Last autosave: {time}").format(
            time=i18n.isolate(fmt.time_of(at))))

    def _error(self, error: BaseException) -> None:
        self.statusBar().showMessage(str(error), 15_000)

    def open_settings(self) -> None:
        language = i18n.language()
        self.worker.with_session(lambda s: (s.settings(), s.labels("place", language),
                                            s.kdf_params()), self._settings_dialog)

    def _settings_dialog(self, result: tuple[dict[str, str], list[tuple[str, str]], Any]) -> None:
        settings, places, params = result
        label = strength_in_words(params.memory_kib, params.iterations)
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
        self.backup.clear()
        self.autosave_label.clear()

    def _open_vault(self) -> None:
        self.leave_editor(self.open_vault_requested.emit)

    def _close_vault(self) -> None:
        self.leave_editor(self.lock_requested.emit)

    def change_passphrase(self) -> None:
        from testimony_app.gui.passphrase_dialog import PassphraseDialog

        dialog = PassphraseDialog(self)
        if not dialog.exec():
            return
        new = dialog.new_passphrase()

        def done(_result: object) -> None:
            self.statusBar().showMessage(_("The passphrase was changed."), 15_000)

        self.worker.with_session(lambda s: s.change_passphrase(new), done, self._error)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.stack.currentWidget() is self.editor and self.editor.dirty \
                and not getattr(self, "_closing", False):
            event.ignore()

            def close_now() -> None:
                self._closing = True
                self.close()

            self.leave_editor(close_now)
            return
        if self.editor.dirty:
            self.editor.autosave()
        super().closeEvent(event)
        self.quit_requested.emit()


def apply_direction(widget: QWidget) -> None:
    widget.setLayoutDirection(Qt.LayoutDirection.RightToLeft if i18n.is_rtl_language()
                              else Qt.LayoutDirection.LeftToRight)
