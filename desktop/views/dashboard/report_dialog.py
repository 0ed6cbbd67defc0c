"""生成上报报表: the monthly member report or the annual statistics as .xlsx, from the
window (the same ``report_book`` functions as ``uniondesk report monthly|annual``).

The clerk picks the report, the year (and month) and, at an upper office, the
federation; then where to save it. The workbook is written off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.figures import report_book
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.federation_combo import FederationFilterCombo
from desktop.views.widgets.form_dialog import ok_cancel_buttons

MONTHLY, ANNUAL = "monthly", "annual"


class ReportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("生成上报报表")
        self.written: Path | None = None
        today = ctx.db.clock.today()
        self.kind_combo = QComboBox(self)
        self.kind_combo.addItem("会员情况月报表", MONTHLY)
        self.kind_combo.addItem("年度统计表（会员、3+N 服务、会站家、法律援助、困难帮扶）", ANNUAL)
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(2000, today.year)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(" 年")
        self.month_spin = QSpinBox(self)
        self.month_spin.setRange(1, 12)
        self.month_spin.setValue(today.month)
        self.month_spin.setSuffix(" 月")
        self.federation_combo = FederationFilterCombo(ctx.db, self)
        form = QFormLayout()
        form.addRow("报表", self.kind_combo)
        form.addRow("年份", self.year_spin)
        form.addRow("月份", self.month_spin)
        if self.federation_combo.worth_showing():
            form.addRow("联合会", self.federation_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel_buttons(self, "生成…", self.generate))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)

    def _kind_changed(self, _index: int) -> None:
        self.month_spin.setEnabled(self.kind_combo.currentData() == MONTHLY)

    def _default_name(self) -> str:
        year = self.year_spin.value()
        if self.kind_combo.currentData() == MONTHLY:
            return f"会员情况月报表（{year}年{self.month_spin.value()}月）.xlsx"
        return f"年度统计表（{year}年）.xlsx"

    def generate(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存报表", self._default_name(), "Excel 工作簿 (*.xlsx)"
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        kind = self.kind_combo.currentData()
        year, month = self.year_spin.value(), self.month_spin.value()
        federation = self.federation_combo.federation_id()
        db = self.ctx.db

        def work(_progress: Any, _cancel: Any) -> Path:
            if kind == MONTHLY:
                return report_book.write_monthly(db, year, month, path, federation)
            return report_book.write_annual(db, year, path, federation_id=federation)

        def done(out: Path) -> None:
            self.written = out
            messages.inform(self, "报表已生成", f"报表已保存到\n{out}")
            self.ctx.status_message.emit(f"已生成报表：{out.name}")
            self.accept()

        self.ctx.runner.run(
            work,
            title="正在生成报表…",
            parent=self,
            on_done=done,
            on_error=lambda exc: messages.error(self, "无法生成报表", str(exc)),
            cancellable=False,
        )
