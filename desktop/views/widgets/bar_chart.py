"""A small horizontal bar chart painted with QPainter (QtCharts is not installed).

Each bar has a label on the left, its value on the right and, optionally, a thinner grey
bar under it for a comparison figure (last year). Bars with a ``key`` are clickable:
``bar_clicked(key)`` is emitted, the cursor becomes a hand over them. A highlighted bar
(e.g. the 16–34 新生代 band) is painted in the accent colour.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

BAR_COLOUR = QColor("#1e88e5")
# Endings of organisation names that say what kind of body it is, not which one.
_FORM_ENDINGS = (
    "工会委员会",
    "工会联合会",
    "联合工会",
    "工会",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "实业",
)
HIGHLIGHT_COLOUR = QColor("#e53935")
COMPARE_COLOUR = QColor("#b0bec5")
TEXT_COLOUR = QColor("#263238")
MUTED_COLOUR = QColor("#607d8b")


def short_label(label: str, common_prefix: str = "") -> str:
    """``label`` without the beginning every bar shares and its organisation-form endings;
    unchanged when nothing would be left."""
    core = label[len(common_prefix) :] if label.startswith(common_prefix) else label
    trimmed = True
    while trimmed:
        trimmed = False
        for ending in _FORM_ENDINGS:
            if core.endswith(ending) and len(core) > len(ending):
                core = core[: -len(ending)]
                trimmed = True
    return core or label


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    key: Any = None  # what a click reports; None → not clickable
    compare: float | None = None  # e.g. last year's figure, drawn grey underneath
    highlight: bool = False
    text: str | None = None  # value as shown (default: the number with separators)
    tooltip: str | None = None


class BarChart(QWidget):
    bar_clicked = Signal(object)

    ROW = 30  # pixels per bar
    PAD = 8

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: tuple[Bar, ...] = ()
        self.legend: tuple[str, str] | None = None  # (this, compare) labels
        self.empty_text = "暂无数据"
        self.click_hint = "点击查看名单"
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    # ---- data ------------------------------------------------------------------------

    def set_bars(self, bars: list[Bar] | tuple[Bar, ...]) -> None:
        self.bars = tuple(bars)
        self.updateGeometry()
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def set_legend(self, current: str, compare: str) -> None:
        self.legend = (current, compare)
        self._fit_height()
        self.update()

    def _fit_height(self) -> None:
        height = self.sizeHint().height()
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """A narrower chart may move its legend under the title, which takes a line."""
        super().resizeEvent(event)
        self._fit_height()

    # ---- geometry --------------------------------------------------------------------

    def _header_height(self) -> int:
        if not self.title:
            return self.PAD
        line = QFontMetrics(self.font()).height()
        return line * (2 if self._legend_below() else 1) + self.PAD * 2

    def _legend_width(self, fm: QFontMetrics) -> int:
        if self.legend is None:
            return 0
        return sum(fm.horizontalAdvance(label) + 14 + self.PAD * 2 for label in self.legend)

    def _legend_below(self) -> bool:
        """True when title and legend do not fit side by side: the legend takes its own
        line rather than being painted over the title."""
        if self.legend is None or not self.title:
            return False
        bold = self.font()
        bold.setBold(True)
        title_w = QFontMetrics(bold).horizontalAdvance(self.title)
        return title_w + self._legend_width(QFontMetrics(self.font())) + self.PAD * 3 > self.width()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        rows = max(len(self.bars), 1)
        return QSize(360, self._header_height() + rows * self.ROW + self.PAD)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(240, self.sizeHint().height())

    def _label_width(self) -> int:
        fm = QFontMetrics(self.font())
        widest = max((fm.horizontalAdvance(b.label) for b in self.bars), default=0)
        # Up to 45% of the width: long union names keep the part that tells them apart.
        return min(widest + self.PAD * 2, max(self.width() * 9 // 20, 80))

    def _value_width(self) -> int:
        fm = QFontMetrics(self.font())
        widest = max((fm.horizontalAdvance(self._text(b)) for b in self.bars), default=0)
        return widest + self.PAD * 2

    def row_rect(self, index: int) -> QRect:
        """The whole clickable row of bar ``index`` (label, bar and value)."""
        top = self._header_height() + index * self.ROW
        return QRect(0, top, self.width(), self.ROW)

    def bar_at(self, pos: QPoint) -> int:
        for i in range(len(self.bars)):
            if self.row_rect(i).contains(pos):
                return i
        return -1

    def shown_label(self, label: str, fm: QFontMetrics, width: int) -> str:
        """The label as painted in ``width`` pixels (the tooltip keeps it whole).

        Union names share their beginning and end (成都市……有限公司工会委员会), so
        eliding in the middle shows every bar as 成都市…委员会. A name that does not fit
        loses the beginning all bars share and the company-form ending first, keeping
        the words that tell the unions apart (晨光五金制品).
        """
        if fm.horizontalAdvance(label) <= width:
            return label
        short = short_label(label, self._common_prefix())
        return fm.elidedText(short, Qt.TextElideMode.ElideRight, width)

    def _common_prefix(self) -> str:
        labels = [b.label for b in self.bars]
        return os.path.commonprefix(labels) if len(labels) > 1 else ""

    @staticmethod
    def _text(bar: Bar) -> str:
        if bar.text is not None:
            return bar.text
        value = f"{bar.value:,.0f}"
        if bar.compare is not None:
            value += f"（上年 {bar.compare:,.0f}）"
        return value

    # ---- painting --------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        if self.title:
            bold = self.font()
            bold.setBold(True)
            p.setFont(bold)
            p.setPen(TEXT_COLOUR)
            p.drawText(self.PAD, self.PAD + fm.ascent(), self.title)
            p.setFont(self.font())
            if self.legend:
                self._paint_legend(p, fm)
        if not self.bars:
            p.setPen(MUTED_COLOUR)
            p.drawText(self.row_rect(0), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            return
        label_w = self._label_width()
        value_w = self._value_width()
        span = max(self.width() - label_w - value_w - self.PAD, 20)
        top_value = max((max(b.value, b.compare or 0) for b in self.bars), default=0) or 1
        for i, bar in enumerate(self.bars):
            row = self.row_rect(i)
            p.setPen(HIGHLIGHT_COLOUR if bar.highlight else TEXT_COLOUR)
            label_rect = QRect(self.PAD, row.top(), label_w - self.PAD * 2, row.height())
            p.drawText(
                label_rect,
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                self.shown_label(bar.label, fm, label_rect.width()),
            )
            h = row.height() - 10
            main_h = h if bar.compare is None else h * 0.62
            width = span * bar.value / top_value
            colour = HIGHLIGHT_COLOUR if bar.highlight else BAR_COLOUR
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(QRectF(label_w, row.top() + 5, max(width, 1.5), main_h), 2, 2)
            if bar.compare is not None:
                p.setBrush(COMPARE_COLOUR)
                cw = span * bar.compare / top_value
                p.drawRoundedRect(
                    QRectF(label_w, row.top() + 5 + main_h + 1, max(cw, 1.5), h - main_h - 1), 1, 1
                )
            p.setPen(TEXT_COLOUR)
            p.drawText(
                QRect(label_w + int(width) + self.PAD, row.top(), value_w + span, row.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self._text(bar),
            )

    def _paint_legend(self, p: QPainter, fm: QFontMetrics) -> None:
        assert self.legend is not None
        x = self.width() - self.PAD
        y = self.PAD + (fm.height() if self._legend_below() else 0)
        for label, colour in reversed(
            list(zip(self.legend, (BAR_COLOUR, COMPARE_COLOUR), strict=True))
        ):
            w = fm.horizontalAdvance(label)
            x -= w
            p.setPen(MUTED_COLOUR)
            p.drawText(x, y + fm.ascent(), label)
            x -= 14
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRect(QRectF(x, y + fm.ascent() - 9, 10, 10))
            x -= self.PAD * 2

    # ---- mouse -----------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        i = self.bar_at(event.position().toPoint())
        clickable = i >= 0 and self.bars[i].key is not None
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if clickable else Qt.CursorShape.ArrowCursor
        )
        if i >= 0:
            bar = self.bars[i]
            tip = bar.tooltip or f"{bar.label}：{self._text(bar)}"
            if clickable:
                tip += f"\n{self.click_hint}"
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            i = self.bar_at(event.position().toPoint())
            if i >= 0 and self.bars[i].key is not None:
                self.bar_clicked.emit(self.bars[i].key)
                return
        super().mouseReleaseEvent(event)
