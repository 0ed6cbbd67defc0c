"""添加信任单位: read another office's key card, show its fingerprint, let the clerk
confirm it matches what the other office reads over the phone, then enrol it.

Opened from the page, or from the import wizard with the fingerprint of a package
from an unknown office: then the card must also match that package's sender.
A tick makes the office a root (上级单位): offices holding a certificate it signed are
then accepted without being enrolled one by one (CLI ``sync trust --root``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.sync import office
from desktop.views.context import AppContext
from desktop.views.sync.card_check import FINGERPRINT_STYLE as FINGERPRINT_STYLE
from desktop.views.sync.card_check import CardCheck
from desktop.views.widgets import messages

ROOT_TEXT = "认可为上级单位（可为本单位签发证书）"


class EnrolDialog(QDialog):
    enrolled = Signal(object)  # office.Peer

    def __init__(
        self,
        ctx: AppContext,
        expected_fingerprint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.expected = expected_fingerprint
        self.setWindowTitle("添加信任单位")
        self.resize(560, 400)

        intro = QLabel(
            "请向对方单位索取“密钥卡”文件（.udkey），选择后核对指纹：\n"
            "打电话请对方在其“数据同步”页面念出本单位指纹，与下面显示的逐组比对。"
        )
        intro.setWordWrap(True)
        self.check = CardCheck(expected_fingerprint, self)
        # the parts tests and the import wizard reach for, under their old names
        self.browse_button = self.check.browse_button
        self.fingerprint_label = self.check.fingerprint_label
        self.match_label = self.check.match_label
        self.confirm_box = self.check.confirm_box
        self.root_box = QCheckBox(ROOT_TEXT)
        self.root_box.setToolTip(
            "只对上级工会（如区总工会）勾选：凡持有它签发的单位证书的单位，"
            "其同步包本机可直接导入，无需逐个登记。"
        )
        self.buttons = QDialogButtonBox()
        self.enrol_button = self.buttons.addButton("登记", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.check)
        layout.addWidget(self.root_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.check.changed.connect(self._update)
        self.enrol_button.clicked.connect(self.enrol)
        self.buttons.rejected.connect(self.reject)
        self._update()

    @property
    def card(self) -> Path | None:
        return self.check.card

    def load_card(self, path: Path) -> bool:
        return self.check.load_card(path)

    def _update(self) -> None:
        self.enrol_button.setEnabled(self.check.ready())

    def enrol(self) -> None:
        if not self.check.ready() or self.check.card is None:
            return
        as_root = self.root_box.isChecked()
        try:
            peer = office.enrol(
                self.ctx.db, self.check.card, self.check.checked_fingerprint(), as_root=as_root
            )
        except UnionDeskError as exc:
            messages.error(self, "未登记", exc.message)
            return
        self.ctx.changed("sync")
        name = peer.name or peer.node_id[:8]
        self.ctx.status_message.emit(
            f"已登记信任单位 {name}" + ("，并认可为上级单位" if as_root else "")
        )
        self.enrolled.emit(peer)
        self.accept()
