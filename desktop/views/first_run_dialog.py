"""First start: create this installation's 工会联合会, optionally with demo data to try."""

from __future__ import annotations

import importlib.util
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError, ValidationError
from desktop.progress import Cancelled
from desktop.services.unions import federations
from desktop.views.accounts.first_admin import FirstAdminFields
from desktop.views.context import AppContext
from desktop.views.widgets import messages
from desktop.views.widgets.field_error import FieldMessage
from desktop.views.widgets.form_dialog import tab_in_order

DEMO_MEMBERS = 3000
DEMO_SEED = 2026
# The federation a trial with demo data gets when the clerk typed no name of their own.
DEMO_NAME = "演示街道总工会"


def demo_available() -> bool:
    return importlib.util.find_spec("desktop.demo.generate") is not None


class FirstRunDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.federation: federations.FederationRecord | None = None
        # Qt adds the application's name (工会桌面通) to every title itself.
        self.setWindowTitle("欢迎使用")
        intro = QLabel(
            "这是第一次在本机使用工会桌面通。请先填写本单位（工会联合会）的名称，"
            "以后可以在「设置」中修改名称和会员证号前缀，并补充地址、负责人、联系电话等信息。",
            self,
        )
        intro.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("如：某某街道总工会 / 某某园区工会联合会")
        self.name_error = FieldMessage(self, one_line=True)
        self.name_error.clear_when_edited(self.name)
        self.prefix = QLineEdit(self)
        self.prefix.setPlaceholderText("选填，如 SZ（字母或数字，12 位以内）")
        self.prefix.setMaxLength(12)
        self.prefix_error = FieldMessage(self, one_line=True)
        self.prefix_error.clear_when_edited(self.prefix)
        self.demo = QCheckBox("使用演示数据试用（自动生成示例工会和会员）", self)
        self._demo_ok = demo_available()
        self.demo.setVisible(self._demo_ok)
        self.demo.toggled.connect(self._demo_toggled)
        self.general_error = FieldMessage(self)
        # the office's first account, an administrator (hidden once one exists)
        self.account = FirstAdminFields(ctx, self)

        form = QFormLayout()
        name_cell = QVBoxLayout()
        name_cell.addWidget(self.name)
        name_cell.addWidget(self.name_error)
        prefix_cell = QVBoxLayout()
        prefix_cell.addWidget(self.prefix)
        prefix_cell.addWidget(self.prefix_error)
        form.addRow("工会联合会名称＊", name_cell)
        form.addRow("会员证号前缀", prefix_cell)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始使用")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.create_federation)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.account)
        layout.addWidget(self.demo)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        # Tab follows the form as it reads: name, prefix, the account's fields, then the
        # demo box (made before the account fields, Qt would put it second).
        tab_in_order(self.name, self.prefix, *self.account.editors(), self.demo, *buttons.buttons())

    def _demo_toggled(self, on: bool) -> None:
        """A trial needs no real name: fill the demo one (and take it back if unticked)."""
        if on and not self.name.text().strip():
            self.name.setText(DEMO_NAME)
            self.name_error.clear_message()
        elif not on and self.name.text() == DEMO_NAME:
            self.name.clear()

    def create_federation(self) -> None:
        for m in (self.name_error, self.prefix_error, self.general_error):
            m.clear_message()
        if self.demo.isChecked() and self._demo_ok and not self.name.text().strip():
            self.name.setText(DEMO_NAME)
        target = {"name": self.name_error, "card_prefix": self.prefix_error}
        if self.federation is None:
            try:  # the form read top-down: its own fields before the account is made
                federations.check_new(self.name.text(), self.prefix.text())
            except ValidationError as exc:
                target.get(exc.field or "", self.general_error).show_error(exc.message)
                return
        if not self.account.make_account():  # the administrator first: it signs in
            return
        if self.federation is None:
            try:
                self.federation = federations.create(
                    self.ctx.db, self.name.text(), card_prefix=self.prefix.text()
                )
            except ValidationError as exc:
                target.get(exc.field or "", self.general_error).show_error(exc.message)
                return
            except UnionDeskError as exc:
                self.general_error.show_error(exc.message)
                return
        if self.demo.isChecked() and self._demo_ok:
            self.ok_button.setEnabled(False)
            self.ctx.runner.run(
                self._fill_demo,
                title="正在生成演示数据…",
                parent=self,
                on_done=self._demo_done,
                on_error=self._demo_failed,
            )
            return
        self.ctx.changed("federation")
        self.accept()

    def _fill_demo(self, progress: Any, cancel: Any) -> Any:
        from desktop.demo import generate as demo

        return demo.fill_demo(
            self.ctx.db, members=DEMO_MEMBERS, seed=DEMO_SEED, progress=progress, cancel=cancel
        )

    def _demo_done(self, _result: Any) -> None:
        self.ctx.changed("members")
        self.accept()

    def _demo_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, Cancelled):
            text = exc.message if isinstance(exc, UnionDeskError) else "生成演示数据时出错。"
            messages.warn(self, "演示数据", f"{text}\n本单位已创建，可以直接开始登记。")
        self.ctx.changed("federation")
        self.accept()
