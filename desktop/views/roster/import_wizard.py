"""The roster import wizard: choose file → mapping → preview → confirm → result.

Reading, checking and writing run through the task runner (progress and cancel); the
preview is computed before anything is written and the 导入 button only exists for a
preview without refused rows. A refused file ends with a link to its error report.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.errors import UnionDeskError
from desktop.progress import Cancelled
from desktop.services import audit
from desktop.services.rosters import importer
from desktop.services.rosters.checking import ImportOptions
from desktop.services.unions import registry as unions
from desktop.spreadsheets import headers
from desktop.spreadsheets.error_report import write_error_report
from desktop.spreadsheets.preview import ImportPreview, ImportResult
from desktop.spreadsheets.reader import RawTable
from desktop.views.context import AppContext
from desktop.views.roster import actions
from desktop.views.roster.cli_hints import for_wizard
from desktop.views.roster.wizard_pages import FilePage, MappingPage, PreviewPage, ResultPage
from desktop.views.widgets import messages
from desktop.views.widgets.step_dialog import StepDialog

FILE, MAPPING, PREVIEW, RESULT = range(4)


class ImportWizard(StepDialog):
    imported = Signal(object)  # ImportResult, after a successful commit

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("导入会员名册", parent)
        self.ctx = ctx
        self.resize(760, 520)
        self.table: RawTable | None = None
        self.preview: ImportPreview | None = None
        self.import_result: ImportResult | None = None
        self.report: Path | None = None

        self.file_page = FilePage([u.name for u in unions.list_all(ctx.db)])
        self.mapping_page = MappingPage()
        self.preview_page = PreviewPage()
        self.result_page = ResultPage()
        self.add_pages(self.file_page, self.mapping_page, self.preview_page, self.result_page)

        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.import_button.clicked.connect(self.confirm_import)
        self.file_page.browse_button.clicked.connect(self.browse)
        self.file_page.template_button.clicked.connect(lambda: actions.save_template(ctx, self))
        self.preview_page.report_button.clicked.connect(self.save_report)
        self.show_page(FILE)

    # -- navigation ---------------------------------------------------------------------
    def show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.back_button.setVisible(page in (MAPPING, PREVIEW))
        self.next_button.setVisible(page in (FILE, MAPPING))
        can_commit = self.preview is not None and self.preview.can_commit
        self.import_button.setVisible(page == PREVIEW and can_commit)
        self.close_button.setText("完成" if page == RESULT else "关闭")
        self.update_default()

    def go_back(self) -> None:
        self.show_page(max(self.stack.currentIndex() - 1, FILE))

    def go_next(self) -> None:
        if self.stack.currentIndex() == FILE:
            self.read_file()
        elif self.stack.currentIndex() == MAPPING:
            self.check_rows()

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "选择会员名册", "", "名册 (*.xlsx *.csv *.xls);;所有文件 (*)"
        )
        if chosen:
            self.file_page.path_edit.setText(chosen)

    def options(self, mapping: dict[str, str] | None = None) -> ImportOptions:
        return ImportOptions(
            union=self.file_page.union_combo.currentData(),
            on_duplicate=self.file_page.duplicate_combo.currentData(),
            mapping=mapping or {},
            sheet=self.file_page.sheet_edit.text().strip() or None,
        )

    def wizard_failure(self, title: str) -> Callable[[BaseException], None]:
        """``failure_handler`` with the service's command-line hints said for the wizard."""
        show = self.failure_handler(title)

        def run(exc: BaseException) -> None:
            if isinstance(exc, UnionDeskError) and not isinstance(exc, Cancelled):
                exc = UnionDeskError(for_wizard(exc.message))
            show(exc)

        return run

    # -- step 1: read the file, find the header -------------------------------------------
    def read_file(self) -> None:
        text = self.file_page.path_edit.text().strip()
        if not text:
            messages.warn(self, "导入会员名册", "请先选择名册文件")
            return
        path = Path(text)
        options = self.options()
        self.ctx.runner.run(
            lambda progress, cancel: importer.read(path, options),
            title="正在读取名册…",
            parent=self,
            on_done=self._file_read,
            on_error=self.wizard_failure("无法读取名册"),
        )

    def _file_read(self, table: RawTable) -> None:
        self.table = table
        try:
            header = importer.detect_header(table, self.options())
            message = (
                f"已在工作表「{table.sheet}」第 {header.row + 1} 行找到表头，"
                "请核对每一列导入为哪个字段"
                "（「不导入」的列会被忽略）。"
            )
        except headers.MappingNeeded as exc:
            header = exc.header
            message = for_wizard(exc.message)
        except UnionDeskError as exc:
            messages.error(self, "无法识别名册", for_wizard(exc.message))
            return
        self.mapping_page.show_header(header, message)
        self.show_page(MAPPING)

    # -- step 2: check every row ----------------------------------------------------------
    def check_rows(self) -> None:
        table = self.table
        if table is None:
            return
        options = self.options(self.mapping_page.mapping())
        self.ctx.runner.run(
            lambda progress, cancel: importer.prepare(
                self.ctx.db, table.path, options, progress=progress, cancel=cancel, table=table
            ),
            title="正在检查名册…",
            parent=self,
            on_done=self._checked,
            on_error=self.wizard_failure("名册检查未通过"),
        )

    def _checked(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.preview_page.show_preview(preview)
        self.show_page(PREVIEW)

    # -- step 3: confirm and write --------------------------------------------------------
    def confirm_import(self) -> None:
        preview = self.preview
        if preview is None or not preview.can_commit:
            return
        if not messages.confirm(
            self,
            "确认导入",
            f"{preview.summary()}。\n\n"
            + ("导入前会自动备份数据。" if self.ctx.db.takes_file_backups else "")
            + "确定导入吗？",
        ):
            return
        self.ctx.runner.run(
            lambda progress, cancel: importer.commit(
                self.ctx.db, preview, progress=progress, cancel=cancel
            ),
            title="正在导入…",
            parent=self,
            on_done=self._committed,
            on_error=self.failure_handler("导入失败，未写入任何数据"),
        )

    def _committed(self, result: ImportResult) -> None:
        self.import_result = result
        self.result_page.label.setText(html.escape(result.summary()))
        self.show_page(RESULT)
        self.ctx.changed("members")
        self.imported.emit(result)

    # -- refused rows: the error report ---------------------------------------------------
    def save_report(self) -> None:
        preview = self.preview
        if preview is None:
            return
        suggested = preview.table.path.with_name(preview.table.path.stem + "_错误报告.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(
            self, "保存错误报告", str(suggested), "Excel 工作簿 (*.xlsx)"
        )
        if not chosen:
            return
        try:
            self.report = write_error_report(preview, Path(chosen))
            audit.error_report(self.ctx.db, len(preview.refused), self.report)
        except UnionDeskError as exc:
            messages.error(self, "无法保存错误报告", exc.message)
            return
        url = QUrl.fromLocalFile(str(self.report)).toString()
        self.result_page.label.setText(
            f"{html.escape(preview.summary())}。<br>有错误，<b>未导入任何数据</b>。<br><br>"
            f'错误报告：<a href="{html.escape(url)}">{html.escape(str(self.report))}</a><br>'
            "请按报告中「问题说明」一列修改标红的单元格，保存后重新导入：报告本身也可以直接导入"
            "（它含有名册的全部会员行，没有错误的行在「问题说明」中标为「无误」）。"
        )
        self.show_page(RESULT)
