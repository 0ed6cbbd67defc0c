"""导出同步包: recipients → incremental/full → target (USB drives first) → progress → result.

The engine writes a temp file, renames it and reads the package back to verify it; the
wizard only gathers the choices and shows the outcome.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import clock
from desktop.errors import UnionDeskError
from desktop.progress import Cancelled
from desktop.sync import office
from desktop.sync.office import ExportResult
from desktop.views.context import AppContext
from desktop.views.sync import files
from desktop.views.widgets import messages

SETUP, RESULT = range(2)
NodeRole = Qt.ItemDataRole.UserRole + 1
VolumeRole = Qt.ItemDataRole.UserRole + 2


def default_file_name(office: str, now: datetime | None = None) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "", office)[:20]
    stamp = (now or clock.current().now()).strftime("%Y%m%d-%H%M")
    return f"同步包-{safe + '-' if safe else ''}{stamp}{files.PACKAGE_SUFFIX}"


class ExportWizard(QDialog):
    exported = Signal(object)  # ExportResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("导出同步包")
        self.resize(640, 560)
        self.chosen_file: Path | None = None
        self.export_result: ExportResult | None = None
        peers = [p for p in office.peers(ctx.db).peers if p.trusted]
        self.file_name = default_file_name(office.this_office(ctx.db).name)

        self.recipients = QListWidget()
        for p in peers:
            revoked = p.revoked_after is not None
            item = QListWidgetItem(
                f"{p.name or '（未命名单位）'}　指纹 {p.fingerprint[:11]}…"
                + ("　（已撤销信任）" if revoked else "")
            )
            item.setData(NodeRole, p.node_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if revoked else Qt.CheckState.Checked)
            self.recipients.addItem(item)
        self.no_peers = QLabel("还没有信任单位：请先在“数据同步”页面“添加信任单位”，再导出。")
        self.no_peers.setVisible(not peers)
        box_to = QGroupBox("1. 发给哪些单位（只有勾选的单位能打开这个包）")
        lay = QVBoxLayout(box_to)
        lay.addWidget(self.no_peers)
        lay.addWidget(self.recipients)

        self.incremental = QRadioButton("增量（推荐）：只包含对方还没有收到的修改")
        self.full = QRadioButton("全量：包含全部数据（首次同步，或对方重装电脑后使用）")
        self.incremental.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.incremental)
        group.addButton(self.full)
        box_mode = QGroupBox("2. 包含哪些修改")
        lay = QVBoxLayout(box_mode)
        lay.addWidget(self.incremental)
        lay.addWidget(self.full)

        self.volumes = QListWidget()
        self.volumes.setMaximumHeight(90)
        self.other_button = QPushButton("选择其他位置…")
        self.refresh_button = QPushButton("刷新U盘列表")
        self.target_label = QLabel()
        self.target_label.setWordWrap(True)
        self.target_label.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        row.addWidget(self.refresh_button)
        row.addWidget(self.other_button)
        row.addStretch(1)
        box_target = QGroupBox("3. 保存到（插入U盘后选择）")
        lay = QVBoxLayout(box_target)
        lay.addWidget(self.volumes)
        lay.addLayout(row)
        lay.addWidget(self.target_label)

        setup = QWidget()
        lay = QVBoxLayout(setup)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(box_to, 1)
        lay.addWidget(box_mode)
        lay.addWidget(box_target)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stack = QStackedWidget()
        self.stack.addWidget(setup)
        self.stack.addWidget(self.result_label)

        self.export_button = QPushButton("导出")
        self.close_button = QPushButton("关闭")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

        self.recipients.itemChanged.connect(lambda _i: self._update())
        self.volumes.currentRowChanged.connect(self._volume_chosen)
        self.other_button.clicked.connect(self.choose_other)
        self.refresh_button.clicked.connect(self.load_volumes)
        self.export_button.clicked.connect(self.start_export)
        self.close_button.clicked.connect(self.close)
        self.load_volumes()

    # -- choices ---------------------------------------------------------------------------
    def load_volumes(self) -> None:
        self.volumes.clear()
        for volume in files.removable_volumes():
            item = QListWidgetItem(volume.describe())
            item.setData(VolumeRole, str(volume.root))
            self.volumes.addItem(item)
        if self.volumes.count() == 0:
            item = QListWidgetItem("未发现U盘。请插入U盘后点“刷新U盘列表”，或“选择其他位置…”")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.volumes.addItem(item)
        elif self.chosen_file is None:
            self.volumes.setCurrentRow(0)
        self._update()

    def _volume_chosen(self, row: int) -> None:
        item = self.volumes.item(row)
        if item is not None and item.data(VolumeRole):
            self.chosen_file = None
        self._update()

    def choose_other(self) -> None:
        path = files.save_package_path(self, self.file_name)
        if path is not None:
            self.chosen_file = path
            self.volumes.clearSelection()
            self.volumes.setCurrentRow(-1)
            self._update()

    def selected_nodes(self) -> list[str]:
        return [
            str(self.recipients.item(i).data(NodeRole))
            for i in range(self.recipients.count())
            if self.recipients.item(i).checkState() == Qt.CheckState.Checked
        ]

    def target(self) -> Path | None:
        if self.chosen_file is not None:
            return self.chosen_file
        item = self.volumes.currentItem()
        root = item.data(VolumeRole) if item is not None else None
        return Path(root) / self.file_name if root else None

    def _update(self) -> None:
        target = self.target()
        self.target_label.setText(f"将保存为：{target}" if target else "尚未选择保存位置")
        self.export_button.setEnabled(bool(self.selected_nodes()) and target is not None)

    # -- export ----------------------------------------------------------------------------
    def start_export(self) -> None:
        target = self.target()
        nodes = self.selected_nodes()
        if target is None or not nodes:
            return
        if target.exists() and not messages.confirm(
            self, "导出同步包", f"文件 {target} 已存在，要覆盖它吗？"
        ):
            return
        full = self.full.isChecked()
        db = self.ctx.db

        def work(progress: Any, cancel: Any) -> ExportResult:
            # progress per step; cancel honoured until the verified file takes its name
            return office.export_package(db, target, nodes, full, progress, cancel)

        self.export_button.setEnabled(False)
        self.ctx.runner.run(
            work,
            title="正在导出同步包…",
            parent=self,
            on_done=self._done,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self._update()
        if isinstance(exc, Cancelled):
            self.ctx.status_message.emit("已取消导出同步包：没有写入文件，也没有记录")
            return
        text = exc.message if isinstance(exc, UnionDeskError) else f"意外错误：{exc!r}"
        messages.error(self, "导出失败", text)

    def _done(self, result: ExportResult) -> None:
        self.export_result = result
        kind = "全量" if self.full.isChecked() else "增量"
        if result.ack_only:
            content = (
                "回执包：对方已有本机的全部修改，本包只告诉对方本机已收到哪些修改，"
                "不含任何数据。对方导入后就不会再重复发送这些修改"
            )
        else:
            content = f"{kind}，{result.changes} 条修改，{result.attachments} 个附件"
        self.result_label.setText(
            f"✔ 同步包已导出并回读校验通过。\n\n文件：{result.path}\n"
            f"内容：{content}，{result.size / 1024:.1f} KB\n"
            f"收件单位：{len(result.recipients)} 个\n\n"
            "请把U盘交给对方单位，在对方电脑的“数据同步”页面点“导入同步包”。"
        )
        self.stack.setCurrentIndex(RESULT)
        self.export_button.setVisible(False)
        self.close_button.setText("完成")
        self.ctx.changed("sync")
        self.ctx.status_message.emit(f"已导出同步包 {Path(result.path).name}")
        self.exported.emit(result)
