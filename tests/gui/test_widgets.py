"""The reusable input widgets: dates with precision, places, victims, incidents.

Inputs are found by their accessible names, which checks that they have them. Text
is typed as key events carrying the characters (qtbot.keyClicks aborts on Arabic,
docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextBlock
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QCompleter,
    QDateEdit,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTextEdit,
    QWidget,
)
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from testimony_app import i18n
from testimony_app.core.records.interchange import schema
from testimony_app.gui.widgets.bidi import (
    MultilingualText,
    follow_text_direction,
    set_document_auto_direction,
)
from testimony_app.gui.widgets.date_edit import DateWithPrecisionEdit
from testimony_app.gui.widgets.incident_editor import IncidentEditor
from testimony_app.gui.widgets.place_picker import PlacePicker
from testimony_app.gui.widgets.victims_editor import VictimsEditor

Align = Qt.AlignmentFlag
RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight

KALLASEH = "0b9c6a52-6f1e-4b7a-9d43-6b0f1c2a7e01"
ALEPPO = "0b9c6a52-6f1e-4b7a-9d43-6b0f1c2a7e02"
SALHEEN = "0b9c6a52-6f1e-4b7a-9d43-6b0f1c2a7e03"
PERSON = "5d2f8e10-3c4b-4a6d-8e9f-0a1b2c3d4e05"
OTHER_PERSON = "5d2f8e10-3c4b-4a6d-8e9f-0a1b2c3d4e06"
SOURCE = "7a1e3c55-2b4d-4f60-8a9b-1c2d3e4f5a07"
TESTIMONY = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b08"

PLACES = [(KALLASEH, "Kallaseh — Aleppo"), (ALEPPO, "Aleppo"),
          (SALHEEN, "حي الصالحين — حلب")]
PERSONS = [(PERSON, "P-7K3Q-M2XD · male · medic"),
           (OTHER_PERSON, "P-4TRW-9KAB · female · teacher")]
PLACE_RECORDS = [
    {"id": KALLASEH, "name": {"en": "Kallaseh"}, "level": "neighbourhood", "parent": ALEPPO},
    {"id": ALEPPO, "name": {"en": "Aleppo", "ar": "حلب"}, "level": "city"},
    {"id": SALHEEN, "name": {"ar": "حي الصالحين"}, "level": "neighbourhood",
     "parent": ALEPPO},
]
PERSON_RECORDS = [{"id": PERSON, "sex": "male", "occupation": "medic"},
                  {"id": OTHER_PERSON, "sex": "female", "occupation": "teacher"}]
SANDE: dict[str, Any] = {"group": {"label": {"en": "the Sande family"}, "count": 7,
                   "qualifier": "perhaps_more",
                   "breakdown": {"women": 2, "girls": 1, "children": 3}},
         "status": "killed"}
MEDIC: dict[str, Any] = {"person": PERSON, "status": "detained"}

DATES = [
    {"precision": "day", "value": "2016-12-25"},
    {"precision": "month", "value": "2016-12"},
    {"precision": "year", "value": "2016"},
    {"precision": "range", "from": "2016-12-12", "to": "2016-12-13"},
    {"precision": "approximate", "from": "2016-12-01", "to": "2016-12-10",
     "text": "early December"},
    {"precision": "before", "value": "2016-12-15", "text": "قبل منتصف كانون الأول"},
    {"precision": "after", "value": "2016-12-22"},
    {"precision": "day", "value": "1016-02-29"},
]


# --- helpers -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english_left_to_right(qapp: QApplication) -> Iterator[None]:
    i18n.set_language("en")
    qapp.setLayoutDirection(LTR)
    yield
    i18n.set_language("en")
    qapp.setLayoutDirection(LTR)


def validator(definition: str | None = None) -> Draft202012Validator:
    """The interchange schema, or one of its $defs with the $refs still resolving."""
    full = schema()
    if definition is None:
        return Draft202012Validator(full)
    registry = Registry().with_resource(full["$id"], DRAFT202012.create_resource(full))
    return Draft202012Validator({"$ref": f"{full['$id']}#/$defs/{definition}"},
                                registry=registry)


def document(incidents: list[dict[str, Any]], new_places: list[dict[str, Any]]) \
        -> dict[str, Any]:
    return {"format": "testimony/1",
            "sources": [{"id": SOURCE, "name": "Syrian Network for Human Rights",
                         "kind": "organisation"}],
            "places": PLACE_RECORDS + new_places, "persons": PERSON_RECORDS,
            "incidents": incidents}


def type_text(widget: QWidget, text: str) -> None:
    """Type `text` into `widget` one character at a time, as a keyboard would."""
    for ch in text:
        QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_unknown,
                                                 Qt.KeyboardModifier.NoModifier, ch))


def retype(edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    edit.del_()
    type_text(edit, text)


def _translated(name: str) -> str:
    """The accessible name as the UI language shows it ("Incident date: month" too)."""
    if ": " in name and i18n._(name) == name:
        field, part = name.split(": ", 1)
        return i18n._("{field}: {part}").format(field=_translated(field),
                                                 part=_translated(part))
    return i18n._(name)


def named[W: QWidget](root: QWidget, kind: type[W], name: str) -> W:
    wanted = {name, _translated(name)}
    found = [w for w in root.findChildren(kind) if w.accessibleName() in wanted]
    assert len(found) == 1, f"{len(found)} {kind.__name__} named {name!r}"
    return found[0]


def line_edit(picker: PlacePicker) -> QLineEdit:
    edit = picker.lineEdit()
    assert edit is not None
    return edit


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def choose(combo: QComboBox, code: str | None) -> None:
    """Pick the item whose data is `code`, as a user choosing it from the list would."""
    index = combo.findData(code) if code is not None else 0
    assert index >= 0, code
    combo.setCurrentIndex(index)


def visual_right(edit: QLineEdit) -> bool:
    """True if the line edit's text sits against its right edge."""
    horizontal = edit.alignment() & Align.AlignHorizontal_Mask
    if edit.alignment() & Align.AlignAbsolute:
        return bool(horizontal & Align.AlignRight)
    leading = horizontal & Align.AlignLeft or not horizontal & Align.AlignRight
    return bool(leading) == (edit.layoutDirection() == RTL)


