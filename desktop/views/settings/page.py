"""设置: this office's settings, one group per owner, each saved on its own.

Everything is read and written through ``desktop.services.settings.office`` (the same
checks and audit as ``uniondesk settings``); the sync identity comes from
``desktop.sync.office`` and its key card is saved with the sync page's file dialog. An
account without the administrator's permission sees the values read-only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.services.settings import local
from desktop.services.settings import office as settings
from desktop.sync import office as sync_office
from desktop.views.context import AppContext
from desktop.views.settings.form import SettingsGroup

SAVED = "已保存。"
READ_ONLY_NOTE = "当前账号不是管理员，只能查看设置。如需修改，请用管理员账号登录。"


def create_page(ctx: AppContext) -> QWidget:
    return SettingsPage(ctx)


def _line(parent: QWidget, *, max_len: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setMaxLength(max_len)
    edit.setPlaceholderText(placeholder)
    return edit


class SettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        body = QWidget(self)
        column = QVBoxLayout(body)
        self.read_only_note = QLabel(READ_ONLY_NOTE, body)
        self.read_only_note.setWordWrap(True)
        column.addWidget(self.read_only_note)
        self.federation = self._federation_group(body)
        self.card = self._card_group(body)
        self.backups = self._backup_group(body)
        self.security = self._security_group(body)
        self.hardship = self._hardship_group(body)
        self.identity = self._identity_group(body)
        self.groups = (self.federation, self.card, self.backups, self.security, self.hardship)
        for group in (*self.groups, self.identity):
            column.addWidget(group)
        # the hub keeps no file backups (its administrator's pg_dump; 备份与恢复 says so)
        self.backups.setVisible(ctx.db.takes_file_backups)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.data_changed.connect(self._changed_elsewhere)
        self.refresh()

    # -- the groups -------------------------------------------------------------------

    def _federation_group(self, parent: QWidget) -> SettingsGroup:
        group = SettingsGroup("本会信息", parent)
        self.name = _line(group, max_len=100)
        self.credit_code = _line(group, max_len=18, placeholder="18 位，选填")
        self.address = _line(group, max_len=200)
        self.contact_person = _line(group, max_len=50, placeholder="主席或联系人")
        self.contact_phone = _line(group, max_len=20, placeholder="如 0755-12345678")
        group.add_field("name", "本会名称＊", self.name)
        group.add_field("credit_code", "统一社会信用代码", self.credit_code)
        group.add_field("address", "地址", self.address)
        group.add_field("contact_person", "负责人", self.contact_person)
        group.add_field("contact_phone", "联系电话", self.contact_phone)
        group.on_save(self._save_federation)
        return group

    def _card_group(self, parent: QWidget) -> SettingsGroup:
        group = SettingsGroup("会员证", parent)
        self.card_prefix = _line(group, max_len=12, placeholder="如 SZ（字母或数字，12 位以内）")
        group.add_field("card_prefix", "会员证号前缀", self.card_prefix)
        note = QLabel("只影响以后发出的会员证号，已发出的证号不变。", group)
        note.setWordWrap(True)
        group.add_row("", note)
        group.on_save(self._save_card)
        return group

    def _backup_group(self, parent: QWidget) -> SettingsGroup:
        group = SettingsGroup("备份", parent)
        self.backup_keep = QSpinBox(group)
        self.backup_keep.setRange(*local.BACKUP_KEEP_RANGE)
        self.backup_keep.setSuffix(" 份")
        self.second_copy = _line(group, max_len=1000, placeholder="不填表示不另存第二份")
        self.choose_folder = QPushButton("选择…", group)
        self.choose_folder.clicked.connect(self._choose_folder)
        group.add_field("backup_keep", "保留最近备份", self.backup_keep)
        group.add_field(
            "backup_second_copy_dir", "第二份备份的文件夹", self.second_copy, self.choose_folder
        )
        group.on_save(self._save_backups)
        return group

    def _security_group(self, parent: QWidget) -> SettingsGroup:
        group = SettingsGroup("安全", parent)
        self.idle_lock = QSpinBox(group)
        self.idle_lock.setRange(0, local.IDLE_LOCK_RANGE[1])
        self.idle_lock.setSuffix(" 分钟")
        self.idle_lock.setSpecialValueText("从不锁屏")
        group.add_field("idle_lock_minutes", "无操作后锁定窗口", self.idle_lock)
        group.on_save(self._save_security)
        return group

    def _hardship_group(self, parent: QWidget) -> SettingsGroup:
        group = SettingsGroup("困难帮扶", parent)
        self.income_threshold = _line(group, max_len=9, placeholder="元/人·月，不填表示未设置")
        group.add_field("income_threshold", "困难认定收入标准", self.income_threshold)
        note = QLabel("当地困难职工认定标准，只保存在本机，不随同步包传送。", group)
        note.setWordWrap(True)
        group.add_row("", note)
        group.on_save(self._save_hardship)
        return group

    def _identity_group(self, parent: QWidget) -> SettingsGroup:
        group = SettingsGroup("同步身份", parent)
        self.office_name = QLabel(group)
        self.fingerprint = QLabel(group)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_card_button = QPushButton("导出密钥卡…", group)
        self.export_card_button.clicked.connect(self.export_card)
        group.add_row("本机名称", self.office_name)
        group.add_row("本机指纹", self.fingerprint)
        group.add_row("", self.export_card_button)
        group.save_button.hide()  # nothing to edit: the name follows 本会名称
        return group

    # -- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        seen = settings.read(self.ctx.db)
        fed = seen.federation
        self.name.setText(fed.name if fed else "")
        self.credit_code.setText((fed.credit_code if fed else None) or "")
        self.address.setText((fed.address if fed else None) or "")
        self.contact_person.setText((fed.contact_person if fed else None) or "")
        self.contact_phone.setText((fed.contact_phone if fed else None) or "")
        self.card_prefix.setText(seen.card_prefix)
        self.backup_keep.setValue(seen.backup_keep)
        folder = seen.backup_second_copy_dir
        self.second_copy.setText(str(folder) if folder else "")
        self.idle_lock.setValue(seen.idle_lock_minutes)
        threshold = seen.income_threshold
        self.income_threshold.setText("" if threshold is None else str(threshold))
        me = sync_office.this_office(self.ctx.db)
        self.office_name.setText(me.name or "（未设置）")
        self.fingerprint.setText(me.fingerprint)
        editable = settings.may_change()
        self.read_only_note.setVisible(not editable)
        for group in self.groups:
            group.set_editable(editable)
        self.choose_folder.setVisible(editable)

    def _changed_elsewhere(self, area: str) -> None:
        if area in ("federation", "settings", "accounts", "sync"):
            self.refresh()

    # -- saving -----------------------------------------------------------------------

    def _save_federation(self) -> str:
        changed = settings.set_federation(
            self.ctx.db,
            {
                "name": self.name.text(),
                "credit_code": self.credit_code.text(),
                "address": self.address.text(),
                "contact_person": self.contact_person.text(),
                "contact_phone": self.contact_phone.text(),
            },
        )
        return self._saved("federation", bool(changed))

    def _save_card(self) -> str:
        settings.set_card_prefix(self.ctx.db, self.card_prefix.text())
        return self._saved("settings", True)

    def _save_backups(self) -> str:
        folder = self.second_copy.text().strip()
        settings.set_backups(
            self.ctx.db,
            keep=self.backup_keep.value(),
            second_copy_dir=folder or None,
            clear_dir=not folder,
        )
        return self._saved("settings", True)

    def _save_security(self) -> str:
        settings.set_idle_lock_minutes(self.ctx.db, self.idle_lock.value())
        return self._saved("settings", True)

    def _save_hardship(self) -> str:
        settings.set_income_threshold(self.ctx.db, self.income_threshold.text())
        return self._saved("settings", True)

    def _saved(self, area: str, changed: bool) -> str:
        if not changed:
            return "没有改动。"
        self.ctx.changed(area)  # refreshes this page too (normalised values shown)
        return SAVED

    # -- actions ----------------------------------------------------------------------

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "选择第二份备份的文件夹（U 盘或另一块磁盘）", self.second_copy.text()
        )
        if chosen:
            self.second_copy.setText(chosen)
            self.backups.errors["backup_second_copy_dir"].clear_message()

    def export_card(self) -> None:
        from desktop.views.sync.key_card import export_key_card

        export_key_card(self, self.ctx)
