"""Settings: language, auto-lock delay, key-derivation strength, interview defaults."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from testimony_app import i18n
from testimony_app.gui import fmt
from testimony_app.i18n import _, ngettext


class SettingsDialog(QDialog):
    def __init__(self, settings: dict[str, str], places: list[tuple[str, str]],
                 kdf_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        form = QFormLayout()
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language"))
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(i18n.language()), 0))
        self.digits = QComboBox()
        self.digits.setAccessibleName(_("Digits"))
        self.digits.addItem(_("The language's own (Arabic-Indic in Arabic: ٠١٢٣)"), "native")
        self.digits.addItem(_("Latin ({digits})").format(digits=i18n.isolate("0123")), "latin")
        self.digits.setCurrentIndex(max(self.digits.findData(i18n.digit_kind()), 0))
        self.autolock = QSpinBox()
        self.autolock.setRange(1, 240)
        # The word after the number agrees with it (Arabic has six plural forms).
        self.autolock.valueChanged.connect(lambda n: self.autolock.setSuffix(
            " " + ngettext("minute", "minutes", n)))
        self.autolock.setAccessibleName(_("Lock after idle time"))
        self.autolock.setValue(int(settings.get("autolock_minutes", "5")))
        self.autolock.setSuffix(" " + ngettext("minute", "minutes", self.autolock.value()))
        self.autolock.setLocale(fmt.locale())
        self.default_language = QComboBox()
        self.default_language.setAccessibleName(_("Default interview language"))
        for label, code in ((_("Arabic"), "ar"), (_("English"), "en"), (_("Kurdish"), "ku"),
                            (_("Turkish"), "tr"), (_("French"), "fr")):
            self.default_language.addItem(label, code)
        self.default_language.setCurrentIndex(
            max(self.default_language.findData(settings.get("default_language", "ar")), 0))
        self.default_place = QComboBox()
        self.default_place.setAccessibleName(_("Default interview place"))
        self.default_place.addItem(_("none"), "")
        for place_id, label in places:
            self.default_place.addItem(label, place_id)
        self.default_place.setCurrentIndex(
            max(self.default_place.findData(settings.get("default_place", "")), 0))
        self.lock_on_sleep = QCheckBox(_("Lock when the computer sleeps or the screen locks"))
        self.lock_on_sleep.setChecked(settings.get("lock_on_sleep", "1") == "1")
        self.clipboard = QComboBox()
        self.clipboard.setAccessibleName(_("Clear copied text after"))
        for seconds, label in ((15, _("15 seconds")), (30, _("30 seconds")),
                               (60, _("1 minute")), (120, _("2 minutes")),
                               (300, _("5 minutes"))):
            self.clipboard.addItem(label, str(seconds))
        self.clipboard.setCurrentIndex(
            max(self.clipboard.findData(settings.get("clipboard_seconds", "60")), 0))
        self.clock = QComboBox()
        self.clock.setAccessibleName(_("Time format"))
        self.clock.addItem(_("As the language writes it"), "locale")
        # The examples in the UI's digits, like every other number on screen.
        self.clock.addItem(fmt.digits(_("24-hour (14:30)")), "24")
        self.clock.addItem(fmt.digits(_("12-hour (2:30 PM)")), "12")
        self.clock.setCurrentIndex(max(self.clock.findData(settings.get("clock", "locale")), 0))
        form.addRow(_("Language"), self.language)
        form.addRow(_("Digits"), self.digits)
        form.addRow(_("Lock after"), self.autolock)
        form.addRow("", self.lock_on_sleep)
        form.addRow(_("Clear copied text after"), self.clipboard)
        form.addRow(_("Time format"), self.clock)
        form.addRow(_("Default interview language"), self.default_language)
        form.addRow(_("Default interview place"), self.default_place)

        kdf = QGroupBox(_("Key derivation strength"))
        kform = QFormLayout(kdf)
        now = QLabel(_("Now: {params}").format(params=kdf_label))
        now.setWordWrap(True)
        kform.addRow(now)
        self.strength = QComboBox()
        self.strength.setAccessibleName(_("Key derivation strength"))
        self.strength.addItem(_("Keep as it is"), "")
        self.strength.addItem(_("Standard (about 1 second to unlock)"), "standard")
        self.strength.addItem(_("Stronger (about 2 seconds to unlock)"), "strong")
        self.strength.addItem(_("Strongest (about 5 seconds to unlock)"), "maximum")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Current passphrase"))
        kform.addRow(_("New strength"), self.strength)
        kform.addRow(_("Current passphrase"), self.passphrase)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(kdf)
        layout.addWidget(buttons)

    def values(self) -> dict[str, str]:
        return {"autolock_minutes": str(self.autolock.value()),
                "digits": self.digits.currentData(),
                "lock_on_sleep": "1" if self.lock_on_sleep.isChecked() else "0",
                "clipboard_seconds": self.clipboard.currentData(),
                "clock": self.clock.currentData(),
                "default_language": self.default_language.currentData(),
                "default_place": self.default_place.currentData()}


def strength_in_words(memory_kib: int, iterations: int) -> str:
    """Key-derivation parameters as a person weighs them: how strong, how long to unlock."""
    if memory_kib >= 1024 * 1024:
        return _("strongest, about 5 seconds to unlock")
    if memory_kib >= 512 * 1024:
        return _("stronger, about 2 seconds to unlock")
    if iterations > 3:
        return _("standard, calibrated for this computer: about 1 second to unlock")
    return _("standard: about half a second to unlock")
