"""A grouped bar chart drawn with QPainter (no QtCharts: it would add ~200 MB).

Categories (months, places, …) along the axis, one bar per series (documented
here, then each figure a source reported) in each category, never stacked or summed.
Value labels carry the qualifier ("≥1,897": at least; "≤": up to; "~": approximately) and the
locale's digits; the whole chart is mirrored when the layout is right-to-left.
The geometry is computed apart from painting (`chart_layout()`), so tests and tooltips
read the same bars that are drawn.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from testimony_app.core.workspace import stats
from testimony_app.gui import fmt
from testimony_app.i18n import _

# Okabe-Ito: told apart with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999",
           "#F0E442"]
MAX_LABEL = 150  # px: longer category labels are elided
MAX_BAR = 72  # px: a lone category does not get a slab
MAX_LEGEND = 220  # px: a longer source name is elided in the legend (the table has it)
MAX_LINES = 3  # a category label may always wrap onto this many lines ("تشرين", "الثاني", "٢٠١٦")
# ... and onto more while they take at most this share of the chart's height (a span of
# months in Arabic: "تشرين الثاني ٢٠١٦ – كانون الثاني ٢٠١٧ (يمتد على عدة أشهر)").
LABEL_SHARE = 0.3


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int | None]  # one per category; None: no figure from this series
    qualifiers: list[str]
    # One per category: the figure in words (place, period, parts), for its tooltip.
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    series: int
    category: int
    rect: QRectF  # in widget coordinates, mirrored when right-to-left
    label: str = "above"  # its value: "above" it, "upright" along it, or "none" (too thin)


@dataclass
class Layout:
    plot: QRectF = field(default_factory=QRectF)
    bars: list[Bar] = field(default_factory=list)
    top: int = 1  # the axis maximum
    step: int = 1
    slot: float = 0.0
    rotate_labels: bool = False
    wrap_labels: bool = False  # "Dec" over "2016" when a label is wider than its slot
    label_width: float = MAX_LABEL  # slanted category labels are elided to this
    # Each category label's lines as drawn when not slanted: whole, every line within
    # its slot ("تشرين الثاني" over "٢٠١٦").
    labels: list[list[str]] = field(default_factory=list)
    cut: list[bool] = field(default_factory=list)  # a label drawn shortened ("…")
    legend: list[tuple[QRectF, int]] = field(default_factory=list)  # swatch, series


def nice_step(top: int, ticks: int = 5) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` gridlines."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def wrap_words(metrics: QFontMetricsF, text: str, width: float) -> list[str]:
    """Text broken at spaces into lines of at most `width` (a word wider than that
    keeps a line of its own): "تشرين الثاني ٢٠١٦" over two lines, month over year."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines or [text]


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.note = ""
        self.setAccessibleName(_("Chart"))
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAutoFillBackground(True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(640, 360)

    def set_data(self, title: str, categories: list[str], series: list[Series],
                 note: str = "") -> None:
        self.title, self.categories, self.series, self.note = title, categories, series, note
        self.setAccessibleDescription(title)
        self.update()

    def clear(self) -> None:
        self.set_data("", [], [])

    def is_empty(self) -> bool:
        return not any(v is not None for s in self.series for v in s.values)

    @staticmethod
    def color(index: int) -> QColor:
        return QColor(PALETTE[index % len(PALETTE)])

    def value_text(self, value: int, qualifier: str) -> str:
        return stats.signed(fmt.number(value), qualifier or "exact")

    # -- geometry (left-to-right), mirrored at the end -------------------------------

    def _mirror(self, rect: QRectF) -> QRectF:
        if self.layoutDirection() != Qt.LayoutDirection.RightToLeft:
            return rect
        return QRectF(self.width() - rect.x() - rect.width(), rect.y(), rect.width(),
                      rect.height())

    def _legend_rows(self, metrics: QFontMetricsF, width: float) -> list[list[tuple[int, float]]]:
        rows: list[list[tuple[int, float]]] = [[]]
        used = 0.0
        for index, series in enumerate(self.series):
            entry = 18 + min(metrics.horizontalAdvance(series.name), MAX_LEGEND) + 16
            if rows[-1] and used + entry > width:
                rows.append([])
                used = 0.0
            rows[-1].append((index, entry))
            used += entry
        return rows

    def chart_layout(self) -> Layout:
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        out = Layout()
        margin = 10.0
        top = margin + (line * 1.3 + 6 if self.title else 0)
        legend_top = top
        legend_rows = self._legend_rows(metrics, self.width() - 2 * margin)
        for r, row in enumerate(legend_rows):
            x = margin
            for index, entry in row:
                swatch = QRectF(x, legend_top + r * (line + 4) + (line - 12) / 2, 12, 12)
                out.legend.append((swatch, index))
                x += entry
        top = legend_top + len(legend_rows) * (line + 4) + 8
        values = [v for s in self.series for v in s.values if v is not None]
        out.top = max(values, default=0)
        out.step = nice_step(max(out.top, 1))
        out.top = max(out.step, math.ceil(max(out.top, 1) / out.step) * out.step)
        axis_width = max(metrics.horizontalAdvance(fmt.number(out.top)),
                         metrics.horizontalAdvance(fmt.number(out.step))) + 10
        left, right = margin + axis_width, self.width() - margin
        count = max(len(self.categories), 1)
        out.slot = (right - left) / count
        room_x = out.slot - 6
        out.labels = [wrap_words(metrics, c, room_x) for c in self.categories]
        fits = all(metrics.horizontalAdvance(c) <= room_x for c in self.categories)
        out.wrap_labels = not fits and all(metrics.horizontalAdvance(t) <= room_x
                                           for lines in out.labels for t in lines)
        # Labels take as many lines as the font needs, up to a share of the height; one
        # longer still (a span of months on a narrow chart) ends in "…" on its last line,
        # and its tooltip (over the label or its bars) and the table have it whole.
        most = max(MAX_LINES, int(self.height() * LABEL_SHARE / line))
        out.labels = [lines if len(lines) <= most else lines[:most - 1] + [
            metrics.elidedText(" ".join(lines[most - 1:]), Qt.TextElideMode.ElideRight,
                               room_x)] for lines in out.labels]
        out.rotate_labels = not fits and not out.wrap_labels
        if not out.wrap_labels:
            out.labels = [[c] for c in self.categories]
        out.cut = [" ".join(lines) != " ".join(c.split()) or (
            out.rotate_labels and metrics.horizontalAdvance(c) > MAX_LABEL)
            for lines, c in zip(out.labels, self.categories, strict=True)]
        rows = max((len(lines) for lines in out.labels), default=1)
        widest = max((min(metrics.horizontalAdvance(c), MAX_LABEL) for c in self.categories),
                     default=0.0)
        if out.rotate_labels:  # slanted labels take at most a fifth of the height
            widest = min(widest, max(60.0, (self.height() * 0.2 - line) / 0.71))
        out.label_width = widest
        labels = (widest * 0.71 + line if out.rotate_labels else rows * line) + 8
        bottom = self.height() - margin - labels - (line + 4 if self.note else 0)
        n = max(len(self.series), 1)
        width = min(out.slot * 0.8 / n, MAX_BAR)
        gap = (out.slot - width * n) / 2  # the group is centred in its slot
        # Value labels: above a bar when they fit its group, else upright along it, else
        # none (the table and the tooltip have the number); room is kept above the plot.
        small = QFontMetricsF(self.small_font())
        modes: dict[tuple[int, int], str] = {}
        room = small.height()
        for s, series in enumerate(self.series):
            for c, value in enumerate(series.values):
                if value is None:
                    continue
                text = small.horizontalAdvance(self.value_text(value,
                                                               series.qualifiers[c]))
                if text <= width + out.slot * 0.1:
                    modes[s, c] = "above"
                elif width >= small.height() * 0.9:
                    modes[s, c] = "upright"
                    room = max(room, text + 4)
                else:
                    modes[s, c] = "none"
        top += min(room, self.height() * 0.2)
        out.plot = QRectF(left, top, max(right - left, 1), max(bottom - top, 1))
        for s, series in enumerate(self.series):
            for c, value in enumerate(series.values):
                if value is None:
                    continue
                height = out.plot.height() * value / out.top
                if value > 0:
                    height = max(height, 2.0)  # a small figure stays visible; its label says it
                x = left + c * out.slot + gap + s * width
                rect = QRectF(x + 1, out.plot.bottom() - height, max(width - 2, 1), height)
                out.bars.append(Bar(s, c, self._mirror(rect), modes[s, c]))
        return out

    def small_font(self) -> QFont:
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6.0))
        return small

    # -- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        text_color = self.palette().text().color()
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        rtl = self.layoutDirection() == Qt.LayoutDirection.RightToLeft
        # The geometry is mirrored by hand, so alignments are absolute (QPainter would
        # otherwise flip them a second time in a right-to-left layout).
        absolute = Qt.AlignmentFlag.AlignAbsolute
        left, right = Qt.AlignmentFlag.AlignLeft | absolute, Qt.AlignmentFlag.AlignRight | absolute
        lead, trail = (right, left) if rtl else (left, right)
        middle = Qt.AlignmentFlag.AlignVCenter
        if self.title:
            bold = QFont(self.font())
            bold.setBold(True)
            bold.setPointSizeF(self.font().pointSizeF() * 1.15)
            painter.setFont(bold)
            painter.setPen(text_color)
            painter.drawText(QRectF(10, 10, self.width() - 20, line * 1.3), lead | middle,
                             self.title)
            painter.setFont(self.font())
        if self.is_empty():
            painter.setPen(text_color)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter,
                             _("No figures to show."))
            return
        out = self.chart_layout()
        plot = out.plot
        # legend
        for swatch, index in out.legend:
            box = self._mirror(swatch)
            painter.fillRect(box, self.color(index))
            text = metrics.elidedText(self.series[index].name, Qt.TextElideMode.ElideRight,
                                      MAX_LEGEND)
            label = self._mirror(QRectF(swatch.right() + 6, swatch.center().y() - line / 2,
                                        MAX_LEGEND + 4, line))
            painter.setPen(text_color)
            painter.drawText(label, lead | middle, text)
        # gridlines and the value axis
        grid = QPen(QColor(0, 0, 0, 40))
        for tick_value in range(0, out.top + 1, out.step):
            y = plot.bottom() - plot.height() * tick_value / out.top
            painter.setPen(grid)
            painter.drawLine(self._mirror(QRectF(plot.left(), y, plot.width(), 0)).topLeft(),
                             self._mirror(QRectF(plot.left(), y, plot.width(), 0)).topRight())
            painter.setPen(text_color)
            tick = self._mirror(QRectF(0, y - line / 2, plot.left() - 6, line))
            painter.drawText(tick, trail | middle, fmt.number(tick_value))
        painter.setPen(QPen(text_color, 1))
        axis = self._mirror(QRectF(plot.left(), plot.top(), 0, plot.height()))
        painter.drawLine(axis.topLeft(), axis.bottomLeft())
        # bars and their values
        small_metrics = QFontMetricsF(self.small_font())
        painter.setFont(self.small_font())
        for bar in out.bars:
            series = self.series[bar.series]
            value = series.values[bar.category]
            painter.fillRect(bar.rect, self.color(bar.series))
            if value is None or bar.label == "none":
                continue
            text = self.value_text(value, series.qualifiers[bar.category])
            painter.setPen(text_color)
            if bar.label == "above":
                painter.drawText(QRectF(bar.rect.center().x() - out.slot / 2,
                                        bar.rect.top() - small_metrics.height() - 1, out.slot,
                                        small_metrics.height()),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                                 text)
            else:  # upright along the bar
                painter.save()
                painter.translate(bar.rect.center().x() + small_metrics.ascent() / 2 - 1,
                                  bar.rect.top() - 3)
                painter.rotate(-90)
                painter.drawText(QPointF(0, 0), text)
                painter.restore()
        painter.setFont(self.font())
        painter.setPen(QPen(text_color, 1))
        base = self._mirror(QRectF(plot.left(), plot.bottom(), plot.width(), 0))
        painter.drawLine(base.topLeft(), base.topRight())
        # category labels
        rows = max((len(lines) for lines in out.labels), default=1)
        for c, category in enumerate(self.categories):
            slot = self._mirror(QRectF(plot.left() + c * out.slot + 3, plot.bottom() + 4,
                                       out.slot - 6, rows * line))
            if not out.rotate_labels:  # whole, one line or wrapped at spaces
                for n, part in enumerate(out.labels[c]):
                    painter.drawText(QRectF(slot.left(), slot.top() + n * line, slot.width(),
                                            line),
                                     Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                                     part)
                continue
            text = metrics.elidedText(category, Qt.TextElideMode.ElideRight, out.label_width)
            width = metrics.horizontalAdvance(text) + 2
            painter.save()
            painter.translate(slot.center().x(), slot.top() + 2)
            painter.rotate(45 if rtl else -45)
            box = QRectF(0 if rtl else -width, 0, width, line)
            painter.drawText(box, (left if rtl else right) | middle, text)
            painter.restore()
        if self.note:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(QRectF(10, self.height() - 10 - line, self.width() - 20, line),
                             lead | middle, self.note)

    # -- tooltips -----------------------------------------------------------------------

    def bar_at(self, point: QPointF) -> Bar | None:
        return next((b for b in self.chart_layout().bars if b.rect.adjusted(0, -4, 0, 0)
                     .contains(point)), None)

    def category_at(self, point: QPointF) -> int | None:
        """The category whose label lies under the point (below the axis), if any."""
        out = self.chart_layout()
        below = point.y() - out.plot.bottom()
        rows = max((len(lines) for lines in out.labels), default=1)
        height = (out.label_width * 0.71 if out.rotate_labels else rows * QFontMetricsF(
            self.font()).height()) + 8
        if not self.categories or not 0 <= below <= height or out.slot <= 0:
            return None
        x = point.x()
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            x = self.width() - x
        index = math.floor((x - out.plot.left()) / out.slot)
        return index if 0 <= index < len(self.categories) else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bar = self.bar_at(QPointF(event.pos()))
            category = self.category_at(QPointF(event.pos())) if bar is None else None
            if category is not None:  # a label, whole (it may be drawn shortened)
                QToolTip.showText(event.globalPos(), "<qt>" + html.escape(
                    self.categories[category]) + "</qt>", self)
                return True
            if bar is None:
                QToolTip.hideText()
                event.ignore()
                return True
            series = self.series[bar.series]
            value = series.values[bar.category]
            lines = [self.categories[bar.category], series.name,
                     stats.qualified(value or 0, series.qualifiers[bar.category], fmt.number)]
            if bar.category < len(series.details) and series.details[bar.category]:
                lines[-1] = series.details[bar.category]
            # Names come from records: escaped, so a tooltip never renders them as markup.
            QToolTip.showText(event.globalPos(),
                              "<qt>" + "<br>".join(html.escape(t) for t in lines) + "</qt>",
                              self)
            return True
        return super().event(event)
