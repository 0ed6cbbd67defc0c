"""The case page: a case's particulars, its stage (调解/仲裁/诉讼/咨询), 结案, its
documents (PDF/JPEG/PNG, stored once by content) and the printed intake form.

File dialogs sit behind ``choose_files``/``choose_save_path`` so tests can replace them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import UnionDeskError
from desktop.models.codes import LEGAL_CASE_STATUS, LEGAL_OPEN_STAGES
from desktop.models.masking import mask_phone
from desktop.services.legal import cases, documents
from desktop.services.legal.cases import LegalCaseRecord
from desktop.views.context import AppContext
from desktop.views.legal.close_dialog import CloseDialog
from desktop.views.widgets import messages
from desktop.views.widgets.field_error import FieldMessage

FILE_FILTER = "PDF 或图片 (*.pdf *.jpg *.jpeg *.png *.PDF *.JPG *.JPEG *.PNG)"
DOC_ROLE = Qt.ItemDataRole.UserRole + 1


def choose_files(parent: QWidget | None) -> list[str]:
    chosen, _ = QFileDialog.getOpenFileNames(parent, "选择案件文件", "", FILE_FILTER)
    return list(chosen)


def choose_save_path(parent: QWidget | None, suggested: str, file_filter: str) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, "保存", suggested, file_filter)
    return str(path)


class CasePanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record: LegalCaseRecord | None = None
        self.dialog: CloseDialog | None = None
        self.heading = QLabel("请在左侧选择一个案件", self)
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("applicant", "申请人"),
            ("phone", "联系电话"),
            ("type", "案件类型"),
            ("intake", "受理日期"),
            ("employer", "用人单位"),
            ("handler", "承办人"),
            ("status", "状态"),
            ("outcome", "结案结果"),
            ("summary", "案情摘要"),
        ):
            value = QLabel(self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(label, value)
        self.stage = QComboBox(self)
        for code in LEGAL_OPEN_STAGES:
            self.stage.addItem(LEGAL_CASE_STATUS.label(code), code)
        self.stage_button = QPushButton("转入该阶段", self)
        self.close_button = QPushButton("结案…", self)
        self.form_button = QPushButton("打印登记表…", self)
        self.docs = QListWidget(self)
        self.docs.setMaximumHeight(140)
        self.add_doc_button = QPushButton("添加文件…", self)
        self.save_doc_button = QPushButton("另存文件…", self)
        self.remove_doc_button = QPushButton("移除文件", self)
        self.message = FieldMessage(self)

        stage_row = QHBoxLayout()
        stage_row.addWidget(QLabel("办理阶段", self))
        stage_row.addWidget(self.stage)
        stage_row.addWidget(self.stage_button)
        stage_row.addWidget(self.close_button)
        stage_row.addStretch(1)
        stage_row.addWidget(self.form_button)
        doc_row = QHBoxLayout()
        for button in (self.add_doc_button, self.save_doc_button, self.remove_doc_button):
            doc_row.addWidget(button)
        doc_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addLayout(stage_row)
        layout.addWidget(QLabel("案件文件", self))
        layout.addWidget(self.docs)
        layout.addLayout(doc_row)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.stage_button.clicked.connect(self.move_to_stage)
        self.close_button.clicked.connect(self.close_case)
        self.form_button.clicked.connect(self.print_form)
        self.add_doc_button.clicked.connect(self.add_documents)
        self.save_doc_button.clicked.connect(self.save_document)
        self.remove_doc_button.clicked.connect(self.remove_document)
        self.docs.itemSelectionChanged.connect(self._enable)
        self._enable()

    # ---- showing ---------------------------------------------------------------------

    def set_case(self, case_id: str | None) -> None:
        self.message.clear_message()
        self.record = None if case_id is None else cases.get_case(self.ctx.db, case_id)
        self._show()

    def _show(self) -> None:
        r = self.record
        if r is None:
            self.heading.setText("请在左侧选择一个案件")
            for label in self.fields.values():
                label.clear()
            self.docs.clear()
        else:
            self.heading.setText(f"{r.type_label}案件：{r.applicant_name}")
            closed = r.status == "closed"
            values = {
                "applicant": r.applicant_name + ("（会员）" if r.is_member else "（非会员）"),
                "phone": mask_phone(r.applicant_phone),
                "type": r.type_label,
                "intake": r.intake_on.isoformat(),
                "employer": r.employer or "",
                "handler": r.handler or "",
                "status": r.status_label,
                "outcome": (
                    f"{r.outcome_label}，追回 {r.amount_text or '0.00'} 元（{r.closed_on}）"
                    if closed
                    else ""
                ),
                "summary": r.summary or "",
            }
            for key, text in values.items():
                self.fields[key].setText(text)
            self._load_documents()
        self._enable()

    def _load_documents(self) -> None:
        self.docs.clear()
        if self.record is None:
            return
        for doc in documents.list_documents(self.ctx.db, self.record.id):
            size = "（尚未同步到本机）" if doc.size is None else f"（{doc.size / 1024:.0f} KB）"
            item = QListWidgetItem(f"{doc.file_name}  {size}")
            item.setData(DOC_ROLE, doc)
            self.docs.addItem(item)

    def _enable(self) -> None:
        have = self.record is not None
        open_case = have and self.record is not None and self.record.status != "closed"
        for widget in (self.stage, self.stage_button, self.close_button):
            widget.setEnabled(open_case)
        for widget in (self.form_button, self.add_doc_button):
            widget.setEnabled(have)
        picked = self.docs.currentItem() is not None and bool(self.docs.selectedItems())
        self.save_doc_button.setEnabled(picked)
        self.remove_doc_button.setEnabled(picked)

    # ---- actions ---------------------------------------------------------------------

    def _done(self, text: str) -> None:
        assert self.record is not None
        self.set_case(self.record.id)
        self.message.show_hint(text)
        self.changed.emit()

    def move_to_stage(self) -> None:
        if self.record is None:
            return
        try:
            cases.update_case(self.ctx.db, self.record.id, {}, status=self.stage.currentData())
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self._done(f"已转入「{self.stage.currentText()}」阶段")

    def close_case(self) -> None:
        if self.record is None:
            return
        self.dialog = CloseDialog(self.ctx, self.record.id, self)
        self.dialog.saved.connect(lambda _r: self._done("已结案"))
        self.dialog.open()

    def add_documents(self) -> None:
        if self.record is None:
            return
        paths = choose_files(self)
        if not paths:
            return
        try:
            files = documents.read_files(paths)
            added = documents.add_documents(self.ctx.db, self.record.id, files)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        skipped = len(paths) - len(added)
        self._done(f"已添加 {len(added)} 个文件" + (f"；{skipped} 个已在本案中" if skipped else ""))

    def _picked(self) -> documents.CaseDocument | None:
        item = self.docs.currentItem()
        doc = None if item is None else item.data(DOC_ROLE)
        return doc if isinstance(doc, documents.CaseDocument) else None

    def save_document(self) -> None:
        doc = self._picked()
        if doc is None:
            return
        path = choose_save_path(self, doc.file_name, "所有文件 (*)")
        if not path:
            return
        try:
            Path(path).write_bytes(documents.document_bytes(self.ctx.db, doc.sha256))
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        except OSError as exc:
            self.message.show_error(f"无法保存文件：{exc.strerror or exc}")
            return
        self.message.show_hint(f"已保存到 {path}")

    def remove_document(self) -> None:
        doc = self._picked()
        if doc is None or not messages.confirm(self, "移除文件", "从本案中移除这个文件？"):
            return
        try:
            documents.remove_document(self.ctx.db, doc.id)
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        self._done("文件已移除")

    def print_form(self) -> None:
        if self.record is None:
            return
        path = choose_save_path(self, "法律援助申请登记表.pdf", "PDF 文件 (*.pdf)")
        if not path:
            return
        from desktop.printing.fonts import MissingGlyphsError
        from desktop.printing.forms.legal import write_intake_form

        try:
            try:
                write_intake_form(self.ctx.db, self.record.id, Path(path))
            except MissingGlyphsError as exc:
                if not messages.confirm(
                    self, "法律援助申请登记表", exc.message, yes="用〓标出并继续", no="取消"
                ):
                    return
                write_intake_form(
                    self.ctx.db, self.record.id, Path(path), allow_missing_glyphs=True
                )
        except UnionDeskError as exc:
            self.message.show_error(exc.message)
            return
        except OSError as exc:
            self.message.show_error(f"无法写入文件：{exc.strerror or exc}")
            return
        self.message.show_hint(f"登记表已保存到 {path}")
