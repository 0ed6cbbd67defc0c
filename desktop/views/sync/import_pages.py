"""The pages of the import wizard (widgets only; the wizard drives them)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.sync import office
from desktop.sync.office import ImportResult
from desktop.views.sync import labels
from desktop.views.sync.enrol_dialog import FINGERPRINT_STYLE

PathRole = Qt.ItemDataRole.UserRole + 1
ATTENTION_COLOUR = QColor("#b00020")


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class FilePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("同步包文件（.udsync）")
        self.browse_button = QPushButton("浏览…")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        self.found = QListWidget()
        box = QGroupBox("U盘上找到的同步包（单击选择）")
        lay = QVBoxLayout(box)
        lay.addWidget(self.found)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                "选择对方单位交来的同步包。下一步会先核验签名和内容，"
                "并预览将要发生的改动，此时数据库不会有任何变化。"
            )
        )
        layout.addLayout(row)
        layout.addWidget(box, 1)
        self.found.currentItemChanged.connect(self._picked)

    def show_found(self, paths: list[Path]) -> None:
        self.found.clear()
        for path in paths:
            item = QListWidgetItem(str(path))
            item.setData(PathRole, str(path))
            self.found.addItem(item)
        if not paths:
            item = QListWidgetItem("（没有找到。可点“浏览…”选择文件）")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.found.addItem(item)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None and item.data(PathRole):
            self.path_edit.setText(str(item.data(PathRole)))


class CheckPage(QWidget):
    """Verification passed: who sent it, and what applying it would change (dry run)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks = _label()
        self.counts = QListWidget()
        self.warnings = _label()
        self.warnings.setStyleSheet("color: #8a5a00;")
        box = QGroupBox("导入后将发生的改动（预览）")
        lay = QVBoxLayout(box)
        lay.addWidget(self.counts)
        lay.addWidget(self.warnings)
        self.origins = QTreeWidget()
        self.origins.setHeaderLabels(list(ORIGIN_COLUMNS))
        self.origins.setRootIsDecorated(False)
        self.origins.setWordWrap(True)
        self.origins_box = QGroupBox("本机未登记的来源单位（经发送单位转来）")
        lay = QVBoxLayout(self.origins_box)
        lay.addWidget(
            _label(
                "这些单位的修改由发送单位转来，本机从未登记它们。请核对指纹；"
                "有疑问时请电话联系该单位或上级工会。"
            )
        )
        lay.addWidget(self.origins)
        layout = QVBoxLayout(self)
        layout.addWidget(self.checks)
        layout.addWidget(box, 1)
        layout.addWidget(self.origins_box)

    def show_preview(self, preview: ImportResult, sender_name: str) -> None:
        self.checks.setText(
            "核验通过：\n"
            "✔ 解密成功：本机是这个包的收件单位之一\n"
            f"✔ 发送单位签名有效：{sender_name}（指纹 {preview.sender_fingerprint}）\n"
            "✔ 包内每个条目与清单一致，SHA-256 校验通过\n"
            "✔ 数据格式版本兼容"
        )
        self.counts.clear()
        for key, label in labels.PREVIEW_COUNTS:
            n = int(preview.counts.get(key, 0))
            item = QListWidgetItem(f"{label}：{n}")
            item.setData(PathRole, key)
            if n and key in labels.ATTENTION:
                item.setForeground(QBrush(ATTENTION_COLOUR))
            self.counts.addItem(item)
        self._show_origins(preview)
        listed = {o.text for o in preview.origins}
        notes = [f"注意：{w}" for w in preview.warnings if w not in listed]
        if preview.up_to_date and office.any_refused(preview.origins):
            notes.insert(0, office.NOTHING_TAKEN)
        elif preview.up_to_date:
            notes.insert(0, UP_TO_DATE)
        elif preview.ack_only:
            notes.insert(
                0,
                "这是回执包：只说明对方已收到哪些修改，不含任何数据修改。"
                "导入后只记录回执，以后不再向对方重复发送这些修改。",
            )
        self.warnings.setText("\n".join(notes))

    def _show_origins(self, preview: ImportResult) -> None:
        """Every office the package brings that this PC never enrolled, with its
        fingerprint and who vouched for it, or why its changes are skipped."""
        self.origins.clear()
        for origin in preview.origins:
            row = labels.origin_row(origin)
            item = QTreeWidgetItem(list(row))
            item.setToolTip(len(row) - 1, origin.text)
            if not origin.taken:
                item.setForeground(len(row) - 1, QBrush(ATTENTION_COLOUR))
            self.origins.addTopLevelItem(item)
        for column in range(len(ORIGIN_COLUMNS) - 1):
            self.origins.resizeColumnToContents(column)
        self.origins_box.setVisible(bool(preview.origins))

    def origin_rows(self) -> list[tuple[str, ...]]:
        """The origins as shown, one tuple of column texts per office."""
        rows: list[tuple[str, ...]] = []
        for i in range(self.origins.topLevelItemCount()):
            item = self.origins.topLevelItem(i)
            if item is not None:
                rows.append(tuple(item.text(c) for c in range(len(ORIGIN_COLUMNS))))
        return rows

    def count_texts(self) -> dict[str, str]:
        return {
            str(self.counts.item(i).data(PathRole)): self.counts.item(i).text()
            for i in range(self.counts.count())
        }


ORIGIN_COLUMNS = ("单位", "节点", "指纹", "是否接收")

UP_TO_DATE = (
    "已是最新：包中的修改本机都已经有了（例如经其他单位转来过），不会改动任何数据。"
    "导入后只记录对方已有哪些修改，以后不再向对方重复发送。"
)


class UnknownPage(QWidget):
    """The package is genuine but its sender is not enrolled: show its fingerprint."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = _label()
        self.fingerprint = QLabel()
        self.fingerprint.setStyleSheet(FINGERPRINT_STYLE)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.enrol_button = QPushButton("登记该单位（需要对方的密钥卡）…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.fingerprint)
        layout.addWidget(
            _label(
                "请打电话给发送单位，请对方念出其“数据同步”页面上的本机指纹，与上面逐组核对。"
                "一致时，用对方的密钥卡登记，然后继续导入；不一致时切勿导入，并联系上级工会。"
            )
        )
        row = QHBoxLayout()
        row.addWidget(self.enrol_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)

    def show_sender(self, node_id: str, fingerprint: str, package: str) -> None:
        self.message.setText(
            f"同步包 {package} 的签名完好，但发送单位（节点 {node_id[:8]}…）还不是本机的"
            "信任单位，因此没有导入，数据库未做任何改动。\n\n发送单位的指纹："
        )
        self.fingerprint.setText(fingerprint)


class ResultPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = _label()
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addStretch(1)
