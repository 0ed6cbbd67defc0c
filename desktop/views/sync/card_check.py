"""Read another office's key card and have the clerk confirm its fingerprint by phone.

Shared by 添加信任单位 and 为下级单位签发证书: both act on a key card only after a person
compared the fingerprint read out by the other office, so both show the same check.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.sync import office
from desktop.views.sync import files
from desktop.views.widgets import messages

FINGERPRINT_STYLE = "font-size: 20px; font-family: monospace; letter-spacing: 1px;"


class CardCheck(QWidget):
    """Choose a key card, show its office and fingerprint, tick the phone check.

    With ``expected_fingerprint`` (the sender of a package), a card with another
    fingerprint is refused before the clerk can tick anything.
    """

    changed = Signal()

    def __init__(
        self, expected_fingerprint: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.expected = expected_fingerprint
        self.card: Path | None = None
        self.card_fingerprint: str | None = None
        self.card_name = ""
        self.card_node = ""
        self._tried = ""

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("输入或粘贴密钥卡文件的路径后按回车，或点「选择密钥卡…」")
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

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.card_label)
        layout.addWidget(self.fingerprint_label)
        layout.addWidget(self.match_label)
        layout.addWidget(self.confirm_box)

        self.browse_button.clicked.connect(self.browse)
        self.path_edit.editingFinished.connect(self.load_typed)
        self.confirm_box.toggled.connect(lambda _c: self._update())
        if expected_fingerprint:
            self.match_label.setText(
                f"同步包发送单位的指纹：{expected_fingerprint}\n密钥卡的指纹必须与之相同。"
            )
        self._update()

    def browse(self) -> None:
        path = files.open_card_path(self)
        if path is not None:
            self.load_card(path)

    def load_typed(self) -> None:
        """A path typed or pasted into the field: read that card (once per new path)."""
        text = self.path_edit.text().strip().strip('"')
        if not text or text == self._tried or (self.card is not None and Path(text) == self.card):
            return
        self._tried = text  # Enter then focus-out: one message, not two
        path = Path(text).expanduser()
        if not path.is_file():
            messages.error(
                self,
                "无法读取密钥卡",
                f"找不到文件：{path}\n请检查路径是否正确，或点「选择密钥卡…」选择文件。",
            )
            return
        self.load_card(path)

    def load_card(self, path: Path) -> bool:
        try:
            card = office.read_card(path)
        except UnionDeskError as exc:
            messages.error(self, "无法读取密钥卡", exc.message)
            return False
        node, name = card.node_id, card.name
        self.card = path
        self.card_fingerprint = card.fingerprint
        self.card_name = name
        self.card_node = node
        self.path_edit.setText(str(path))
        self.card_label.setText(f"单位名称：{name or '（未命名）'}\n节点编号：{node}\n密钥卡指纹：")
        self.fingerprint_label.setText(self.card_fingerprint)
        self.confirm_box.setChecked(False)  # a new card needs its own phone check
        if self.expected:
            same = not self._mismatch()
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
            and not office.same_fingerprint(self.expected, self.card_fingerprint)
        )

    def _update(self) -> None:
        self.confirm_box.setEnabled(self.card is not None and not self._mismatch())
        self.changed.emit()

    def ready(self) -> bool:
        """A card is loaded, matches what was expected, and the clerk ticked the check."""
        return self.card is not None and not self._mismatch() and self.confirm_box.isChecked()

    def checked_fingerprint(self) -> str:
        """The fingerprint the engine must compare the card against once more."""
        assert self.card_fingerprint is not None
        return self.expected or self.card_fingerprint

    def office_name(self) -> str:
        return self.card_name or f"节点 {self.card_node[:8]}"