# --- bidi --------------------------------------------------------------------------


def test_line_edit_follows_the_direction_of_its_text(qtbot: Any, qapp: QApplication) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    follow_text_direction(edit)
    follow_text_direction(edit)  # twice is harmless
    assert not visual_right(edit)
    type_text(edit, "حلب الشرقية")
    assert edit.text() == "حلب الشرقية"
    assert edit.alignment() & Align.AlignRight
    assert visual_right(edit)
    assert edit.layoutDirection() == RTL
    retype(edit, "Aleppo")
    assert not visual_right(edit)
    assert edit.layoutDirection() == LTR
    edit.clear()
    qapp.setLayoutDirection(RTL)
    assert edit.layoutDirection() == RTL  # empty: follows the application
    assert visual_right(edit)
    type_text(edit, "Kallaseh")  # Latin in an Arabic UI stays left-aligned
    assert not visual_right(edit)
    assert edit.layoutDirection() == LTR
    edit.setText("١٢ حلب")  # digits are weak: the first letter decides
    assert visual_right(edit)


def start_x(block: QTextBlock) -> float:
    """Where the cursor stands before a paragraph's first character."""
    found: Any = block.layout().lineAt(0).cursorToX(0)  # PySide6: (x, cursor position)
    return float(found[0])


@pytest.mark.parametrize("cls", [QPlainTextEdit, QTextEdit])
def test_each_paragraph_takes_the_direction_of_its_text(
        qtbot: Any, qapp: QApplication, cls: type[QPlainTextEdit] | type[QTextEdit]) -> None:
    qapp.setLayoutDirection(RTL)
    edit = cls()
    qtbot.addWidget(edit)
    set_document_auto_direction(edit)
    assert edit.document().defaultTextOption().textDirection() == \
        Qt.LayoutDirection.LayoutDirectionAuto
    edit.resize(400, 200)
    edit.show()
    edit.setPlainText("All men were gathered.\nجمعوا كل الرجال")
    latin = edit.document().firstBlock()
    arabic = latin.next()
    qtbot.waitUntil(lambda: arabic.layout().lineCount() > 0 and latin.layout().lineCount() > 0)
    middle = edit.viewport().width() / 2
    # Before the first character: on the left for Latin, on the right for Arabic.
    assert start_x(latin) < middle
    assert start_x(arabic) > middle


