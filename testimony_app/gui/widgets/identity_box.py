"""A person's identity fields, framed in red as protected: the witness box of the
testimony editor and the person form share it, so that both show, lock and write an
identity the same way (a name kept per language, empty fields left out, a sealed
identity shown as sealed and never written back)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from testimony_app.gui.widgets.bidi import follow_text_direction
from testimony_app.gui.widgets.date_edit import DateWithPrecisionEdit
from testimony_app.i18n import _

PROTECTED_STYLE = ("QGroupBox { border: 2px solid #b00020; margin-top: 1.2em; padding: 6px; }"
                   " QGroupBox::title { color: #b00020; }")


class IdentityBox(QGroupBox):
    """Name, parents' names, ID numbers, contact, birth date and whether the name is
    public; `sealed_text` is what it says when this computer can no longer read them."""

    def __init__(self, title: str, sealed_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setStyleSheet(PROTECTED_STYLE)
        form = QFormLayout(self)
        self._sealed = False
        self.sealed_note = QLabel(sealed_text)
        self.sealed_note.setWordWrap(True)
        self.sealed_note.setVisible(False)
        form.addRow(self.sealed_note)
        self.name = QLineEdit()
        self.father = QLineEdit()
        self.mother = QLineEdit()
        self.id_numbers = QLineEdit()
        self.contact = QLineEdit()
        for field, label in ((self.name, _("Name")), (self.father, _("Father's name")),
                             (self.mother, _("Mother's name")),
                             (self.id_numbers, _("ID numbers (comma separated)")),
                             (self.contact, _("Contact"))):
            field.setAccessibleName(label)
            follow_text_direction(field)
            form.addRow(label, field)
        self.birth_date = DateWithPrecisionEdit()
        self.birth_date.setAccessibleName(_("Birth date"))
        form.addRow(_("Birth date"), self.birth_date)
        self.public = QCheckBox(_("The name is already public (published elsewhere)"))
        form.addRow(self.public)

    def fields(self) -> tuple[QWidget, ...]:
        return (self.name, self.father, self.mother, self.id_numbers, self.contact,
                self.birth_date, self.public)

    @property
    def sealed(self) -> bool:
        """Whether the identity shown is sealed (its fields are locked and empty)."""
        return self._sealed

    def load(self, person: dict[str, Any], language: str) -> None:
        """Show the identity of `person` (a person record), the name in `language`
        or else its first one; a sealed identity locks every field."""
        identity = person.get("identity") or {}
        names = identity.get("name") or {}
        self.name.setText(names.get(language) or next(iter(names.values()), ""))
        self.father.setText(identity.get("father_name", ""))
        self.mother.setText(identity.get("mother_name", ""))
        self.id_numbers.setText(", ".join(identity.get("id_numbers", [])))
        self.contact.setText(identity.get("contact", ""))
        self.birth_date.set_value(identity.get("birth_date"))
        self.public.setChecked(bool(identity.get("public_domain", False)))
        self._sealed = "sealed_identity" in person and not identity
        self.sealed_note.setVisible(self._sealed)
        for field in self.fields():
            field.setEnabled(not self._sealed)

    def identity(self, base: dict[str, Any], language: str) -> dict[str, Any] | None:
        """`base` (the identity as stored) with the fields as typed, the name in
        `language` replaced; None when no name is left in any language."""
        identity = dict(base)
        names = {k: v for k, v in (identity.get("name") or {}).items() if k != language}
        if self.name.text().strip():
            names[language] = self.name.text().strip()
        if not names:
            return None
        identity["name"] = names
        identity["public_domain"] = self.public.isChecked()
        put_or_drop(identity, "father_name", self.father.text().strip())
        put_or_drop(identity, "mother_name", self.mother.text().strip())
        put_or_drop(identity, "contact", self.contact.text().strip())
        put_or_drop(identity, "birth_date", self.birth_date.value())
        put_or_drop(identity, "id_numbers",
                    [n.strip() for n in self.id_numbers.text().split(",") if n.strip()])
        return identity


def put_or_drop(target: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` to a value a person gave, or remove it when the field was emptied (a
    record keeps no empty strings)."""
    if value:
        target[key] = value
    else:
        target.pop(key, None)
