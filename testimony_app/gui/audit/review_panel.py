"""Review the redaction of each narrative before it may leave: the list of
testimonies that may be shared, the preview of the selected one per language,
and Approve / Withhold (`session.audit.approve` / `session.audit.withdraw`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from testimony_app.core.audit.redact import ReviewItem
from testimony_app.core.common.ids import RecordId
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import plain_label
from testimony_app.gui.widgets.bidi import set_document_auto_direction
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import _, ngettext

ID_ROLE = Qt.ItemDataRole.UserRole


def language_name(code: str) -> str:
    return {"en": _("English"), "ar": _("Arabic")}.get(code, code)


class ReviewPanel(QWidget):
    """Emits `changed` after an approval or withholding (the counts change)."""

    changed = Signal()

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.auditor = ""
        self.rows: list[ReviewItem] = []
        self.withheld: set[str] = set()
        self.previewed: str | None = None  # the testimony whose preview is shown
        self.loading = False

        self.list = QListWidget()
        self.list.setAccessibleName(_("Testimonies that may be shared"))
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.currentItemChanged.connect(lambda *_a: self._selected())
        self.summary = plain_label()
        self.summary.setAccessibleName(_("Review summary"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Redaction preview"))
        self.state = plain_label()
        self.state.setAccessibleName(_("Review state"))
        self.approve_button = QPushButton(_("Approve this redaction"))
        self.approve_button.setToolTip(_("The narrative will leave exactly as shown."))
        self.withhold_button = QPushButton(_("Withhold"))
        self.withhold_button.setToolTip(_("The narrative stays behind; the export counts it "
                                          "as withheld."))
        self.approve_button.clicked.connect(self.approve)
        self.withhold_button.clicked.connect(self.withhold)
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.withhold_button)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(plain_label(_("Every name this vault knows, in any spelling, "
                                             "is replaced by the person's pseudonym for this "
                                             "auditor. Read it through before approving.")))
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.state)
        right_layout.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([400, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._update_buttons()

    # -- the list ------------------------------------------------------------------

    def load(self, auditor: str) -> None:
        """(Re)load the list for this auditor: pseudonyms, so approvals, are per auditor."""
        self.auditor = auditor
        self.loading = True
        self._update_buttons()
        self.worker.with_session(lambda s: s.audit.candidates(auditor),
                                 self._loaded, self._failed)

    def _loaded(self, rows: list[ReviewItem]) -> None:
        self.loading = False
        current = self.current_id()
        self.rows = rows
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(self._item_text(row))
            item.setToolTip(item.text())
            item.setData(ID_ROLE, row["id"])
            self.list.addItem(item)
        ids = [r["id"] for r in rows]
        if rows:
            self.list.setCurrentRow(ids.index(current) if current in ids else 0)
        self.list.blockSignals(False)
        if rows and current in ids and self.previewed == current:
            selected = self.current_row()  # the same preview: only its state changed
            self.state.setText(_("State: {state}").format(state=self._state_text(selected))
                               if selected else "")
        elif rows:
            self._selected()
        else:
            self._show_preview({})
            self.state.setText(_("No finalised testimony has a consent that lets it be shared."))
        self._update_summary()
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        self.loading = False
        self.state.setText(str(error))
        self._update_buttons()

    def _state_text(self, row: ReviewItem) -> str:
        if not row["has_narrative"]:
            return _("no narrative")
        if row["approved"]:
            return _("approved")
        if row["id"] in self.withheld:
            return _("withheld")
        return _("not reviewed (withheld)")

    def _item_text(self, row: ReviewItem) -> str:
        title = row["title"] or row["id"][:8]
        return _("{date} · {title} — {state}").format(
            date=fmt.date(row["date"]), title=title, state=self._state_text(row))

    def _update_summary(self) -> None:
        with_text = [r for r in self.rows if r["has_narrative"]]
        approved = sum(1 for r in with_text if r["approved"])
        # Two counts, each agreeing with its own words: how many of how many narratives
        # are approved, and how many of them will be withheld.
        rest = len(with_text) - approved
        self.summary.setText(_("{approved}; {withheld}.").format(
            approved=ngettext("{approved} of {total} narrative approved",
                              "{approved} of {total} narratives approved", len(with_text)
                              ).format(approved=fmt.number(approved),
                                       total=fmt.number(len(with_text))),
            withheld=ngettext("the other {count} will be withheld and counted",
                              "the other {count} will be withheld and counted", rest
                              ).format(count=fmt.number(rest))))

    def current_id(self) -> RecordId | None:
        item = self.list.currentItem()
        return None if item is None else RecordId(str(item.data(ID_ROLE)))

    def current_row(self) -> ReviewItem | None:
        current = self.current_id()
        return next((r for r in self.rows if r["id"] == current), None)

    # -- the preview ---------------------------------------------------------------

    def _selected(self) -> None:
        testimony_id, auditor = self.current_id(), self.auditor
        self.previewed = None
        self._update_buttons()
        if testimony_id is None:
            return
        self.state.setText(_("Preparing the preview…"))
        self.worker.with_session(lambda s: s.audit.preview(testimony_id, auditor),
                                 lambda texts: self._previewed(testimony_id, texts),
                                 self._failed)

    def _previewed(self, testimony_id: str, texts: dict[str, str]) -> None:
        if testimony_id != self.current_id():
            return  # another one was chosen meanwhile
        self.previewed = testimony_id
        self._show_preview(texts)
        row = self.current_row()
        self.state.setText(_("State: {state}").format(state=self._state_text(row))
                           if row else "")
        self._update_buttons()

    def _show_preview(self, texts: dict[str, str]) -> None:
        self.tabs.clear()
        for language, text in texts.items():
            view = QPlainTextEdit()
            view.setReadOnly(True)
            view.setPlainText(text)  # plain text: never interpreted
            set_document_auto_direction(view)
            view.setAccessibleName(_("Preview in {language}").format(
                language=language_name(language)))
            self.tabs.addTab(view, language_name(language))
        if not texts:
            self.tabs.addTab(plain_label(_("This testimony has no narrative.")), _("None"))

    def preview_text(self, language: str) -> str:
        for index in range(self.tabs.count()):
            view = self.tabs.widget(index)
            if isinstance(view, QPlainTextEdit) and self.tabs.tabText(index) == \
                    language_name(language):
                return view.toPlainText()
        return ""

    # -- approve / withhold ---------------------------------------------------------

    def approve(self) -> None:
        row, auditor = self.current_row(), self.auditor
        if row is None or self.previewed != row["id"]:
            return
        testimony_id = row["id"]
        self.withheld.discard(testimony_id)
        self.loading = True
        self._update_buttons()
        self.worker.with_session(
            lambda s: s.audit.approve(testimony_id, auditor),
            lambda _r: self._reviewed(), self._failed)

    def withhold(self) -> None:
        row = self.current_row()
        if row is None:
            return
        testimony_id = row["id"]
        self.withheld.add(testimony_id)
        if not row["approved"]:
            self._reviewed()
            return
        self.loading = True
        self._update_buttons()
        self.worker.with_session(lambda s: s.audit.withdraw(testimony_id),
                                 lambda _r: self._reviewed(), self._failed)

    def _reviewed(self) -> None:
        self.changed.emit()
        self.load(self.auditor)

    def _update_buttons(self) -> None:
        row = self.current_row()
        if row is None or self.loading or self.previewed != row["id"] \
                or not row["has_narrative"]:
            self.approve_button.setEnabled(False)
            self.withhold_button.setEnabled(False)
            return
        self.approve_button.setEnabled(not row["approved"])
        self.withhold_button.setEnabled(row["approved"] or row["id"] not in self.withheld)

    def set_enabled(self, enabled: bool) -> None:
        self.list.setEnabled(enabled)
        if not enabled:
            self.approve_button.setEnabled(False)
            self.withhold_button.setEnabled(False)
        else:
            self._update_buttons()