def test_multilingual_text_keeps_other_languages() -> None:
    text = MultilingualText({"ar": "عائلة ساندي", "en": "the Sande family"}, preferred="en")
    assert text.text == "the Sande family"
    assert text.value("ar") == {"ar": "عائلة ساندي", "en": "the Sande family"}
    text.text = "the Sande family of Kallaseh"
    assert text.value("ar") == {"ar": "عائلة ساندي", "en": "the Sande family of Kallaseh"}
    text.text = "  "
    assert text.value("en") == {"ar": "عائلة ساندي"}
    fresh = MultilingualText(None)
    assert fresh.value("ar") is None
    fresh.text = "عائلة ساندي"
    assert fresh.value("ar") == {"ar": "عائلة ساندي"}


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize("date", DATES, ids=lambda d: f"{d['precision']}")
def test_date_round_trip(qtbot: Any, date: dict[str, Any]) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    with qtbot.assertNotEmitted(edit.changed):
        edit.set_value(date)
    assert edit.value() == date
    assert edit.precision() == date["precision"]
    assert edit.is_valid()
    validator("date").validate(edit.value())
    edit.clear()
    assert edit.value() is None
    edit.set_value(date)
    edit.set_value(None)
    assert edit.value() is None


def test_date_starts_empty_and_user_choices_emit_changed(qtbot: Any) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    assert edit.value() is None
    assert edit.is_valid()
    precision = named(edit, QComboBox, "Date: precision")
    with qtbot.waitSignal(edit.changed, timeout=1000):
        choose(precision, "day")
    day = named(edit, QDateEdit, "Date: day")
    with qtbot.waitSignal(edit.changed, timeout=1000):
        day.setDate(QDate(2016, 12, 25))
    assert edit.value() == {"precision": "day", "value": "2016-12-25"}
    words = named(edit, QLineEdit, "Date: words the source used")
    with qtbot.waitSignal(edit.changed, timeout=1000):
        type_text(words, "يوم الميلاد")
    assert edit.value() == {"precision": "day", "value": "2016-12-25", "text": "يوم الميلاد"}
    assert visual_right(words)


def test_changing_precision_carries_the_date_over(qtbot: Any) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    edit.set_value({"precision": "month", "value": "2016-02"})
    precision = named(edit, QComboBox, "Date: precision")
    choose(precision, "range")
    assert edit.value() == {"precision": "range", "from": "2016-02-01", "to": "2016-02-29"}
    choose(precision, "approximate")  # a span stays the same span
    assert edit.value() == {"precision": "approximate", "from": "2016-02-01",
                            "to": "2016-02-29"}
    choose(precision, "year")
    assert edit.value() == {"precision": "year", "value": "2016"}
    choose(precision, "before")  # the day entered (1 February) still fits the year: kept
    assert edit.value() == {"precision": "before", "value": "2016-02-01"}
    month = named(edit, QComboBox, "Date: month")
    choose(precision, "month")
    month.setCurrentIndex(11)
    assert edit.value() == {"precision": "month", "value": "2016-12"}


def test_range_ending_before_it_starts_warns_and_is_invalid(qtbot: Any) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    edit.show()
    backwards = {"precision": "range", "from": "2016-12-13", "to": "2016-12-12"}
    edit.set_value(backwards)
    assert not edit.is_valid()
    assert edit.value() == backwards  # nothing swapped
    warnings = [label for label in edit.findChildren(QWidget)
                if label.isVisible() and "before the first day" in
                (label.text() if hasattr(label, "text") else "")]
    assert warnings, "no visible warning"
    assert edit.problem() == "The last day is before the first day."
    last = named(edit, QDateEdit, "Date: last day")
    with qtbot.waitSignal(edit.changed, timeout=1000):
        last.setDate(QDate(2016, 12, 14))
    assert edit.is_valid()
    assert not any(label.isVisible() for label in warnings)


def test_words_without_a_precision_are_flagged(qtbot: Any) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    type_text(named(edit, QLineEdit, "Date: words the source used"), "mid-January")
    assert edit.value() is None
    assert not edit.is_valid()


