"""备份与恢复 page: the backups (time, reason, size, check, second copy), 立即备份, 校验,
恢复…, 从其他位置恢复… (a backup on a USB stick, e.g. on a new PC), 打开备份文件夹, and the
backup settings (how many to keep, the second-copy folder). A backup made under another
PC's key asks for that PC's administrator password or recovery key first (the unlock
dialog on the backup's ``.keys.json``).

Backing up and checking run on the task runner with a progress dialog; a restore asks a
confirmation that names the backup's date and says the current data is moved aside (not
deleted), runs off the GUI thread, then hands the reopened registry to the main window
(``AppContext.replace_database``), which rebuilds its pages on it and shows what happens
next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.opening import open_database
from desktop.services.backups import catalog, options, restoring
from desktop.services.backups.catalog import BackupEntry
from desktop.storage import keys
from desktop.views.context import AppContext
from desktop.views.qtmodels import backup_table as bt
from desktop.views.qtmodels.backup_table import BackupTableModel
from desktop.views.unlock import flow as unlock_flow
from desktop.views.unlock.dialog import UnlockDialog
from desktop.views.widgets import messages, tables
from desktop.views.widgets.field_error import FieldMessage

#: The page on the federation hub (PostgreSQL): nothing here backs it up or restores it.
HUB_NOTE = (
    "这是总库（PostgreSQL）：它由数据库管理员用 pg_dump 备份、从 pg_dump 的备份恢复，"
    "本程序不在总库上做文件备份，导入和升级之前也不做。请联系数据库管理员确认总库已按计划备份。"
)


def create_page(ctx: AppContext) -> QWidget:
    return BackupsPage(ctx)


def choose_folder(parent: QWidget) -> str:
    """The folder dialog (a seam tests replace): "" when the clerk cancels."""
    return QFileDialog.getExistingDirectory(parent, "选择第二份备份的文件夹或 U 盘")


def choose_backup_file(parent: QWidget) -> str:
    """The file dialog for a backup elsewhere (a seam tests replace): "" when cancelled."""
    path, _filter = QFileDialog.getOpenFileName(
        parent, "选择要恢复的备份文件", "", "工会桌面通备份 (*.udbak *.db)"
    )
    return path


class BackupsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.hub = not ctx.db.takes_file_backups
        self.backup_button = QPushButton("立即备份", self)
        self.verify_button = QPushButton("校验", self)
        self.restore_button = QPushButton("恢复…", self)
        self.other_button = QPushButton("从其他位置恢复…", self)
        self.other_button.setToolTip(
            "用 U 盘或其他文件夹中的备份恢复（它旁边须有同名的 .keys.json）"
        )
        self.folder_button = QPushButton("打开备份文件夹", self)
        self.count_label = QLabel(self)
        self.message = FieldMessage(self)
        self.model = BackupTableModel(self)
        self.table = tables.RecordTable(
            self,
            empty_text=HUB_NOTE
            if self.hub
            else "还没有备份。按「立即备份」做第一份；每次导入、升级和同步之前也会自动备份。",
        )
        self.table.setObjectName("backups_table")
        self.table.setModel(self.model)
        tables.record_list(self.table)
        for column, width in ((bt.COL_TIME, 170), (bt.COL_REASON, 110), (bt.COL_SIZE, 90)):
            self.table.setColumnWidth(column, width)
        self.table.setColumnWidth(bt.COL_VERIFIED, 190)

        self.keep = QSpinBox(self)
        self.keep.setRange(options.KEEP_MIN, options.KEEP_MAX)
        self.keep.setSuffix(" 份")
        self.keep_button = QPushButton("保存", self)
        self.second_dir = QLineEdit(self)
        self.second_dir.setReadOnly(True)
        self.second_dir.setPlaceholderText("未设置：只在本机备份")
        self.choose_button = QPushButton("选择文件夹…", self)
        self.clear_button = QPushButton("不再复制", self)
        settings = QGroupBox("备份设置", self)
        form = QFormLayout(settings)
        keep_row = QHBoxLayout()
        keep_row.addWidget(self.keep)
        keep_row.addWidget(self.keep_button)
        keep_row.addWidget(QLabel("另外每个月最新的一份备份保留一年", settings))
        keep_row.addStretch(1)
        form.addRow("保留最近", keep_row)
        second_row = QHBoxLayout()
        second_row.addWidget(self.second_dir, 1)
        second_row.addWidget(self.choose_button)
        second_row.addWidget(self.clear_button)
        form.addRow("第二份备份（U 盘或其他文件夹）", second_row)

        bar = QHBoxLayout()
        for button in (
            self.backup_button,
            self.verify_button,
            self.restore_button,
            self.other_button,
            self.folder_button,
        ):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(settings)

        self.backup_button.clicked.connect(self.back_up)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.other_button.clicked.connect(self.restore_other)
        self.folder_button.clicked.connect(self.open_folder)
        self.keep_button.clicked.connect(self.save_keep)
        self.choose_button.clicked.connect(self.choose_second_dir)
        self.clear_button.clicked.connect(lambda: self._set_second_dir(None))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.settings_box = settings
        self.refresh()

    # -- showing -------------------------------------------------------------------------

    def refresh(self) -> None:
        db = self.ctx.db
        rows = [] if self.hub else catalog.list_backups(db)
        self.model.set_rows(rows)
        self.count_label.setText(f"共 {len(rows)} 份备份")
        self.keep.setValue(options.keep_count(db))
        second = options.second_copy_dir(db)
        self.second_dir.setText(str(second) if second else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        """What the account may do here: a backup rotates the oldest out of the kept ones
        (修改数据); restoring and the settings are an administrator's. On the hub this PC's
        backups folder holds offices' files, never the hub's: nothing but checking."""
        actor = acting.current()
        writes = actor.may(acting.WRITE) and not self.hub
        administers = actor.may(acting.ADMINISTER) and not self.hub
        chosen = self.selected() is not None and not self.hub
        self.backup_button.setEnabled(writes)
        self.other_button.setEnabled(administers)
        self.folder_button.setEnabled(not self.hub)
        self.settings_box.setEnabled(administers)
        self.verify_button.setEnabled(chosen)
        self.restore_button.setEnabled(chosen and administers)

    def selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return None if not rows else self.model.rows[rows[0].row()]

    def select_name(self, name: str) -> None:
        names = [e.name for e in self.model.rows]
        if name in names:
            self.table.selectRow(names.index(name))

    # -- back up and check ---------------------------------------------------------------

    def back_up(self) -> None:
        db = self.ctx.db
        self.ctx.runner.run(
            lambda _progress, _cancel: catalog.create(db),
            title="正在备份并校验…",
            parent=self,
            on_done=self._backed_up,
            on_error=self._failed,
            cancellable=False,
        )

    def _backed_up(self, made: catalog.Created) -> None:
        self.refresh()
        self.select_name(made.backup.name)
        where = f"，第二份已复制到 {made.second_copy.parent}" if made.second_copy else ""
        self.message.show_hint(
            f"已备份并校验：{made.backup.created:%Y-%m-%d %H:%M:%S}（{made.backup.name}）{where}"
        )
        if made.warning:
            messages.warn(self, "第二份备份没有写入", made.warning)

    def verify_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            self.message.show_error("请先在表格中选择一份备份。")
            return
        db = self.ctx.db
        self.ctx.runner.run(
            lambda _progress, _cancel: catalog.verify(db, entry.name),
            title="正在校验备份…",
            parent=self,
            on_done=self._verified,
            on_error=self._failed,
            cancellable=False,
        )

    def _verified(self, result: catalog.Verified) -> None:
        self.refresh()
        self.select_name(result.name)
        if result.ok:
            self.message.show_hint(f"备份 {result.name} 校验通过，可以用来恢复。")
        else:
            self.message.show_error(
                f"备份 {result.name} 校验未通过（{'；'.join(result.findings[:2])}），"
                "不要用它恢复，请选择另一份备份。"
            )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UnionDeskError):
            self.message.show_error(exc.message)
        else:
            self.message.show_error("操作失败：程序内部错误，详情已写入日志。请联系技术支持。")
        self.refresh()

    # -- restore -------------------------------------------------------------------------

    def restore_selected(self) -> None:
        entry = self.selected()
        if entry is None:
            self.message.show_error("请先在表格中选择要恢复的备份。")
            return
        self._restore(
            entry.path, f"{entry.created:%Y年%m月%d日 %H:%M} 的备份（{entry.reason_label}）"
        )

    def restore_other(self) -> None:
        """A backup file elsewhere: a USB stick's second copy, or a new PC's only copy."""
        chosen = choose_backup_file(self)
        if not chosen:
            return
        path = Path(chosen)
        made = catalog.made_at(path)
        self._restore(
            path, f"{made:%Y年%m月%d日 %H:%M} 的备份 {path.name}" if made else f"备份 {path.name}"
        )

    def _restore(self, path: Path, what: str) -> None:
        if self.ctx.runner.busy:
            self.message.show_error("后台还有任务在进行（如统计、导入），请等它完成后再恢复。")
            return
        ring_file = keys.locked_ring(path)
        if ring_file is not None:  # another PC's key: its administrator or recovery key
            dialog = UnlockDialog(self.ctx.db.paths, self, ring_file=ring_file)
            if not unlock_flow.ask(dialog):
                return
        text = (
            f"用{what}恢复数据库？\n\n"
            "当前数据库会移到备份文件夹中的 replaced-… 文件夹保留（不会删除）；"
            "这份备份之后在本机录入的数据将不在恢复后的数据库中。\n\n"
            "恢复后请与各单位各交换一次同步包，对方会补发备份之后的数据。"
        )
        if not messages.confirm(self, "恢复备份", text, yes="恢复", no="取消"):
            return
        db = self.ctx.db
        self.ctx.runner.run(
            lambda _progress, _cancel: restoring.restore(db, path, open_database),
            title="正在恢复备份…",
            parent=self,
            on_done=self._restored,
            on_error=self._restore_failed,
            cancellable=False,
        )

    def _restored(self, result: restoring.Restored) -> None:
        self.message.show_hint(result.message)
        self.ctx.replace_database(result.db, result.message)

    def _restore_failed(self, exc: BaseException) -> None:
        reopened = getattr(exc, "db", None)
        if reopened is not None and reopened is not self.ctx.db:
            self.ctx.replace_database(reopened, "")
        message = exc.message if isinstance(exc, UnionDeskError) else "恢复失败：程序内部错误。"
        messages.error(self, "恢复失败", message)
        if reopened is None or reopened is self.ctx.db:
            self.message.show_error(message)

    # -- settings and the folder ---------------------------------------------------------

    def save_keep(self) -> None:
        try:
            options.set_keep_count(self.ctx.db, self.keep.value())
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.message.show_hint(f"已保存：保留最近 {self.keep.value()} 份备份，下次备份时生效。")

    def choose_second_dir(self) -> None:
        chosen = choose_folder(self)
        if chosen:
            self._set_second_dir(chosen)

    def _set_second_dir(self, folder: str | None) -> None:
        try:
            options.set_second_copy_dir(self.ctx.db, folder)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self.refresh()
        self.message.show_hint(
            f"以后每次「立即备份」都会再复制一份到 {folder}。" if folder else "已关闭第二份备份。"
        )

    def open_folder(self) -> None:
        folder = self.ctx.db.paths.backups
        if not folder.is_dir():
            self.message.show_error("还没有任何备份。请先点「立即备份」。")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            messages.warn(self, "无法打开备份文件夹", f"备份文件夹在：\n{folder}")

    def navigate(self, **_params: Any) -> None:
        self.refresh()
