"""添加信任单位: read another office's key card, show its fingerprint, let the clerk
confirm it matches what the other office reads over the phone, then enrol it.

Opened from the page, or from the import wizard with the fingerprint of a package
from an unknown office: then the card must also match that package's sender.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.sync import trust
from desktop.sync.identity import fingerprint
from desktop.views.context import AppContext
from desktop.views.sync import files
from desktop.views.widgets import messages

FINGERPRINT_STYLE = "font-size: 20px; font-family: monospace; letter-spacing: 1px;"


def digits(fp: str) -> str:
    return "".join(ch for ch in fp if ch.isdigit())


class EnrolDialog(QDialog):
    enrolled = Signal(object)  # trust.Peer

    def __init__(
        self,
        ctx: AppContext,
        expected_fingerprint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.expected = expected_fingerprint
        self.card: Path | None = None
        self.card_fingerprint: str | None = None
        self.setWindowTitle("添加信任单位")
        self.resize(560, 360)

        intro = QLabel(
            "请向对方单位索取“密钥卡”文件（.udkey），选择后核对指纹：\n"
            "打电话请对方在其“数据同步”页面念出本单位指纹，与下面显示的逐组比对。"
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("尚未选择密钥卡")
        self.browse_button = QPushButton("选择密钥卡…")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self.card_label = QLabel()
        self.card_label.setWordWrap(True)
        self.card_label.setTextFormat(Qt.TextFormat.PlainText)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setStyleSheet(FINGERPRINT_STYLE)
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.match_label = QLabel()
        self.match_label.setWordWrap(True)
        self.match_label.setTextFormat(Qt.TextFormat.PlainText)
        self.confirm_box = QCheckBox("我已与对方单位电话核对，对方念出的指纹与上面完全一致")
        self.buttons = QDialogButtonBox()
        self.enrol_button = self.buttons.addButton("登记", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.card_label)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.match_label)
        layout.addWidget(self.confirm_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.browse_button.clicked.connect(self.browse)
        self.confirm_box.toggled.connect(lambda _c: self._update())
        self.enrol_button.clicked.connect(self.enrol)
        self.buttons.rejected.connect(self.reject)
        if expected_fingerprint:
            self.match_label.setText(
                f"同步包发送单位的指纹：{expected_fingerprint}\n密钥卡的指纹必须与之相同。"
            )
        self._update()

    def browse(self) -> None:
        path = files.open_card_path(self)
        if path is not None:
            self.load_card(path)

    def load_card(self, path: Path) -> bool:
        try:
            node, name, sign_pub, _box = trust.read_card(path)
        except UnionDeskError as exc:
            messages.error(self, "无法读取密钥卡", exc.message)
            return False
        self.card = path
        self.card_fingerprint = fingerprint(sign_pub)
        self.path_edit.setText(str(path))
        self.card_label.setText(f"单位名称：{name or '（未命名）'}\n节点编号：{node}\n密钥卡指纹：")
        self.fingerprint_label.setText(self.card_fingerprint)
        if self.expected:
            same = digits(self.expected) == digits(self.card_fingerprint)
            self.match_label.setText(
                "✔ 与同步包发送单位的指纹一致。"
                if same
                else f"✘ 与同步包发送单位的指纹（{self.expected}）不一致：这不是发送该包的单位的"
                "密钥卡，不能登记。"
            )
            self.match_label.setStyleSheet("" if same else "color: #b00020;")
        self._update()
        return True

    def _mismatch(self) -> bool:
        return bool(
            self.expected
            and self.card_fingerprint
            and digits(self.expected) != digits(self.card_fingerprint)
        )

    def _update(self) -> None:
        ready = self.card is not None and not self._mismatch()
        self.confirm_box.setEnabled(ready)
        self.enrol_button.setEnabled(ready and self.confirm_box.isChecked())

    def enrol(self) -> None:
        if self.card is None or self.card_fingerprint is None or not self.confirm_box.isChecked():
            return
        try:
            with self.ctx.db.connect() as conn:
                peer = trust.enrol(conn, self.card, self.expected or self.card_fingerprint)
        except UnionDeskError as exc:
            messages.error(self, "未登记", exc.message)
            return
        self.ctx.changed("sync")
        self.ctx.status_message.emit(f"已登记信任单位 {peer.name or peer.node_id[:8]}")
        self.enrolled.emit(peer)
        self.accept()