@pytest.mark.parametrize("bad", [
    {"precision": "week", "value": "2016-12-25"},
    {"precision": "day", "value": "2016-13-01"},
    {"precision": "day", "value": "25/12/2016"},
    {"precision": "range", "from": "2016-12-01"},
    {"precision": "month", "value": "2016-12-01"},
])
def test_malformed_dates_are_refused(qtbot: Any, bad: dict[str, Any]) -> None:
    edit = DateWithPrecisionEdit()
    qtbot.addWidget(edit)
    with pytest.raises(ValueError, match="date"):
        edit.set_value(bad)


# --- places ------------------------------------------------------------------------


def make_picker(qtbot: Any) -> PlacePicker:
    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.set_places(PLACES)
    return picker


def test_place_picker_completes_any_part_ignoring_case(qtbot: Any) -> None:
    picker = make_picker(qtbot)
    completer = picker.completer()
    assert isinstance(completer, QCompleter)
    assert completer.caseSensitivity() == Qt.CaseSensitivity.CaseInsensitive
    assert completer.filterMode() == Qt.MatchFlag.MatchContains
    assert picker.place_id() is None
    assert picker.new_place("en") is None
    completer.setCompletionPrefix("ALEPPO")
    assert completer.completionCount() == 2  # "Kallaseh — Aleppo" and "Aleppo"


def test_place_picker_finds_a_known_place_by_its_label(qtbot: Any) -> None:
    picker = make_picker(qtbot)
    edit = line_edit(picker)
    with qtbot.waitSignal(picker.changed, timeout=1000):
        type_text(edit, "kallaseh —  ALEPPO ")
    assert picker.place_id() == KALLASEH
    assert picker.new_place("en") is None
    retype(edit, "حي الصالحين — حلب")
    assert picker.place_id() == SALHEEN
    assert visual_right(edit)
    retype(edit, "حيّ الصالحين — حلب")  # with a shadda: the same place
    assert picker.place_id() == SALHEEN


def test_place_picker_makes_one_new_place_per_text(qtbot: Any) -> None:
    picker = make_picker(qtbot)
    edit = line_edit(picker)
    type_text(edit, "Bab al-Nairab")
    assert picker.place_id() is None
    place = picker.new_place("en")
    assert place is not None
    assert place["name"] == {"en": "Bab al-Nairab"}
    assert place["level"] == "site"
    assert picker.new_place("en") == place  # stable across calls
    validator("place").validate(place)
    retype(edit, "Bab al-Hadid")
    other = picker.new_place("en")
    assert other is not None
    assert other["id"] != place["id"]
    retype(edit, "bab al-nairab")
    again = picker.new_place("en")
    assert again is not None
    assert again["id"] == place["id"]


def test_place_picker_takes_arabic_typing(qtbot: Any) -> None:
    picker = make_picker(qtbot)
    edit = line_edit(picker)
    assert not visual_right(edit)
    type_text(edit, "دوار الجندول")
    assert edit.text() == "دوار الجندول"
    assert edit.alignment() & Align.AlignRight
    assert visual_right(edit)
    place = picker.new_place("ar")
    assert place is not None
    assert place["name"] == {"ar": "دوار الجندول"}
    # The combo box imposes its direction on its line edit; the text still wins.
    picker.setLayoutDirection(LTR)
    assert visual_right(edit)
    assert edit.layoutDirection() == RTL


def test_place_picker_set_place_id(qtbot: Any) -> None:
    picker = make_picker(qtbot)
    with qtbot.assertNotEmitted(picker.changed):
        picker.set_place_id(ALEPPO)
    assert picker.currentText() == "Aleppo"
    assert picker.place_id() == ALEPPO
    picker.set_places([*PLACES, (SOURCE, "Masaken Hanano — Aleppo")])
    assert picker.place_id() == ALEPPO  # kept across a refresh
    picker.set_place_id(None)
    assert picker.currentText() == ""
    assert picker.place_id() is None
    unknown = "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b"
    picker.set_place_id(unknown)  # not offered: kept, not lost
    assert picker.place_id() == unknown
    with qtbot.waitSignal(picker.changed, timeout=1000):
        picker.setCurrentIndex(picker.findData(KALLASEH))
    assert picker.place_id() == KALLASEH


# --- victims -----------------------------------------------------------------------


def make_victims(qtbot: Any) -> VictimsEditor:
    editor = VictimsEditor()
    qtbot.addWidget(editor)
    editor.set_persons(PERSONS)
    return editor


