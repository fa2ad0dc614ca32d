"""A figure's meaning never flips in Arabic: "at least 61" is drawn with ≥ before
the number, never mirrored into ≤ (which reads "at most")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QRawFont, QTextLayout, QTextOption

from testimony_app import i18n
from testimony_app.core.workspace import stats
from testimony_app.gui.workspace.bar_chart import BarChart


def glyphs(text: str, direction: Qt.LayoutDirection) -> list[tuple[float, int, QRawFont]]:
    """(x, glyph index, font) of each glyph as drawn, left to right."""
    layout = QTextLayout(text, QFont("DejaVu Sans", 14))
    option = QTextOption()
    option.setTextDirection(direction)
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(1000)
    layout.endLayout()
    found = []
    for run in layout.glyphRuns():
        for position, index in zip(run.positions(), run.glyphIndexes(), strict=True):
            found.append((position.x(), index, run.rawFont()))
    return sorted(found, key=lambda g: g[0])


def sign_glyphs(text: str) -> tuple[list[float], list[float], list[float]]:
    """x of the ≥ glyphs, of the ≤ glyphs and of every other glyph, laid out RTL."""
    ge, le, rest = [], [], []
    for x, index, font in glyphs(text, Qt.LayoutDirection.RightToLeft):
        if index in font.glyphIndexesForString("≥"):
            ge.append(x)
        elif index in font.glyphIndexesForString("≤"):
            le.append(x)
        else:
            rest.append(x)
    return ge, le, rest


def test_at_least_61_keeps_its_sign_in_arabic(qtbot) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language("ar")
    try:
        chart = BarChart()
        qtbot.addWidget(chart)
        chart.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        label = chart.value_text(61, "at_least")
        assert label == "\u2066≥٦١\u2069"  # logical order: sign, then the number
        sentence = "أرقام: " + label + " ضحية"
        ge, le, rest = sign_glyphs(sentence)
        assert len(ge) == 1 and not le, "≥ was mirrored into ≤"
        digits = sorted(x for x, i, f in glyphs(sentence, Qt.LayoutDirection.RightToLeft)
                        if i in f.glyphIndexesForString("٦١"))
        assert digits and ge[0] < digits[0]  # the sign stays before (left of) the number
        # In words the figure cannot flip at all.
        assert stats.qualified(61, "at_least", i18n.number) == "٦١ على الأقل"
        assert "\u2066≥\u2069" in stats.sign_legend() and "\u2066≤\u2069" in stats.sign_legend()
    finally:
        i18n.set_language("en")


def test_an_unisolated_sign_would_flip() -> None:
    """The check above can fail: a bare ≥ in right-to-left text is drawn as ≤."""
    ge, le, _rest = sign_glyphs("أرقام: ≥٦١ ضحية")
    assert le and not ge
