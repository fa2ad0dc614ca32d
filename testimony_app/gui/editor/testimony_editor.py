"""Edit one testimony: interview, witness (identity marked protected), consent,
narrative, assessment, incidents, attachments and history.

The editor composes an interchange document (docs/FORMAT.md) and hands it to
core to validate and save; it never touches SQL. Every change schedules an
autosave of the whole form state into the vault (a draft) within five seconds;
focus changes and closing save it at once.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.core.common.errors import TestimonyError, ValidationFailed
from testimony_app.core.common.ids import RecordId
from testimony_app.core.records.attachment import Attachment
from testimony_app.core.records.store import Revision
from testimony_app.core.records.words import word
from testimony_app.gui import fmt
from testimony_app.gui.activity_text import field_names, who
from testimony_app.gui.editor.attachments_panel import AttachmentsPanel
from testimony_app.gui.editor.incidents_panel import IncidentsPanel
from testimony_app.gui.editor.narrative_tags import NarrativeTagger, merged_tags, people_of
from testimony_app.gui.widgets.audio_player import clock
from testimony_app.gui.widgets.bidi import follow_text_direction, set_document_auto_direction
from testimony_app.gui.widgets.date_edit import DateWithPrecisionEdit
from testimony_app.gui.widgets.identity_box import IdentityBox, put_or_drop
from testimony_app.gui.widgets.place_picker import PlacePicker
from testimony_app.gui.widgets.provenance_panel import ProvenancePanel
from testimony_app.gui.widgets.recorder import Recorder
from testimony_app.gui.widgets.time_edit import ClockTimeEdit
from testimony_app.gui.widgets.vocab_combo import select, vocab_combo
from testimony_app.gui.worker import VaultWorker
from testimony_app.i18n import N_, _, ngettext

AUTOSAVE_MS = 5000
INTERVIEW_LANGUAGES = ["ar", "en", "ku", "tr", "fr"]


def _combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for label, data in items:
        combo.addItem(label, data)
    return combo


_FIELD_LABELS = [
    ("$.testimonies[0].interview.date", N_("Interview date")),
    ("$.testimonies[0].interview.place", N_("Interview place")),
    ("$.testimonies[0].interview", N_("Interview")),
    ("$.testimonies[0].consent", N_("Consent")),
    ("$.testimonies[0].narrative", N_("Narrative")),
    ("$.testimonies[0].summary", N_("Summary")),
    ("$.testimonies[0]", N_("Testimony")),
    ("$.persons", N_("Witness")),
    ("$.places", N_("Place")),
    ("$.incidents", N_("Incidents")),
]


def field_label(path: str) -> str:
    """A JSON path from core's validation, in the words of the form."""
    for prefix, label in _FIELD_LABELS:
        if path.startswith(prefix):
            if prefix == "$.incidents" and path[len(prefix):].startswith("["):
                number = path[len(prefix) + 1:].split("]", 1)[0]
                if number.isdigit():
                    return _("Incident {n}").format(n=i18n.number(int(number) + 1))
            return _(label)
    return path


# A revision's changed fields in the words of the form; an id says nothing to a reader.
_CHANGED = {"title": N_("Title"), "summary": N_("Summary"), "narrative": N_("Narrative"),
            "consent": N_("Consent"), "interview": N_("Interview"), "status": N_("Status"),
            "witness": N_("Witness"), "incidents": N_("Incidents"),
            "assessment": N_("Assessment"), "source": N_("Source"),
            "attachments": N_("Attachments"), "language": N_("Language")}


def changed_fields(changed: list[str]) -> str:
    return i18n.join(_(_CHANGED[f]) if f in _CHANGED else i18n.isolate(f)
                     for f in changed if f != "id")


def missing_field_label(field: str) -> str:
    return {"consent.recorded_by": _("who recorded the consent"),
            "interview.date": _("the interview date"),
            "incidents": _("at least one incident, or the reason there is none")}.get(field, field)