def test_victims_round_trip(qtbot: Any) -> None:
    editor = make_victims(qtbot)
    victims: list[dict[str, Any]] = [copy.deepcopy(SANDE), copy.deepcopy(MEDIC),
                                     {"group": {"count": 12, "qualifier": "at_least"}}]
    with qtbot.assertNotEmitted(editor.changed):
        editor.set_value(victims)
    assert editor.value("en") == victims
    assert editor.problems() == []
    for victim in editor.value("en"):
        validator("victim").validate(victim)
    table = named(editor, QTableWidget, "Victims")
    assert table.rowCount() == 3
    assert cell(table, 0, 0) == "the Sande family"
    assert cell(table, 0, 1) == "7, perhaps more"
    assert cell(table, 1, 0) == "P-7K3Q-M2XD · male · medic"
    assert cell(table, 1, 2) == "Detained"
    # The first row is shown for editing.
    assert named(editor, QLineEdit, "Who the group is").text() == "the Sande family"
    editor.set_value([])
    assert editor.value("en") == []


def test_victims_entered_by_hand(qtbot: Any) -> None:
    editor = make_victims(qtbot)
    with qtbot.waitSignal(editor.changed, timeout=1000):
        qtbot.mouseClick(named(editor, QPushButton, "Add a group of victims"),
                         Qt.MouseButton.LeftButton)
    type_text(named(editor, QLineEdit, "Who the group is"), "the Sande family")
    with qtbot.waitSignal(editor.changed, timeout=1000):
        named(editor, QSpinBox, "Number of victims").setValue(7)
    choose(named(editor, QComboBox, "How exact the number is"), "perhaps_more")
    named(editor, QSpinBox, "Of whom: Women").setValue(2)
    named(editor, QSpinBox, "Of whom: Girls").setValue(1)
    named(editor, QSpinBox, "Of whom: Children, sex not given").setValue(3)
    choose(named(editor, QComboBox, "Status of the group"), "killed")
    qtbot.mouseClick(named(editor, QPushButton, "Add a person"), Qt.MouseButton.LeftButton)
    assert editor.problems() == ["Victim 2: choose the person."]
    choose(named(editor, QComboBox, "Person"), PERSON)
    with qtbot.waitSignal(editor.changed, timeout=1000):
        choose(named(editor, QComboBox, "Status of the person"), "detained")
    assert editor.value("en") == [SANDE, MEDIC]
    assert editor.problems() == []


def test_victims_problems(qtbot: Any) -> None:
    editor = make_victims(qtbot)
    editor.set_value([{"group": {"count": 3, "qualifier": "exact",
                                 "breakdown": {"women": 2, "boys": 2}}}])
    assert len(editor.problems()) == 1
    assert "breakdown adds up to 4, more than the count (3)" in editor.problems()[0]
    named(editor, QSpinBox, "Number of victims").setValue(4)
    assert editor.problems() == []
    named(editor, QSpinBox, "Number of victims").setValue(0)
    assert len(editor.problems()) == 2


def test_victims_remove(qtbot: Any) -> None:
    editor = make_victims(qtbot)
    editor.set_value([copy.deepcopy(SANDE), copy.deepcopy(MEDIC)])
    remove = named(editor, QPushButton, "Remove")
    assert remove.isEnabled()
    with qtbot.waitSignal(editor.changed, timeout=1000):
        qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert editor.value("en") == [MEDIC]
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert editor.value("en") == []
    assert not remove.isEnabled()


def test_victim_labels_keep_their_other_languages(qtbot: Any) -> None:
    editor = make_victims(qtbot)
    sande = copy.deepcopy(SANDE)
    sande["group"]["label"] = {"ar": "عائلة ساندي", "en": "the Sande family"}
    editor.set_value([sande])
    assert editor.value("ar") == [sande]  # untouched: exactly as given
    retype(named(editor, QLineEdit, "Who the group is"), "the Sande family, Kallaseh")
    assert editor.value("ar")[0]["group"]["label"] == {
        "ar": "عائلة ساندي", "en": "the Sande family, Kallaseh"}


def test_unknown_person_is_kept(qtbot: Any) -> None:
    editor = VictimsEditor()
    qtbot.addWidget(editor)
    editor.set_value([{"person": OTHER_PERSON}])  # persons not offered yet
    assert editor.value("en") == [{"person": OTHER_PERSON}]
    editor.set_persons(PERSONS)
    assert editor.value("en") == [{"person": OTHER_PERSON}]
    assert cell(named(editor, QTableWidget, "Victims"), 0, 0).startswith("P-4TRW")


