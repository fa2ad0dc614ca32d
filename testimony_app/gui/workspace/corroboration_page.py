"""Incidents that several testimonies describe: suggestions to confirm or reject, sources counted.

Above, the suggestions, best first, with their reasons and who reported each side;
below, the incidents confirmed as the same event (or reported by several independent
sources), with the number of sources, the suggested verification status and a combo
to accept or change it. Beside them, the provenance of the incident selected. Every
vault call runs on the worker; every text from a record is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError
from testimony_app.core.records import vocab
from testimony_app.core.session import Session
from testimony_app.core.workspace.corroboration import Cluster, IncidentInfo, Suggestion
from testimony_app.gui import fmt
from testimony_app.gui.sync.common import plain_label, read_only_table
from testimony_app.gui.widgets.provenance_panel import ProvenancePanel
from testimony_app.gui.widgets.vocab_combo import select, vocab_combo
from testimony_app.gui.worker import VaultWorker
from testimony_app.gui.workspace.incident_comparison import IncidentComparison
from testimony_app.i18n import _, ngettext

SHOWN = 500  # best suggestions listed; the rest come up as these are decided
CLUSTERS_SHOWN = 2000  # rows built on the GUI thread; `testimony corroborate` lists all


def _error_text(error: BaseException) -> str:
    """A TestimonyError's own words; anything else by its type only (its message may
    hold a value from the vault)."""
    if isinstance(error, TestimonyError):
        return str(error)
    return _("Something went wrong ({code}).").format(code=type(error).__name__)


def _label(vocabulary: str, code: str) -> str:
    return vocab.label(vocabulary, code, i18n.language())


def _date(info: IncidentInfo) -> str:
    """An incident's date as the lists write it (12 Dec 2016), isolated in a line."""
    return i18n.isolate(fmt.date_with_precision(info.date, short=True))


def _side(info: IncidentInfo) -> str:
    return _("{date} · {place} · reported by {who}").format(
        date=_date(info),
        place=i18n.isolate(info.place_label(i18n.language())) or _("no place"),
        who=i18n.isolate(info.researcher_label()))


