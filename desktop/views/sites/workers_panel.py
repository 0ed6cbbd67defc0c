"""社会化工会工作者 of the selected site (or of all sites): contract period, assigned
site; add and edit in a dialog. Phones are masked in the list, as everywhere."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.models.codes import GENDER, WORKER_STATUS
from desktop.models.masking import mask_phone
from desktop.services import sites
from desktop.services.sites import SiteRecord, WorkerRecord
from desktop.views.context import AppContext
from desktop.views.sites.common import list_table, selected_row
from desktop.views.sites.record_table import Column, RecordTableModel
from desktop.views.sites.worker_dialog import WorkerDialog

# A contract ending within this many days is flagged so it can be renewed in time.
EXPIRY_WARNING_DAYS = 60


def contract_text(w: WorkerRecord) -> str:
    if w.contract_start is None and w.contract_end is None:
        return ""
    start = w.contract_start.isoformat() if w.contract_start else "？"
    end = w.contract_end.isoformat() if w.contract_end else "？"
    return f"{start} 至 {end}"


def status_text(w: WorkerRecord, today: date | None = None) -> str:
    label = WORKER_STATUS.label(w.status)
    day = today or clock.current().today()
    if w.status == "active" and w.contract_end is not None and w.contract_end < day:
        return f"{label}（合同已到期）"
    if w.status == "active" and w.contract_expires_within(day, EXPIRY_WARNING_DAYS):
        return f"{label}（合同即将到期）"
    return label


COL_SITE = 4
COLUMNS: tuple[Column[WorkerRecord], ...] = (
    Column("姓名", lambda w: w.name),
    Column("性别", lambda w: GENDER.label(w.gender)),
    Column("手机号", lambda w: mask_phone(w.phone)),
    Column("岗位", lambda w: w.position or ""),
    Column("服务阵地", lambda w: w.site_name or "（未分配）"),
    Column("合同期限", contract_text),
    Column("状态", status_text),
)


class WorkersPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.site: SiteRecord | None = None
        self.dialog: QDialog | None = None
        self.model: RecordTableModel[WorkerRecord] = RecordTableModel(COLUMNS, self)
        self.table = list_table(
            self.model, self, empty_text="还没有登记工会工作者：按「新增工作者」登记。"
        )
        for col, width in enumerate((80, 40, 100, 90, 150, 190)):
            self.table.setColumnWidth(col, width)
        self.all_sites = QCheckBox("显示全部阵地", self)
        self.include_left = QCheckBox("含已离职", self)
        self.add_button = QPushButton("新增工作者", self)
        self.edit_button = QPushButton("编辑", self)
        self.count_label = QLabel(self)

        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.all_sites)
        top.addWidget(self.include_left)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        self.all_sites.toggled.connect(lambda _on: self.reload())
        self.include_left.toggled.connect(lambda _on: self.reload())
        self.add_button.clicked.connect(self.add_worker)
        self.edit_button.clicked.connect(self.edit_worker)
        self.table.doubleClicked.connect(lambda _i: self.edit_worker())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.set_site(None)

    def set_site(self, site: SiteRecord | None) -> None:
        self.site = site
        self.reload()

    def reload(self) -> None:
        site_id = None if self.all_sites.isChecked() or self.site is None else self.site.id
        if site_id is None and not self.all_sites.isChecked():
            rows: list[WorkerRecord] = []
        else:
            rows = sites.list_workers(
                self.ctx.db, site_id, include_left=self.include_left.isChecked()
            )
        self.model.set_rows(rows)
        # The site column only tells something when several sites are listed.
        self.table.setColumnHidden(COL_SITE, not self.all_sites.isChecked())
        active = sum(1 for w in rows if w.status == "active")
        self.count_label.setText(f"在岗 {active} 人" if rows else "")

    def selected(self) -> WorkerRecord | None:
        return self.model.record_at(selected_row(self.table))

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def _open(self, dialog: WorkerDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self._saved)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.open()

    def add_worker(self) -> None:
        self._open(WorkerDialog(self.ctx, site_id=self.site.id if self.site else None, parent=self))

    def edit_worker(self) -> None:
        worker = self.selected()
        if worker is not None:
            self._open(WorkerDialog(self.ctx, worker, parent=self))

    def _saved(self) -> None:
        self.reload()
        self.changed.emit()