# --- incidents ---------------------------------------------------------------------


def full_incident() -> dict[str, Any]:
    incident: dict[str, Any] = {
        "id": "c0ffee00-1234-4abc-8def-0123456789ab",
        "type": "summary_execution",
        "date": {"precision": "approximate", "from": "2016-12-11", "to": "2016-12-13",
                 "text": "around the 12th"},
        "place": KALLASEH,
        "description": {"en": "Men of the family were taken from the shelter.",
                        "ar": "أُخذ رجال العائلة من الملجأ."},
        "perpetrator": {"category": "pro_government_militia",
                        "description": "Nujaba movement"},
        "victims": [copy.deepcopy(SANDE), copy.deepcopy(MEDIC)],
        "verification": "partially_verified",
        "sources": [SOURCE],
        "testimonies": [TESTIMONY],
    }
    return incident


def make_incident_editor(qtbot: Any) -> IncidentEditor:
    editor = IncidentEditor()
    qtbot.addWidget(editor)
    editor.set_places(PLACES)
    editor.set_persons(PERSONS)
    return editor


def test_incident_round_trip(qtbot: Any) -> None:
    editor = make_incident_editor(qtbot)
    incident = full_incident()
    with qtbot.assertNotEmitted(editor.changed):
        editor.set_value(incident)
    value, new_places = editor.value("en")
    expected = {k: v for k, v in incident.items() if k != "testimonies"}
    assert value == expected
    assert new_places == []
    assert editor.problems() == []
    validator().validate(document([value], new_places))
    validator("incident").validate(value)


def test_new_incident_entered_by_hand(qtbot: Any) -> None:
    editor = make_incident_editor(qtbot)
    editor.set_value(None)
    first, _ = editor.value("en")
    assert set(first) == {"id", "verification"}  # incomplete until chosen
    assert editor.problems() == ["Choose the type of incident.",
                                 "Give the date of the incident, as precisely as the source "
                                 "gives it."]
    with qtbot.waitSignal(editor.changed, timeout=1000):
        choose(named(editor, QComboBox, "Incident type"), "killing_shelling")
    choose(named(editor, QComboBox, "Incident date: precision"), "day")
    named(editor, QDateEdit, "Incident date: day").setDate(QDate(2016, 12, 14))
    with qtbot.waitSignal(editor.changed, timeout=1000):
        type_text(named(editor, QLineEdit, "Incident place"), "دوار الجندول")
    type_text(named(editor, QPlainTextEdit, "Description of the incident"),
              "سقطت قذيفة على الدوار")
    type_text(named(editor, QLineEdit, "Perpetrator, in the source's words"), "artillery")
    qtbot.mouseClick(named(editor, QPushButton, "Add a group of victims"),
                     Qt.MouseButton.LeftButton)
    named(editor, QSpinBox, "Number of victims").setValue(5)
    choose(named(editor, QComboBox, "How exact the number is"), "at_least")
    assert editor.problems() == []
    value, new_places = editor.value("ar")
    assert value["id"] == first["id"]  # made once, then kept
    assert len(new_places) == 1
    assert new_places[0]["name"] == {"ar": "دوار الجندول"}
    assert value == {
        "id": first["id"], "type": "killing_shelling",
        "date": {"precision": "day", "value": "2016-12-14"},
        "place": new_places[0]["id"],
        "description": {"ar": "سقطت قذيفة على الدوار"},
        "perpetrator": {"category": "unknown", "description": "artillery"},
        "victims": [{"group": {"count": 5, "qualifier": "at_least"}}],
        "verification": "unverified",
    }
    assert editor.value("ar") == (value, new_places)  # stable
    validator().validate(document([value], new_places))
    editor.set_value(None)
    assert editor.value("en")[0]["id"] != first["id"]


def test_incident_problems_include_date_and_victims(qtbot: Any) -> None:
    editor = make_incident_editor(qtbot)
    incident = full_incident()
    incident["date"] = {"precision": "range", "from": "2016-12-13", "to": "2016-12-11"}
    incident["victims"] = [{"person": PERSON},
                           {"group": {"count": 1, "qualifier": "exact",
                                      "breakdown": {"men": 2}}}]
    editor.set_value(incident)
    problems = editor.problems()
    assert problems[0] == "The last day is before the first day."
    assert "Victim 2:" in problems[1]
    assert len(problems) == 2