def _fit_width(table: QTableWidget, stretch: tuple[int, ...]) -> None:
    """No sideways scrolling: the long columns share the width (cut, the whole text in
    the tooltip and, for a pair, side by side beside the table)."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for column in range(table.columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column in stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    for column in range(table.columnCount()):
        item = table.horizontalHeaderItem(column)
        if item is not None:
            item.setToolTip(item.text())  # a header the width cuts, whole


class CorroborationPage(QWidget):
    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.suggestions: list[Suggestion] = []
        self.clusters: list[Cluster] = []
        self.last_decision: tuple[str, str] | None = None
        self._generation = 0  # bumped by reload() and clear(): older answers are dropped
        self._epoch = 0  # bumped by clear() (lock): nothing asked for before is shown
        self._cluster_side = False  # the incidents listed beside come from a group
        self.summary = plain_label()
        self.summary.setAccessibleName(_("Corroboration summary"))
        self.message = plain_label()
        self.message.setAccessibleName(_("Corroboration status"))
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self.reload)

        self.suggestion_table = read_only_table(_("Suggestions"), [
            _("Score"), _("Type"), _("First incident"), _("Second incident"), _("Why")])
        self.suggestion_table.currentCellChanged.connect(lambda *_a: self._selected())
        _fit_width(self.suggestion_table, stretch=(2, 3, 4))
        self.confirm_button = QPushButton(_("Confirm: same event"))
        self.confirm_button.clicked.connect(lambda: self.decide("confirm"))
        self.reject_button = QPushButton(_("Reject: different events"))
        self.reject_button.clicked.connect(lambda: self.decide("reject"))
        self.undo_button = QPushButton(_("Undo last decision"))
        self.undo_button.clicked.connect(self.undo_last)
        buttons = QHBoxLayout()
        for button in (self.confirm_button, self.reject_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        suggestions_box = QGroupBox(_("Suggestions: incidents that may be the same event"))
        # The pair selected, field by field, beside the list: the whole of what the
        # table's columns cut, to decide on.
        self.comparison = IncidentComparison()
        self.comparison_hint = plain_label(_("Choose a suggestion to see its two incidents "
                                             "side by side."))
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.comparison_hint)
        holder_layout.addWidget(self.comparison)
        holder_layout.addStretch(1)
        comparison_area = QScrollArea()
        comparison_area.setWidgetResizable(True)
        comparison_area.setWidget(holder)
        comparison_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        comparison_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.comparison_area = comparison_area
        pair = QSplitter(Qt.Orientation.Horizontal)
        pair.setChildrenCollapsible(False)
        pair.addWidget(self.suggestion_table)
        pair.addWidget(comparison_area)
        # Shares of the width, not of what is left over the table's wish (its columns
        # alone would take it all): the pair keeps two fifths.
        pair.setSizes([3000, 2000])
        box = QVBoxLayout(suggestions_box)
        box.addWidget(pair, 1)
        box.addLayout(buttons)

        self.cluster_table = read_only_table(_("Corroborated incidents"), [
            _("Incidents"), _("Type"), _("Dates"), _("Places"), _("Independent sources"),
            _("Suggested status"), _("Current status"), _("Not counted")])
        self.cluster_table.currentCellChanged.connect(lambda *_a: self._selected(True))
        _fit_width(self.cluster_table, stretch=(1, 2, 3, 5, 6, 7))
        self.status_combo = vocab_combo("verification", _("Verification status"))
        self.accept_button = QPushButton(_("Accept suggested status"))
        self.accept_button.clicked.connect(self.accept_suggested)
        self.set_button = QPushButton(_("Set this status"))
        self.set_button.clicked.connect(
            lambda: self.set_status(str(self.status_combo.currentData())))
        row = QHBoxLayout()
        row.addWidget(self.accept_button)
        row.addWidget(self.status_combo)
        row.addWidget(self.set_button)
        row.addStretch(1)
        # The coordinator's judgement: a source of the selected group that is no
        # independent confirmation (one side's broadcast, a coerced confession).
        self.source_combo = QComboBox()
        self.source_combo.setAccessibleName(_("A source of the selected incidents"))
        self.dependence_combo = vocab_combo("dependence", _("Why it is not independent"))
        self.dependent_button = QPushButton(_("Not independent"))
        self.dependent_button.clicked.connect(lambda: self.mark_dependent())
        self.independent_button = QPushButton(_("Independent again"))
        self.independent_button.clicked.connect(lambda: self.mark_dependent(None))
        self.source_combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
        sources_row = QHBoxLayout()
        sources_row.addWidget(self.source_combo, 1)
        sources_row.addWidget(self.dependence_combo)
        sources_row.addWidget(self.dependent_button)
        sources_row.addWidget(self.independent_button)
        clusters_box = QGroupBox(_("Corroborated incidents: the same event in several sources"))
        box = QVBoxLayout(clusters_box)
        box.addWidget(self.cluster_table, 1)
        box.addLayout(row)
        box.addLayout(sources_row)

        self.incidents = QListWidget()
        self.incidents.setAccessibleName(_("Incidents of the selection"))
        # The whole line, wrapped: the pane is narrow and never scrolls sideways.
        self.incidents.setWordWrap(True)
        self.incidents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.incidents.currentItemChanged.connect(lambda *_a: self._show_provenance())
        self.unlink_button = QPushButton(_("Take this incident out of the group"))
        self.unlink_button.clicked.connect(self.unlink)
        self.provenance = ProvenancePanel(worker)
        detail = QGroupBox(_("Provenance of the selected incident"))
        box = QVBoxLayout(detail)
        box.addWidget(self.incidents)
        box.addWidget(self.unlink_button)
        box.addWidget(self.provenance, 2)

        # Below, the groups beside the provenance of the incident selected; the detail
        # scrolls, the window does not grow.
        detail_area = QScrollArea()
        detail_area.setWidgetResizable(True)
        detail_area.setWidget(detail)
        detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        below = QSplitter(Qt.Orientation.Horizontal)
        below.setChildrenCollapsible(False)
        below.addWidget(clusters_box)
        below.addWidget(detail_area)
        below.setSizes([2000, 1000])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(suggestions_box)
        split.addWidget(below)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Load from the vault (on the worker); called when the page is shown."""
        self._generation += 1
        generation = self._generation

        def done(result: tuple[list[Suggestion], list[Cluster]]) -> None:
            if generation == self._generation:  # not after a lock, nor an older question
                self._show(result)

        self.worker.with_session(
            lambda s: (s.corroboration_suggestions(SHOWN), s.corroboration_clusters()),
            done, self._when_current(self._failed))

    def _when_current(self, fn: Callable[[BaseException], None]
                      ) -> Callable[[BaseException], None]:
        epoch = self._epoch

        def call(error: BaseException) -> None:
            if epoch == self._epoch:
                fn(error)

        return call

    def _failed(self, error: BaseException) -> None:
        self.message.setText(_error_text(error))

    def _show(self, result: tuple[list[Suggestion], list[Cluster]]) -> None:
        self.suggestions, clusters = result
        self.clusters = clusters[:CLUSTERS_SHOWN]
        table = self.suggestion_table
        table.setRowCount(len(self.suggestions))
        for r, s in enumerate(self.suggestions):
            cells = [fmt.locale().toString(s.score, "f", 2), _label("incident_type", s.a.type),
                     _side(s.a), _side(s.b),
                     i18n.join((reason.text(i18n.language()) for reason in s.reasons), ";")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the whole text where the column cuts it
                table.setItem(r, c, item)
        table = self.cluster_table
        table.setRowCount(len(self.clusters))
        for r, cluster in enumerate(self.clusters):
            current = {i.verification for i in cluster.incidents}
            cells = [fmt.number(len(cluster.incidents)),
                     i18n.join(sorted({_label("incident_type", i.type)
                                       for i in cluster.incidents})),
                     i18n.join(dict.fromkeys(_date(i) for i in cluster.incidents)),
                     i18n.join(dict.fromkeys(i.place_label(i18n.language()) or "—"
                                             for i in cluster.incidents)),
                     fmt.number(cluster.sources), _label("verification", cluster.suggested),
                     _label("verification", current.pop()) if len(current) == 1
                     else _("differing"),
                     i18n.join((r.text(i18n.language()) for r in cluster.reasons
                                if r.code == "not_independent"), ";")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                table.setItem(r, c, item)
        # Two counts, two sentences parts: each takes its own plural form.
        summary = _("{suggestions}; {clusters}.").format(
            suggestions=ngettext("{count} suggestion to review",
                                 "{count} suggestions to review", len(self.suggestions)).format(
                count=fmt.number(len(self.suggestions))),
            clusters=ngettext("{count} corroborated incident or group",
                              "{count} corroborated incidents or groups", len(clusters)).format(
                count=fmt.number(len(clusters))))
        if len(clusters) > CLUSTERS_SHOWN:
            summary += " " + ngettext("The best {shown} is listed.", "The best {shown} are listed.",
                                      CLUSTERS_SHOWN).format(shown=fmt.number(CLUSTERS_SHOWN))
        self.summary.setText(summary)
        for table in (self.suggestion_table, self.cluster_table):
            # rows moved: nothing stays selected that could now mean another incident
            table.blockSignals(True)
            table.setCurrentCell(-1, -1)
            table.blockSignals(False)
        self.incidents.clear()
        self.provenance.clear()
        self.comparison.show_pair(None, None)
        self.comparison_hint.setVisible(True)
        self._update_buttons()

    # -- selection -------------------------------------------------------------------

    def selected_suggestion(self) -> Suggestion | None:
        row = self.suggestion_table.currentRow()
        return self.suggestions[row] if 0 <= row < len(self.suggestions) else None

    def selected_cluster(self) -> Cluster | None:
        row = self.cluster_table.currentRow()
        return self.clusters[row] if 0 <= row < len(self.clusters) else None

    def _selected(self, cluster_side: bool = False) -> None:
        """A row was chosen in one table: list its incidents beside them."""
        infos: list[IncidentInfo] = []
        if cluster_side:
            cluster = self.selected_cluster()
            if cluster is not None:
                infos = list(cluster.incidents)
                select(self.status_combo, cluster.suggested)
            self._show_sources(cluster)
        else:
            suggestion = self.selected_suggestion()
            if suggestion is not None:
                infos = [suggestion.a, suggestion.b]
        self._cluster_side = cluster_side
        self.comparison.show_pair(*(infos if len(infos) == 2 and not cluster_side
                                    else (None, None)))
        self.comparison_hint.setVisible(self.comparison.isHidden())
        self.incidents.clear()
        for info in infos:
            item = QListWidgetItem(i18n.join([_label("incident_type", info.type), _side(info)],
                                             "·"))
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.incidents.addItem(item)
        if infos:
            self.incidents.setCurrentRow(0)
        self._update_buttons()

    def _show_sources(self, cluster: Cluster | None) -> None:
        self.source_combo.blockSignals(True)
        self.source_combo.clear()
        for cited in cluster.cited if cluster is not None else ():
            text = cited.name if cited.dependence is None else _(
                "{name} — not independent: {why}").format(
                    name=cited.name, why=_label("dependence", cited.dependence))
            self.source_combo.addItem(text, cited.id)
        self.source_combo.blockSignals(False)

    def mark_dependent(self, reason: object = "") -> None:
        """Mark the chosen source as not independent for the reason chosen (or, with
        None, as independent again)."""
        source = self.source_combo.currentData()
        if not source:
            return
        why = str(self.dependence_combo.currentData()) if reason == "" else None
        self._run(lambda s: s.mark_source(str(source), why),
                  _("Marked as not independent: it no longer counts towards a suggested "
                    "status.") if why else _("Marked as independent again."))

    def _show_provenance(self) -> None:
        item = self.incidents.currentItem()
        self.provenance.load(None if item is None else str(item.data(Qt.ItemDataRole.UserRole)))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_suggestion = self.selected_suggestion() is not None
        cluster = self.selected_cluster()
        self.confirm_button.setEnabled(has_suggestion)
        self.reject_button.setEnabled(has_suggestion)
        self.undo_button.setEnabled(self.last_decision is not None)
        for widget in (self.accept_button, self.status_combo, self.set_button):
            widget.setEnabled(cluster is not None)
        self.accept_button.setEnabled(cluster is not None and not cluster.agreed)
        chosen = self.source_combo.currentData() is not None and cluster is not None
        for widget in (self.source_combo, self.dependence_combo, self.dependent_button,
                       self.independent_button):
            widget.setEnabled(chosen)
        self.unlink_button.setEnabled(
            self._cluster_side and cluster is not None
            and len(cluster.incidents) > 1 and self.incidents.currentItem() is not None)

    # -- actions ---------------------------------------------------------------------

    _KEEP: tuple[str, str] = ("", "")  # _run(): leave "Undo last decision" as it is

    def _run(self, fn: Callable[[Session], object], text: str,
             last: tuple[str, str] | None = _KEEP) -> None:
        """Run an action on the worker; once it succeeded say `text`, set what "Undo
        last decision" takes back to `last` (a pair, or None), and reload."""
        epoch = self._epoch

        def done(_result: object) -> None:
            if epoch == self._epoch:  # the page was not cleared (locked) meanwhile
                if last is not self._KEEP:
                    self.last_decision = last
                self.message.setText(text)
                self.reload()

        self.worker.with_session(fn, done, self._when_current(self._failed))

    def decide(self, how: str) -> None:
        suggestion = self.selected_suggestion()
        if suggestion is None:
            return
        a, b = suggestion.a.id, suggestion.b.id
        if how == "confirm":
            self._run(lambda s: s.confirm_corroboration(a, b),
                      _("Confirmed: the two incidents are the same event."), (a, b))
        else:
            self._run(lambda s: s.reject_corroboration(a, b),
                      _("Rejected: the two incidents are different events."), (a, b))

    def undo_last(self) -> None:
        if self.last_decision is None:
            return
        a, b = self.last_decision
        self.last_decision = None  # taken back once, whatever else is clicked meanwhile
        self._update_buttons()
        self._run(lambda s: s.undo_corroboration(a, b),
                  _("Undone: the two incidents are undecided again."))

    def accept_suggested(self) -> None:
        cluster = self.selected_cluster()
        if cluster is not None:
            self.set_status(cluster.suggested)

    def set_status(self, status: str) -> None:
        cluster = self.selected_cluster()
        if cluster is None:
            return
        first = cluster.ids[0]
        self._run(lambda s: s.set_verification(first, status),
                  _("Verification status set to {status} for the incidents of the group.")
                  .format(status=_label("verification", status)))

    def unlink(self) -> None:
        cluster, item = self.selected_cluster(), self.incidents.currentItem()
        if cluster is None or item is None:
            return
        incident = str(item.data(Qt.ItemDataRole.UserRole))
        links = [(d.a, d.b) for d in cluster.links if incident in (d.a, d.b)]

        def job(s: Session) -> None:
            for a, b in links:
                s.undo_corroboration(a, b)

        self._run(job, _("The incident was taken out of the group; its links were undone."))

    def clear(self) -> None:
        """Forget everything shown (on lock); answers still on their way are dropped."""
        self._generation += 1
        self._epoch += 1
        self.suggestions, self.clusters, self.last_decision = [], [], None
        self._cluster_side = False
        self.suggestion_table.setRowCount(0)
        self.cluster_table.setRowCount(0)
        self.incidents.clear()
        self.comparison.show_pair(None, None)
        self.comparison_hint.setVisible(True)
        self.source_combo.clear()
        self.provenance.clear()
        self.message.clear()
        self.summary.clear()
        self._update_buttons()