class TestimonyEditor(QWidget):
    saved = Signal(str)
    autosaved = Signal(str)
    closed = Signal()
    # The finalise dialog, before it is shown: further checks add sections to it.
    finalise_opened = Signal(object)

    def __init__(self, worker: VaultWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._base: dict[str, Any] = {}
        self._witness_base: dict[str, Any] = {}
        self._exists = False
        self.draft_id = str(uuid.uuid4())
        self.dirty = False
        self._loading = False
        self._amend_reason: str | None = None
        self._after_save: list[Any] = []  # run once the next save succeeds
        self._offered: Any = None  # a kept draft offered back for this testimony
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self.autosave)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._scroll(self._build_interview()), _("Interview and witness"))
        self.tabs.addTab(self._build_account(), _("Account"))
        self.incidents = IncidentsPanel()
        self.incidents.set_person_chooser(self._choose_victim)
        self.tabs.addTab(self.incidents, _("Incidents"))
        self.attachments = AttachmentsPanel(worker)
        self.attachments.need_saved_record.connect(self.save_now_blocking)
        self.tabs.addTab(self.attachments, _("Attachments"))
        self.history = QListWidget()
        self.history.setAccessibleName(_("Revision history"))
        self.tabs.addTab(self.history, _("History"))
        self.provenance = ProvenancePanel(worker)  # read-only: where it came from
        self.tabs.addTab(self.provenance, _("Provenance"))

        self.heading = QLabel()
        self.state = QLabel()
        self.save_button = QPushButton(_("Save"))
        self.save_button.setToolTip(_("Save (Ctrl+S)"))
        self.save_button.clicked.connect(lambda: self.save())  # not with `checked`
        self.finalise_button = QPushButton(_("Finalise…"))
        self.finalise_button.clicked.connect(self.finalise_or_amend)
        back = QPushButton(_("Back to the list"))
        back.clicked.connect(self.close_editor)
        self.back_button = back
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.heading, 1)
        top.addWidget(self.state)
        top.addWidget(self.save_button)
        top.addWidget(self.finalise_button)
        self.untagged_dialog: Any = None  # asks about names without a tag before finalising
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setVisible(False)
        self.notice.setAccessibleName(_("Message"))
        # A kept draft of this testimony, offered back as soon as it is opened.
        self.draft_bar = QWidget()
        self.draft_bar.setStyleSheet("background: #fff4ce;")
        self.draft_text = QLabel()
        self.draft_text.setWordWrap(True)
        self.restore_button = QPushButton(_("Restore the unsaved changes"))
        self.restore_button.clicked.connect(self.restore_offered)
        self.drop_button = QPushButton(_("Discard them"))
        self.drop_button.clicked.connect(self.discard_offered)
        draft_row = QHBoxLayout(self.draft_bar)
        draft_row.addWidget(self.draft_text, 1)
        draft_row.addWidget(self.restore_button)
        draft_row.addWidget(self.drop_button)
        self.draft_bar.setVisible(False)
        # Above the tabs: recording goes on while the researcher types in any of them.
        self.recorder = Recorder(worker)
        self.recorder.need_saved_record.connect(self.save_now_blocking)
        self.recorder.finished.connect(self._recording_saved)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.recorder)
        layout.addWidget(self.draft_bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        self.incidents.changed.connect(self.mark_dirty)
        self.attachments.changed.connect(self._reload_history)

    # -- building ---------------------------------------------------------------

    @staticmethod
    def _scroll(widget: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(widget)
        return area

    def _watch(self, *widgets: QWidget) -> None:
        for w in widgets:
            for signal in ("changed", "textChanged", "currentIndexChanged", "valueChanged",
                           "toggled", "timeChanged"):
                if hasattr(w, signal):
                    getattr(w, signal).connect(self.mark_dirty)
                    break

    def _build_interview(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        interview = QGroupBox(_("Interview"))
        form = QFormLayout(interview)
        self.title = QLineEdit()
        self.title.setAccessibleName(_("Title"))
        self.title.setPlaceholderText(_("A short label for lists; no names"))
        follow_text_direction(self.title)
        self.date = DateWithPrecisionEdit()
        self.date.setAccessibleName(_("Interview date"))
        self.has_time = QCheckBox(_("Time known"))
        self.time = ClockTimeEdit(QTime(12, 0))  # "0930" is 09:30 in any clock
        self.time.setAccessibleName(_("Interview time"))
        time_row = QHBoxLayout()
        time_row.addWidget(self.has_time)
        time_row.addWidget(self.time)
        time_row.addStretch(1)
        self.place = PlacePicker()
        self.place.setAccessibleName(_("Interview place"))
        self.language = _combo(_("Interview language"),
                               [(_("Arabic"), "ar"), (_("English"), "en"), (_("Kurdish"), "ku"),
                                (_("Turkish"), "tr"), (_("French"), "fr")])
        self.mode = _combo(_("Interview mode"),
                           [(_("In person"), "in_person"), (_("By phone"), "phone"),
                            (_("Remote (video or messaging)"), "remote"),
                            (_("Written statement"), "written")])
        self.interviewer = QLineEdit()
        self.interviewer.setAccessibleName(_("Interviewer"))
        form.addRow(_("Title"), self.title)
        form.addRow(_("Date"), self.date)
        form.addRow(_("Time"), time_row)
        form.addRow(_("Place"), self.place)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Mode"), self.mode)
        form.addRow(_("Interviewer"), self.interviewer)
        layout.addWidget(interview)

        witness = QGroupBox(_("Witness"))
        wform = QFormLayout(witness)
        self.has_witness = QCheckBox(_("Record who the witness is"))
        self.sex = _combo(_("Sex"), [(_("unknown"), "unknown"), (_("female"), "female"),
                                     (_("male"), "male")])
        self.age = QSpinBox()
        self.age.setRange(0, 130)
        self.age.setSpecialValueText(_("unknown"))
        self.age.setAccessibleName(_("Age"))
        self.occupation = vocab_combo("occupation", _("Occupation"), _("not recorded"))
        self.choose_witness = QPushButton(_("Choose an existing person…"))
        self.choose_witness.setAccessibleName(_("Choose the witness among known people"))
        self.choose_witness.clicked.connect(self._choose_witness)
        witness_row = QHBoxLayout()
        witness_row.addWidget(self.has_witness)
        witness_row.addStretch(1)
        witness_row.addWidget(self.choose_witness)
        wform.addRow(witness_row)
        wform.addRow(_("Sex"), self.sex)
        wform.addRow(_("Age"), self.age)
        wform.addRow(_("Occupation"), self.occupation)
        protected = IdentityBox(
            _("Protected: these fields identify the witness"),
            _("Sealed: this identity was encrypted to the organisation when the testimony "
              "was finalised; this computer can no longer read it."))
        self.protected = protected
        # The fields by their own names: the form's dirty watch, clear() and the tests.
        self.name, self.father, self.mother = protected.name, protected.father, protected.mother
        self.id_numbers, self.contact = protected.id_numbers, protected.contact
        self.birth_date, self.public = protected.birth_date, protected.public
        wform.addRow(protected)
        layout.addWidget(witness)

        consent = QGroupBox(_("Consent"))
        cform = QFormLayout(consent)
        self.scope = vocab_combo("consent_scope", _("Consent scope"))
        self.recorded_by = QLineEdit()
        self.recorded_by.setAccessibleName(_("Consent recorded by"))
        self.restrictions = QLineEdit()
        self.restrictions.setAccessibleName(_("Restrictions"))
        follow_text_direction(self.restrictions)
        cform.addRow(_("Scope"), self.scope)
        cform.addRow(_("Recorded by"), self.recorded_by)
        cform.addRow(_("Restrictions"), self.restrictions)
        layout.addWidget(consent)

        assessment = QGroupBox(_("Assessment"))
        aform = QFormLayout(assessment)
        self.reliability = _combo(_("Source reliability"), [(_("not assessed"), None)] + [
            (letter, letter) for letter in "ABCDEF"])
        self.credibility = _combo(_("Information credibility"), [(_("not assessed"), None)] + [
            (fmt.number(n), n) for n in range(1, 7)])
        aform.addRow(_("Source reliability (A–F)"), self.reliability)
        aform.addRow(_("Information credibility (1–6)"), self.credibility)
        layout.addWidget(assessment)
        layout.addStretch(1)
        self._watch(self.title, self.date, self.has_time, self.time, self.place, self.language,
                    self.mode, self.interviewer, self.has_witness, self.sex, self.age,
                    self.occupation, self.name, self.father, self.mother, self.id_numbers,
                    self.contact, self.birth_date, self.public, self.scope,
                    self.recorded_by, self.restrictions, self.reliability, self.credibility)
        self.language.currentIndexChanged.connect(
            lambda _i: self.incidents.set_language(self.language.currentData()))
        return page

    def _build_account(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.narrative = QPlainTextEdit()
        self.narrative.setAccessibleName(_("Narrative"))
        self.narrative.setPlaceholderText(_("The account, in the witness's words."))
        self.summary = QPlainTextEdit()
        self.summary.setAccessibleName(_("Summary"))
        self.summary.setMaximumHeight(120)
        for edit in (self.narrative, self.summary):
            set_document_auto_direction(edit)
        # Names tagged to persons (sealed on finalise) and suggested ones.
        self.narrative_tags = NarrativeTagger(self.narrative, "narrative")
        self.summary_tags = NarrativeTagger(self.summary, "summary")
        for tagger in (self.narrative_tags, self.summary_tags):
            tagger.changed.connect(self.mark_dirty)
            tagger.person_chooser = self._choose_tagged
        self.name.textChanged.connect(lambda _t: self._refresh_people())
        self.has_witness.toggled.connect(lambda _on: self._refresh_people())
        layout.addWidget(QLabel(_("Narrative")))
        layout.addWidget(self.narrative, 1)
        layout.addWidget(self.narrative_tags.hint)
        layout.addWidget(QLabel(_("Summary")))
        layout.addWidget(self.summary)
        self._watch(self.narrative, self.summary)
        return page

    # -- state ------------------------------------------------------------------

    def set_choices(self, places: list[tuple[str, str]], persons: list[tuple[str, str]]) -> None:
        loading, self._loading = self._loading, True
        try:
            self.place.set_places(places)
            self.incidents.set_choices(places, persons)
        finally:
            self._loading = loading
        self._person_labels = dict(persons)
        self._refresh_people()

    def _known_persons(self, result: tuple[list[Any], Any]) -> None:
        self._known, self._matcher = result
        self._refresh_people()

    def _refresh_people(self) -> None:
        """Who names in the narrative can be tagged to, and whose names are suggested:
        the people this vault can read, and the witness as typed in the form."""
        from testimony_app.core.records.narrative_tags import KnownPerson

        witness_id = str(self._witness_base.get("id") or getattr(self, "_witness_id", ""))
        people = [p for p in getattr(self, "_known", []) if p.id != witness_id]
        labels = dict(getattr(self, "_person_labels", {}))
        if self.has_witness.isChecked():
            name = self.name.text().strip()
            people.insert(0, KnownPerson(witness_id, labels.get(witness_id, ""),
                                         (name,) if name else ()))
            labels[witness_id] = _("The witness") + (
                f" ({labels[witness_id]})" if witness_id in labels else "")
        prefer = {*getattr(self, "_prefer", set()), witness_id}
        for tagger in (self.narrative_tags, self.summary_tags):
            tagger.set_people(people, labels, prefer, getattr(self, "_matcher", None))

    def new(self, defaults: dict[str, str] | None = None) -> None:
        defaults = defaults or {}
        today = QDate.currentDate().toString("yyyy-MM-dd")  # interviews are written up the day
        testimony: dict[str, Any] = {
            "id": str(uuid.uuid4()), "status": "draft", "consent": {"scope": "internal"},
            "interview": {"language": defaults.get("default_language", "ar"),
                          "mode": "in_person",
                          "date": {"precision": "day", "value": today}}}
        if defaults.get("default_place"):
            testimony["interview"]["place"] = defaults["default_place"]
        self.load({"format": "testimony/1", "testimonies": [testimony]}, exists=False)

    def load(self, document: dict[str, Any], exists: bool = True,
             draft_id: str | None = None) -> None:
        self._loading = True
        testimony = copy.deepcopy(document["testimonies"][0])
        persons = {p["id"]: p for p in document.get("persons", [])}
        self._base = testimony
        self._exists = exists
        self.draft_id = draft_id or str(uuid.uuid4())
        interview = testimony.get("interview", {})
        language = interview.get("language", "ar")
        self.title.setText(testimony.get("title", ""))
        self.date.set_value(interview.get("date"))
        self.has_time.setChecked("time" in interview)
        self.time.setTime(QTime.fromString(interview.get("time", "12:00"), "HH:mm"))
        self.place.set_place_id(interview.get("place"))
        select(self.language, language)
        select(self.mode, interview.get("mode", "in_person"))
        self.interviewer.setText(interview.get("interviewer", ""))
        witness = persons.get(testimony.get("witness", ""), {})
        self._load_witness(witness, language)
        consent = testimony.get("consent", {})
        select(self.scope, consent.get("scope", "internal"))
        self.recorded_by.setText(consent.get("recorded_by", ""))
        self.restrictions.setText(consent.get("restrictions", ""))
        assessment = testimony.get("assessment", {})
        select(self.reliability, assessment.get("reliability"))
        select(self.credibility, assessment.get("credibility"))
        self.narrative.setPlainText(testimony.get("narrative", {}).get(language, ""))
        self.summary.setPlainText(testimony.get("summary", {}).get(language, ""))
        for tagger in (self.narrative_tags, self.summary_tags):
            tagger.load(testimony.get("tags", []), language,
                        testimony.get(tagger.field, {}).get(language, ""))
        self._prefer = people_of(document)
        self._refresh_people()
        self.worker.with_session(_known_and_matcher, self._known_persons)
        # Wholly sealed on finalise (organisation setting): a stub nobody here can open.
        stub = "sealed" in testimony
        self.tabs.setEnabled(not stub)
        self.save_button.setEnabled(not stub)
        self.finalise_button.setEnabled(not stub)
        self.incidents.set_language(language)
        self.incidents.load(document.get("incidents", []),
                            testimony.get("no_incident_reason", ""))
        self.attachments.load(testimony["id"] if exists else None)
        self.recorder.set_record(testimony["id"] if exists else None)
        self._loading = False
        self.dirty = False
        self._amend_reason = None
        self.draft_bar.setVisible(False)
        self._offered = None
        self._apply_mode()
        self._update_heading()
        self._reload_history()
        sealed_text = _("This testimony was sealed to the organisation when it was finalised; "
                        "it can no longer be opened or changed on this computer.")
        if stub:
            self.notify(sealed_text, error=False)
        elif self.notice.text() == sealed_text:
            self.notify("")

    def _load_witness(self, witness: dict[str, Any], language: str) -> None:
        """Show `witness` (a person record, identity included where readable)."""
        self._witness_base = copy.deepcopy(witness)
        self.has_witness.setChecked(bool(witness))
        select(self.sex, witness.get("sex", "unknown"))
        self.age.setValue(int(witness.get("age", 0)))
        select(self.occupation, witness.get("occupation"))
        self.protected.load(witness, language)
        self._witness_id = str(witness.get("id") or uuid.uuid4())

    @property
    def testimony_id(self) -> RecordId:
        return RecordId(str(self._base.get("id", "")))

    def _update_heading(self) -> None:
        if self._amend_reason is not None:
            status = _("finalised, being amended")
        elif self.finalised:
            status = _("finalised, read-only")
        else:
            status = _("draft")
        self.heading.setText(_("Testimony ({status})").format(status=status))

    def mark_dirty(self, *_args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self.state.setText(_("Unsaved changes"))
        if not self._autosave.isActive():
            self._autosave.start()

    def document(self) -> dict[str, Any]:
        """The form as an interchange document: testimony, witness, incidents, new places."""
        language = self.language.currentData()
        t = copy.deepcopy(self._base)
        interview: dict[str, Any] = {"language": language, "mode": self.mode.currentData()}
        date = self.date.value()
        if date:
            interview["date"] = date
        if self.has_time.isChecked():
            interview["time"] = self.time.time().toString("HH:mm")
        new_places = []
        place = self.place.place_id()
        if place is None:
            created = self.place.new_place(language)
            if created:
                new_places.append(created)
                place = created["id"]
        if place:
            interview["place"] = place
        if self.interviewer.text().strip():
            interview["interviewer"] = self.interviewer.text().strip()
        t["interview"] = interview
        put_or_drop(t, "title", self.title.text().strip())
        consent = {"scope": self.scope.currentData()}
        put_or_drop(consent, "recorded_by", self.recorded_by.text().strip())
        put_or_drop(consent, "restrictions", self.restrictions.text().strip())
        t["consent"] = consent
        for key, edit in (("narrative", self.narrative), ("summary", self.summary)):
            texts = {k: v for k, v in t.get(key, {}).items() if k != language}
            if edit.toPlainText().strip():
                texts[language] = edit.toPlainText()
            put_or_drop(t, key, texts)
        put_or_drop(t, "tags", merged_tags(self._base.get("tags", []), language,
                                           (self.narrative_tags, self.summary_tags)))
        assessment = {k: v for k, v in (("reliability", self.reliability.currentData()),
                                        ("credibility", self.credibility.currentData())) if v}
        put_or_drop(t, "assessment", assessment)
        persons = []
        if self.has_witness.isChecked():
            person = self._witness()
            persons.append(person)
            t["witness"] = person["id"]
        else:
            t.pop("witness", None)
        incidents, incident_places, reason = self.incidents.value(t["id"])
        put_or_drop(t, "no_incident_reason", reason)
        document: dict[str, Any] = {"format": "testimony/1"}
        if new_places or incident_places:
            document["places"] = new_places + incident_places
        if persons:
            document["persons"] = persons
        document["testimonies"] = [t]
        if incidents:
            document["incidents"] = incidents
        return document

    def _witness(self) -> dict[str, Any]:
        language = self.language.currentData()
        person = copy.deepcopy(self._witness_base) or {"id": self._witness_id}
        person["sex"] = self.sex.currentData()
        if self.age.value():
            person["age"] = self.age.value()
        else:
            person.pop("age", None)
        if self.occupation.currentData():
            person["occupation"] = self.occupation.currentData()
        else:
            person.pop("occupation", None)
        identity = self.protected.identity(copy.deepcopy(person.get("identity", {})), language)
        if identity is not None:
            person["identity"] = identity
        else:
            person.pop("identity", None)
        return person

    # -- saving -----------------------------------------------------------------

    def autosave(self) -> None:
        """Write the form state as a draft into the vault (not yet a revision)."""
        self._autosave.stop()
        if not self.dirty or not self.testimony_id:
            return
        state = {"document": self.document(), "exists": self._exists}
        draft_id, record_id = self.draft_id, self.testimony_id

        def done(at: str) -> None:
            self.state.setText(_("Draft kept {time}").format(time=fmt.time_of(at)))
            self.autosaved.emit(at)

        self.worker.with_session(lambda s: s.save_draft(draft_id, record_id, "testimony", state),
                                 done)

    def save(self, then: Any = None) -> None:
        """Save the form as a new revision (an amendment, with its reason, when a
        finalised testimony is being amended); `then()` runs once it is saved."""
        self._autosave.stop()
        problems = self.incidents.problems()
        if problems:
            self.notify(_("Cannot save yet:") + "\n" + "\n".join(problems))
            self._after_save.clear()
            return
        if then is not None:
            self._after_save.append(then)
        document = self.document()
        draft_id, tid, reason = self.draft_id, self.testimony_id, self._amend_reason

        def job(session: Any) -> dict[str, Any]:
            if reason is not None:
                session.amend(document, reason)
                session.discard_draft(draft_id)
                return dict(session.testimony_document(tid))
            session.add_document(document)
            session.discard_draft(draft_id)
            if (document["testimonies"][0].get("status") == "finalised"
                    and not session.finalise_problems(tid)):
                session.finalise(tid)  # names tagged since are sealed too
            return dict(session.testimony_document(tid))

        self.worker.with_session(job, self._saved, self._save_failed)

    def save_now_blocking(self) -> None:
        """Save before an attachment can be added (it needs the record to exist)."""
        if not self._exists:
            self.save()

    def _saved(self, document: dict[str, Any]) -> None:
        amended = self._amend_reason is not None
        self.load(document, exists=True)
        self.notify(_("Amendment saved with its reason.") if amended else "", error=False)
        self.state.setText(_("Saved"))
        self.saved.emit(self.testimony_id)
        then, self._after_save = self._after_save, []
        for callback in then:
            callback()

    def _save_failed(self, error: BaseException) -> None:
        self._after_save.clear()
        if isinstance(error, ValidationFailed):
            lines = [f"{field_label(path)}: {reason}" for path, reason in error.problems[:20]]
            self.notify(_("Not saved yet. Please check:") + "\n" + "\n".join(lines))
        elif isinstance(error, TestimonyError):
            self.notify(str(error))
        else:
            self.notify(_("Unexpected error ({type}).").format(type=type(error).__name__))

    def discard_changes(self) -> None:
        """Forget the unsaved edits and their kept draft (the saved version stays)."""
        self._autosave.stop()
        draft_id = self.draft_id
        self.worker.with_session(lambda s: s.discard_draft(draft_id))
        self.dirty = False
        self.state.setText("")

    # -- finalising and amending ---------------------------------------------------

    @property
    def finalised(self) -> bool:
        return self._base.get("status") == "finalised"

    @property
    def read_only(self) -> bool:
        return self.finalised and self._amend_reason is None

    def _apply_mode(self) -> None:
        """A finalised testimony is read-only until "Amend…"; the form says which."""
        read_only = self.read_only
        area = self.tabs.widget(0)
        if isinstance(area, QScrollArea) and (form := area.widget()) is not None:
            form.setEnabled(not read_only)
        for edit in (self.narrative, self.summary):
            edit.setReadOnly(read_only)
        self.incidents.set_read_only(read_only)
        self.choose_witness.setEnabled(not read_only)
        self.save_button.setVisible(not read_only)
        self.finalise_button.setText(_("Amend…") if self.finalised else _("Finalise…"))
        self.finalise_button.setVisible(self._amend_reason is None)

    def finalise_or_amend(self) -> None:
        if self.finalised:
            self.amend()
        else:
            self.finalise()

    def amend(self) -> None:
        """Ask why, then let the finalised testimony be changed; Save records a new
        revision with the reason."""
        from PySide6.QtWidgets import QInputDialog

        reason, ok = QInputDialog.getMultiLineText(
            self, _("Amend a finalised testimony"),
            _("Why is this finalised testimony being changed? The reason is kept in its "
              "history."))
        reason = " ".join(reason.split())
        if not ok or not reason:
            return
        self.begin_amendment(reason)

    def begin_amendment(self, reason: str) -> None:
        self._amend_reason = reason
        self._apply_mode()
        self._update_heading()
        self.notify(_("Amending: {reason}. Save records the change with this reason.").format(
            reason=reason), error=False)

    def finalise(self) -> None:
        """Save, then show what finalising will do (and what is missing) in a dialog;
        finalise only when the person confirms."""
        self._autosave.stop()
        problems = self.incidents.problems()
        if problems:
            self.notify(_("Cannot save yet:") + "\n" + "\n".join(problems))
            return
        document = self.document()
        draft_id, tid = self.draft_id, self.testimony_id

        def job(session: Any) -> tuple[Any, dict[str, Any]]:
            session.add_document(document)
            session.discard_draft(draft_id)
            return session.finalise_preview(tid), dict(session.testimony_document(tid))

        def saved(result: tuple[Any, dict[str, Any]]) -> None:
            preview, saved_document = result
            self.load(saved_document, exists=True)
            self.saved.emit(tid)
            self.state.setText(_("Saved"))
            self._ask_finalise(preview)

        self.worker.with_session(job, saved, self._save_failed)

    def _ask_finalise(self, preview: Any) -> None:
        from testimony_app.gui.editor.finalise_dialog import GO_TO_FIELD, FinaliseDialog

        dialog = FinaliseDialog(preview, self)
        # Embedders add sections through finalise_opened.
        self.finalise_dialog: FinaliseDialog | None = dialog
        self.finalise_opened.emit(dialog)
        result = dialog.exec()
        self.finalise_dialog = None
        if result == GO_TO_FIELD and dialog.go_to:
            self.go_to_field(dialog.go_to)
        elif result == QDialog.DialogCode.Accepted:
            self._finalise_saved()

    def _finalise_saved(self) -> None:
        """Finalise the testimony as saved, once confirmed; words that may be names
        without a tag are asked about first (UntaggedNamesDialog), whose Finalise
        comes back here."""
        tid = self.testimony_id

        def job(session: Any) -> tuple[list[str], int, int, dict[str, Any]]:
            missing = session.finalise_problems(tid)
            untagged = 0 if missing else sum(
                1 for c in session.untagged_names(tid) if not c.dismissed)
            sealed = session.finalise(tid) if not missing and not untagged else 0
            return missing, untagged, sealed, dict(session.testimony_document(tid))

        def done(result: tuple[list[str], int, int, dict[str, Any]]) -> None:
            missing, untagged, sealed, saved = result
            self.load(saved, exists=True)
            if missing:
                self.notify(_("Saved as a draft. To finalise it, add:") + "\n• " +
                            "\n• ".join(missing_field_label(m) for m in missing))
            elif untagged:
                self.notify(_("Saved as a draft. Tag or dismiss the possible names "
                              "without a tag to finalise it."))
                self._ask_untagged(tid)
            else:
                self.state.setText(_("Finalised"))
                self.notify(ngettext("Finalised. {count} identity was sealed.",
                                     "Finalised. {count} identities were sealed.",
                                     sealed).format(
                    count=fmt.number(sealed)) if sealed else _("Finalised."), error=False)
                self.saved.emit(tid)

        self.worker.with_session(job, done, self._save_failed)

    def go_to_field(self, field: str) -> None:
        """Show and focus the field a missing item names."""
        if field == "incidents":
            self.tabs.setCurrentWidget(self.incidents)
            self.incidents.no_incident_reason.setFocus()
            return
        self.tabs.setCurrentIndex(0)
        widget = {"consent.recorded_by": self.recorded_by,
                  "interview.date": self.date}.get(field, self.title)
        area = self.tabs.widget(0)
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(widget)
        widget.setFocus()

    # -- people, found or created inline -------------------------------------------

    def _choose(self, parent: QWidget, title: str,
                first: list[tuple[str, str]] | None = None) -> tuple[str, str] | None:
        from testimony_app.gui.people.person_dialog import choose_person

        chosen = choose_person(self.worker, parent, title, self.language.currentData(), first)
        if chosen is not None:
            labels = dict(getattr(self, "_person_labels", {}))
            labels[chosen[0]] = chosen[1]
            self._person_labels = labels
            self._refresh_people()
            self.worker.with_session(_known_and_matcher, self._known_persons)
        return chosen

    def _choose_victim(self, parent: QWidget) -> tuple[str, str] | None:
        return self._choose(parent, _("Victim: find or create a person"))

    def _choose_tagged(self, parent: QWidget, first: list[tuple[str, str]]
                       ) -> tuple[str, str] | None:
        return self._choose(parent, _("Tag as person"), first)

    def _choose_witness(self) -> None:
        chosen = self._choose(self, _("Witness: find or create a person"))
        if chosen is None:
            return
        language = self.language.currentData()

        def show(view: Any) -> None:
            person = {**view.person}
            if view.identity is not None:
                person["identity"] = view.identity
            self._load_witness(person, language)
            self._refresh_people()
            self.mark_dirty()

        self.worker.with_session(lambda s: s.person_view(chosen[0], language), show,
                                 self._save_failed)

    # -- drafts ----------------------------------------------------------------------

    def offer_draft(self, draft: Any) -> None:
        """Unsaved changes to the testimony just opened were kept: offer them at once."""
        self._offered = draft
        self.draft_text.setText(_("This testimony has unsaved changes, kept {when}. "
                                  "Restore them?").format(when=fmt.timestamp(draft.updated_at)))
        self.draft_bar.setVisible(True)

    def restore_offered(self) -> None:
        draft = self._offered
        if draft is None:
            return
        self.restore(draft)
        self.notify(_("The unsaved changes kept {when} are restored; save to keep them.")
                    .format(when=fmt.timestamp(draft.updated_at)), error=False)

    def restore(self, draft: Any) -> None:
        """Show a kept draft (the form as it was), unsaved."""
        self.load(draft.data["document"], exists=bool(draft.data.get("exists")),
                  draft_id=draft.id)
        self.mark_dirty()

    def discard_offered(self) -> None:
        draft = self._offered
        self.draft_bar.setVisible(False)
        self._offered = None
        if draft is not None:
            self.worker.with_session(lambda s: s.discard_draft(draft.id))

    def _ask_untagged(self, tid: str) -> None:
        from testimony_app.gui.editor.untagged_names_dialog import UntaggedNamesDialog

        dialog = self.untagged_dialog = UntaggedNamesDialog(self.worker, tid, self)
        dialog.accepted.connect(lambda: self._finalise_saved())
        dialog.finished.connect(dialog.deleteLater)
        dialog.start()
        dialog.open()

    def notify(self, text: str, error: bool = True) -> None:
        """An inline message above the form (no modal box to block the person)."""
        self.notice.setStyleSheet("color: #b00020" if error else "color: #1b5e20")
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _reload_history(self) -> None:
        self.history.clear()
        if not self._exists:
            self.provenance.clear()
            return
        tid = self.testimony_id

        def show(result: tuple[list[Revision], list[Attachment]]) -> None:
            revisions, attachments = result
            self.history.clear()
            actions = {"created": _("created"), "updated": _("changed")}
            reasons = {a["at"][:16]: a["reason"] for a in self._base.get("amendments", [])}
            for r in reversed(revisions):
                action = actions.get(r.action) or word("action", r.action)
                reason = reasons.get(r.at[:16]) if "amendments" in r.changed else None
                if reason:
                    action = _("amended ({reason})").format(reason=i18n.isolate(reason))
                # Fields in words; a creation sets them all, so they are not listed.
                fields = "" if r.action == "created" else field_names(r.changed)
                self.history.addItem((_("#{n} · {when} · {who} · {action}: {fields}") if fields
                                      else _("#{n} · {when} · {who} · {action}")).format(
                    n=fmt.number(r.revision), when=i18n.isolate(fmt.timestamp(r.at)),
                    who=i18n.isolate(who(r.author)), action=action,
                    fields=i18n.isolate(fields)))
            for att in attachments:
                rec = att.recording
                if rec is None:
                    continue
                markers = len(rec.get("markers", []))
                text = (ngettext("Recorded {when} · {length} · {count} marker · recovered "
                                 "after an interruption",
                                 "Recorded {when} · {length} · {count} markers · recovered "
                                 "after an interruption", markers)
                        if rec.get("state") == "recovered" else
                        ngettext("Recorded {when} · {length} · {count} marker",
                                 "Recorded {when} · {length} · {count} markers", markers))
                self.history.addItem(text.format(
                    when=i18n.isolate(fmt.timestamp(str(rec.get("started_at", "")))),
                    length=i18n.isolate(clock(int(rec.get("duration_ms", 0)))),
                    count=fmt.number(markers)))

        self.worker.with_session(lambda s: (s.history(tid), s.attachments(tid)), show)
        self.provenance.load(tid)

    def stop_recording(self) -> None:
        """Stop and save a recording in progress (before a lock or leaving the editor)."""
        self.recorder.stop()

    def _recording_saved(self, _att: object) -> None:
        self.attachments.load(self.attachments.record_id)
        self._reload_history()

    def close_editor(self) -> None:
        self.stop_recording()
        if self.dirty:
            self.autosave()
        self.closed.emit()

    def clear(self) -> None:
        """Forget everything shown (on lock); the caller autosaves first."""
        self._autosave.stop()
        self.recorder.clear()
        self._loading = True
        for field in (self.title, self.interviewer, self.name, self.father, self.mother,
                      self.id_numbers, self.contact, self.recorded_by, self.restrictions):
            field.clear()
        # The tags first: cleared after, they would follow the text out of the
        # document and highlight positions that no longer exist.
        self.narrative_tags.clear()
        self.summary_tags.clear()
        self.narrative.clear()
        self.summary.clear()
        self._known, self._person_labels, self._matcher = [], {}, None
        self.date.set_value(None)
        self.birth_date.set_value(None)
        self.incidents.clear()
        self.attachments.clear()
        self.history.clear()
        self.provenance.clear()
        self._base = {}
        self._witness_base = {}
        self._loading = False
        self.dirty = False


def _known_and_matcher(session: Any) -> tuple[list[Any], Any]:
    """In the worker: the people whose names this vault can read, and a matcher over
    them (built there: a vault may know many)."""
    from testimony_app.core.records.narrative_tags import Matcher

    known = session.known_persons()
    return known, Matcher(known)