def test_every_input_has_an_accessible_name(qtbot: Any) -> None:
    editor = make_incident_editor(qtbot)
    editor.set_value(full_incident())
    kinds = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTableWidget,
             QAbstractButton)
    unnamed = [w for w in editor.findChildren(QWidget)
               if isinstance(w, kinds) and not w.accessibleName()
               and w.focusPolicy() & Qt.FocusPolicy.TabFocus
               and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)]
    assert unnamed == []


def test_incident_tab_order_follows_the_form(qtbot: Any) -> None:
    editor = make_incident_editor(qtbot)
    editor.show()
    order = [named(editor, QComboBox, "Incident type"),
             named(editor, QComboBox, "Incident date: precision"),
             named(editor, QLineEdit, "Incident date: words the source used"),
             named(editor, QComboBox, "Incident place"),
             named(editor, QComboBox, "Perpetrator"),
             named(editor, QLineEdit, "Perpetrator, in the source's words"),
             named(editor, QPlainTextEdit, "Description of the incident"),
             named(editor, QComboBox, "Verification"),
             named(editor, QTableWidget, "Victims"),
             named(editor, QPushButton, "Add a group of victims")]
    chain: list[QWidget] = []
    widget: QWidget | None = order[0]
    for _step in range(200):
        assert widget is not None
        if widget in order and widget not in chain:
            chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain == order


def test_widgets_in_an_arabic_right_to_left_ui(qtbot: Any, qapp: QApplication) -> None:
    i18n.set_language("ar")
    qapp.setLayoutDirection(RTL)
    editor = make_incident_editor(qtbot)
    incident = full_incident()
    editor.set_value(incident)
    editor.resize(700, 900)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.layoutDirection() == RTL
    incident_type = named(editor, QComboBox, "Incident type")
    assert incident_type.currentText() == "إعدام ميداني"
    month = named(editor, QComboBox, "Incident date: month")
    assert month.itemText(11) != "December"  # month names of the UI language
    victims = named(editor, QTableWidget, "Victims")
    assert victims.layoutDirection() == RTL
    # The first victim is selected and shown for editing in a right-to-left layout too.
    assert named(editor, QLineEdit, "Who the group is").text() == "the Sande family"
    assert not visual_right(named(editor, QLineEdit, "Who the group is"))  # Latin text
    words = named(editor, QLineEdit, "Perpetrator, in the source's words")
    assert not visual_right(words)  # "Nujaba movement"
    words.clear()
    assert visual_right(words)  # empty: the Arabic UI's side
    type_text(words, "حركة النجباء")
    assert visual_right(words)
    value, new_places = editor.value("ar")
    expected = {k: v for k, v in incident.items() if k != "testimonies"}
    expected["perpetrator"] = {"category": "pro_government_militia",
                               "description": "حركة النجباء"}
    assert value == expected
    validator().validate(document([value], new_places))
    assert not editor.grab().isNull()


def test_a_part_keeps_its_own_qualifier_and_unshown_parts_survive(qtbot: Any) -> None:
    """"811 patients, including 100 women and almost 150 children, 28 wounded": the
    editor shows the women and children with their own qualifiers and writes back the
    wounded it has no box for."""
    editor = make_victims(qtbot)
    group = {"group": {"count": 811, "qualifier": "exact", "breakdown": {
        "women": 100, "children": {"count": 150, "qualifier": "approximately"},
        "wounded": {"count": 28, "qualifier": "at_least"}}}}
    editor.set_value([copy.deepcopy(group)])
    assert editor.value("en") == [group]
    assert named(editor, QComboBox, "How exact the number of Children, sex not given is"
                 ).currentData() == "approximately"
    choose(named(editor, QComboBox, "How exact the number of Women is"), "at_most")
    value = editor.value("en")[0]["group"]["breakdown"]
    assert value["women"] == {"count": 100, "qualifier": "at_most"}
    assert value["wounded"] == {"count": 28, "qualifier": "at_least"}
    validator("victim").validate(editor.value("en")[0])
