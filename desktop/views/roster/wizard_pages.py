"""The pages of the import wizard: file, column mapping, preview, result."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.spreadsheets.headers import SKIP, HeaderMap, field_choices
from desktop.spreadsheets.preview import ON_DUPLICATE_LABELS, ImportPreview
from desktop.views.roster.cli_hints import for_wizard
from desktop.views.roster.preview_model import PreviewModel


class FilePage(QWidget):
    def __init__(self, union_names: list[str]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "选择基层工会报来的会员名册（Excel .xlsx、旧版 .xls 或 .csv）。"
                "还没有名册的单位可以先下载模板填写。"
            )
        )
        form = QFormLayout()
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("名册文件")
        self.browse_button = QPushButton("选择文件…")
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("名册文件：", row)
        self.sheet_edit = QLineEdit()
        self.sheet_edit.setPlaceholderText("留空则自动选用第一张有会员名册表头的工作表")
        form.addRow("工作表：", self.sheet_edit)
        self.union_combo = QComboBox()
        self.union_combo.addItem("（按名册中的「所属工会」列）", None)
        for name in union_names:
            self.union_combo.addItem(name, name)
        form.addRow("默认工会：", self.union_combo)
        self.duplicate_combo = QComboBox()
        for key in ("refuse", "update", "skip"):
            self.duplicate_combo.addItem(ON_DUPLICATE_LABELS[key], key)
        form.addRow("已登记的会员：", self.duplicate_combo)
        layout.addLayout(form)
        self.template_button = QPushButton("下载名册模板…")
        layout.addWidget(self.template_button)
        layout.addStretch(1)


class MappingPage(QWidget):
    """One line per column of the file: which member field it fills (or none)."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["名册中的列", "导入为"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.combos: list[tuple[str, QComboBox]] = []

    def show_header(self, header: HeaderMap, message: str) -> None:
        self.message.setText(message)
        by_column = {col: f for f, col in header.columns.items()}
        shown = [(i, h) for i, h in enumerate(header.headers) if h]
        self.table.setRowCount(len(shown))
        self.combos = []
        for line, (col, text) in enumerate(shown):
            self.table.setCellWidget(line, 0, QLabel(text))
            combo = QComboBox()
            combo.addItem("（不导入）", SKIP)
            for name, label in field_choices():
                combo.addItem(label, name)
            found = combo.findData(by_column.get(col, SKIP))
            combo.setCurrentIndex(max(found, 0))
            self.table.setCellWidget(line, 1, combo)
            self.combos.append((text, combo))

    def mapping(self) -> dict[str, str]:
        return {text: str(combo.currentData()) for text, combo in self.combos}

    def set_field(self, header_text: str, field_name: str) -> None:
        for text, combo in self.combos:
            if text == header_text:
                combo.setCurrentIndex(combo.findData(field_name))


class PreviewPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = PreviewModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.view, 1)
        self.report_button = QPushButton("保存错误报告…")
        layout.addWidget(self.report_button)

    def show_preview(self, preview: ImportPreview) -> None:
        self.model.set_preview(preview)
        lines = [f"工作表「{preview.table.sheet}」：{preview.summary()}。"]
        lines.extend(for_wizard(note) for note in preview.notes)
        if preview.refused:
            lines.append(
                "有错误的行必须先在名册中改正：为保证名册完整，有错误时不会导入任何一行。"
                "请保存错误报告，按其中的说明修改后重新导入。"
            )
        elif not preview.can_commit:
            lines.append("名册中没有需要新增或更新的会员。")
        self.summary.setText("\n".join(lines))
        self.report_button.setVisible(bool(preview.refused))


class ResultPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setOpenExternalLinks(True)
        layout.addWidget(self.label)
        layout.addStretch(1)
