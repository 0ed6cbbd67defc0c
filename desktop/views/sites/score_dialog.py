"""评分: score one site against a checklist template. One spin box per item, capped at
the item's maximum; the total and the star level it gives (with what is missing for the
next level) update as the assessor types, using the same rules the save applies."""

from __future__ import annotations

import re

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.services.sites import SiteRecord, evaluations
from desktop.services.sites.evaluations import EvaluationRecord, ItemSpec, TemplateRecord
from desktop.views.context import AppContext
from desktop.views.sites.common import item_title, star_text
from desktop.views.sites.score_spin import ScoreSpin
from desktop.views.widgets.dates import day_of
from desktop.views.widgets.field_error import FieldMessage

ITEM_IN_MESSAGE = re.compile(r"^第 (\d+) 项")


class ScoreDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        site: SiteRecord,
        template: TemplateRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site = site
        self.template = template
        self.record: EvaluationRecord | None = None
        self.setWindowTitle(f"星级评定 — {site.name}")
        self.setMinimumWidth(560)

        heading = QLabel(f"{site.name}（{site.kind_label}）　评分模板：{template.name}", self)
        heading.setWordWrap(True)
        self.date = QDateEdit(QDate(clock.current().today()), self)
        self.date.setMaximumDate(QDate(clock.current().today()))  # held, not planned
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.assessor = QLineEdit(self)
        self.assessor.setPlaceholderText("如 区总工会考核组")
        self.notes = QLineEdit(self)

        self.spins: list[ScoreSpin] = []
        items_host = QWidget(self)
        items = QFormLayout(items_host)
        for n, item in enumerate(template.items, start=1):
            spin = ScoreSpin(items_host)
            spin.setDecimals(1)
            spin.setRange(0, item.max_points)
            spin.setSingleStep(1)
            spin.setSuffix(f" / {item.max_points:g} 分")
            spin.setMinimumWidth(130)
            spin.valueChanged.connect(lambda _v: self.update_total())
            spin.clamped.connect(lambda typed, n=n, item=item: self._clamped(n, item, typed))
            self.spins.append(spin)
            label = QLabel(f"{n}. {item_title(item.title, item.is_bonus)}")
            label.setWordWrap(True)
            items.addRow(label, spin)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(items_host)
        scroll.setMinimumHeight(min(40 + 34 * len(self.spins), 420))

        self.total_label = QLabel(self)
        font = self.total_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.total_label.setFont(font)
        self.shortfall_label = QLabel(self)
        self.shortfall_label.setWordWrap(True)
        self.shortfall_label.setStyleSheet("color: #b26a00;")
        self.message = FieldMessage(self)

        meta = QFormLayout()
        meta.addRow("评定日期", self.date)
        meta.addRow("评定人", self.assessor)
        meta.addRow("备注", self.notes)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存评定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(meta)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.total_label)
        layout.addWidget(self.shortfall_label)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.update_total()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter in a score box moves to the next item instead of saving half a sheet;
        after the last item it lands on 保存评定, so a second Enter saves."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            for n, spin in enumerate(self.spins):
                if focus is spin or focus is spin.lineEdit():
                    if n + 1 < len(self.spins):
                        self.spins[n + 1].setFocus()
                        self.spins[n + 1].selectAll()
                    else:
                        self.save_button.setFocus()
                    return
        super().keyPressEvent(event)

    def _clamped(self, n: int, item: ItemSpec, typed: float) -> None:
        self.message.show_error(
            f"第 {n} 项「{item.title}」：满分 {item.max_points:g} 分，输入的 {typed:g} 分已改为 "
            f"{item.max_points:g} 分，请核对。"
        )

    def items(self) -> tuple[ItemSpec, ...]:
        return self.template.items

    def scores(self) -> dict[str, float]:
        return {
            item.id or "": spin.value()
            for item, spin in zip(self.template.items, self.spins, strict=True)
        }

    def total(self) -> float:
        return round(sum(spin.value() for spin in self.spins), 2)

    def update_total(self) -> None:
        total = self.total()
        base = self.template.base_max
        bonus = sum(i.max_points for i in self.template.items if i.is_bonus)
        out_of = f"基础满分 {base:g}" + (f"，加分项最多 {bonus:g}" if bonus else "")
        try:
            star, shortfalls = evaluations.preview_level(
                self.ctx.db, self.site.id, self.template.id, total
            )
        except UnionDeskError as exc:
            self.total_label.setText(f"合计 {total:g} 分（{out_of}）")
            self.shortfall_label.setText(exc.message)
            return
        self.total_label.setText(f"合计 {total:g} 分（{out_of}）→ {star_text(star)}")
        self.shortfall_label.setText(
            ("未达到下一星级：" + "；".join(shortfalls)) if shortfalls else ""
        )
        self.shortfall_label.setVisible(bool(shortfalls))

    def save(self) -> None:
        # 保存 pressed with 25 still typed in a "/ 10 分" box: correct it, let them look.
        if any([spin.settle() for spin in self.spins]):
            return
        self.message.clear_message()
        try:
            self.record = evaluations.score_site(
                self.ctx.db,
                self.site.id,
                self.template.id,
                self.scores(),
                evaluated_on=day_of(self.date.date()),
                assessor=self.assessor.text(),
                notes=self.notes.text(),
            )
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            match = ITEM_IN_MESSAGE.match(exc.message)
            if match and 0 < int(match.group(1)) <= len(self.spins):
                self.spins[int(match.group(1)) - 1].setFocus()
            return
        self.accept()
