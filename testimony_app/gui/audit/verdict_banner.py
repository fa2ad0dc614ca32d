"""The verdict on an export, shown big: green when authentic and complete, amber when
intact but signed by a key nobody said to expect (anyone can re-sign a changed
export), red with every problem listed otherwise. Plain text only: the names come
from the export."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from testimony_app.core.audit import verify
from testimony_app.gui.sync.common import plain_label
from testimony_app.i18n import _

GOOD = "QFrame#verdict { background: #e3f4e1; border: 2px solid #2e7d32; } " \
       "QLabel { color: #1b5e20; }"
BAD = "QFrame#verdict { background: #fde7e9; border: 2px solid #b00020; } " \
      "QLabel { color: #8a1c1c; }"
UNKNOWN = "QFrame#verdict { background: #fff4ce; border: 2px solid #b26a00; } " \
          "QLabel { color: #6d4c00; }"
WAITING = "QFrame#verdict { background: #eeeeee; border: 2px solid #999999; }"


class VerdictBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        self.ok: bool | None = None
        self.headline = plain_label(selectable=True)
        self.headline.setAccessibleName(_("Verdict"))
        font = self.headline.font()
        font.setPointSize(font.pointSize() + 5)
        font.setBold(True)
        self.headline.setFont(font)
        self.details = plain_label(selectable=True)
        self.details.setAccessibleName(_("Problems"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        self.waiting(_("No export open yet."))

    def waiting(self, text: str) -> None:
        self.ok = None
        self.setStyleSheet(WAITING)
        self.headline.setText(text)
        self.details.clear()
        self.details.setVisible(False)

    def show_result(self, verdict: verify.Verdict) -> None:
        problems, manifest = verdict.problems, verdict.manifest
        self.ok = verdict.authentic
        if verdict.unknown_signer:
            self.setStyleSheet(UNKNOWN)
            self.headline.setText(_("NOT verified: signed by an unknown key "
                                    "({fingerprint})").format(
                fingerprint=str(verdict.fingerprint)))
            self.details.setText(_(
                "The files match their signed manifest, but anyone can sign a changed export "
                "with a key of their own. Ask the organisation for its fingerprint, in person "
                "or by a channel you trust, type it under \"Expected fingerprint\" and check "
                "again."))
        elif self.ok and manifest is not None:
            organisation = manifest["organisation"]
            self.setStyleSheet(GOOD)
            self.headline.setText(_("Authentic and complete — signed by {name} "
                                    "({fingerprint})").format(
                name=str(organisation.get("name", "")),
                fingerprint=str(verdict.fingerprint)))  # of the key that signed
            self.details.setText(_("The signature, every file and every figure check out."))
        else:
            self.setStyleSheet(BAD)
            self.headline.setText(_("NOT authentic: {problem}").format(
                problem=problems[0] if problems else _("no signed manifest")))
            self.details.setText(
                _("Everything found wrong:") + "\n" + "\n".join(f"• {p}" for p in problems)
                + "\n" + _("What follows may have been changed: read it with care."))
        self.details.setVisible(True)
