"""导入同步包: file → verification → preview (dry run) → confirm → apply → result.

Every check is the engine's, through the sync façade: ``office.preview_import``
decrypts, verifies signatures and hashes and computes the plan without writing;
``office.import_package`` backs the database up and applies the same plan in one
transaction. A genuine package from an
office not yet enrolled shows its fingerprint and offers enrolment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.errors import UnionDeskError
from desktop.sync import office
from desktop.sync.office import ImportResult
from desktop.views.context import AppContext
from desktop.views.sync import files, labels
from desktop.views.sync.enrol_dialog import EnrolDialog
from desktop.views.sync.import_pages import CheckPage, FilePage, ResultPage, UnknownPage
from desktop.views.widgets import messages
from desktop.views.widgets.step_dialog import StepDialog

FILE, CHECK, UNKNOWN, RESULT = range(4)


class ImportWizard(StepDialog):
    imported = Signal(object)  # ImportResult, after a successful apply

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("导入同步包", parent, next_text="下一步：核验并预览")
        self.ctx = ctx
        self.resize(700, 540)
        self.path: Path | None = None
        self.preview: ImportResult | None = None
        self.import_result: ImportResult | None = None
        self.unknown: office.UnknownSender | None = None
        self.enrol_dialog: EnrolDialog | None = None

        self.file_page = FilePage()
        self.check_page = CheckPage()
        self.unknown_page = UnknownPage()
        self.result_page = ResultPage()
        self.add_pages(self.file_page, self.check_page, self.unknown_page, self.result_page)

        self.back_button.clicked.connect(lambda: self.show_page(FILE))
        self.next_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.confirm_import)
        self.file_page.browse_button.clicked.connect(self.browse)
        self.unknown_page.enrol_button.clicked.connect(self.offer_enrol)
        self.file_page.show_found(files.packages_on(files.removable_volumes()))
        self.show_page(FILE)

    def show_page(self, page: int) -> None:
        self.stack.setCurrentIndex(page)
        self.back_button.setVisible(page in (CHECK, UNKNOWN))
        self.next_button.setVisible(page == FILE)
        ready = self.preview is not None and not self.preview.nothing_new
        self.import_button.setVisible(page == CHECK and ready)
        self.close_button.setText("完成" if page == RESULT else "关闭")
        self.update_default()

    def start_with(self, path: Path) -> None:
        """Opened on a file (a double-clicked .udsync): fill it in and check it at once."""
        self.file_page.path_edit.setText(str(path))
        self.check()

    def browse(self) -> None:
        path = files.open_package_path(self)
        if path is not None:
            self.file_page.path_edit.setText(str(path))

    # -- verification and preview (dry run) ----------------------------------------------
    def check(self) -> None:
        text = self.file_page.path_edit.text().strip()
        if not text:
            messages.warn(self, "导入同步包", "请先选择同步包文件（.udsync）。")
            return
        path = Path(text)
        self.path = path
        self.preview = None
        db = self.ctx.db

        def work(progress: Any, cancel: Any) -> ImportResult | office.UnknownSender:
            progress(0, 0, "正在解密、核验签名并预览…")
            cancel.check()
            try:
                return office.preview_import(db, path)
            except UnionDeskError:
                # Refused: if only because the sender is not enrolled, offer enrolment.
                unknown = office.unknown_sender(db, path)
                if unknown is None:
                    raise
                return unknown

        self.ctx.runner.run(
            work,
            title="正在核验同步包…",
            parent=self,
            on_done=self._checked,
            on_error=self.failure_handler("同步包未通过核验", announce_cancel=True),
        )

    def _checked(self, outcome: ImportResult | office.UnknownSender) -> None:
        if isinstance(outcome, office.UnknownSender):
            self.unknown = outcome
            name = self.path.name if self.path is not None else ""
            self.unknown_page.show_sender(outcome.node_id, outcome.fingerprint, name)
            self.show_page(UNKNOWN)
            return
        preview = outcome
        if preview.nothing_new:
            messages.inform(self, "导入同步包", "这是本机自己导出的同步包，导入不会有任何改动。")
            return
        self.preview = preview
        peer = office.get_peer(self.ctx.db, preview.sender)
        name = peer.name if peer is not None and peer.name else f"节点 {preview.sender[:8]}"
        self.check_page.show_preview(preview, name)
        self.show_page(CHECK)

    # -- unknown sender: enrol its key card, then check again -----------------------------
    def offer_enrol(self) -> None:
        if self.unknown is None:
            return
        dialog = EnrolDialog(self.ctx, self.unknown.fingerprint, self)
        dialog.enrolled.connect(lambda _peer: self.check())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.enrol_dialog = dialog
        dialog.open()

    # -- apply ----------------------------------------------------------------------------
    def confirm_import(self) -> None:
        preview, path = self.preview, self.path
        if preview is None or path is None or preview.nothing_new:
            return
        summary = labels.receipt_summary("in", {"counts": preview.counts})
        if preview.up_to_date and office.any_refused(preview.origins):
            question = (
                "包中本机可以接收的修改都已经有了，所列未登记单位的修改将被跳过。"
                "只记录对方已有哪些修改，确定记录吗？"
            )
        elif preview.up_to_date:
            question = "已是最新：包中的修改本机都已经有了。只记录对方已有哪些修改，确定记录吗？"
        elif preview.ack_only:
            question = "这是回执包，只记录对方已收到哪些修改，不改动任何数据。确定记录吗？"
        else:
            backed_up = (
                "导入前会自动备份数据库。"
                if self.ctx.db.takes_file_backups
                else "总库不做文件备份（由数据库管理员用 pg_dump 备份），本包在一个事务中导入。"
            )
            question = (
                f"将导入 {preview.counts.get('changes', 0)} 条修改（{summary}）。\n\n"
                f"{backed_up}确定导入吗？"
            )
        if not messages.confirm(self, "确认导入", question):
            return
        db = self.ctx.db
        doing = "正在备份数据库并导入…" if db.takes_file_backups else "正在导入…"

        def work(progress: Any, cancel: Any) -> ImportResult:
            progress(0, 0, doing)
            cancel.check()

            def hook(stage: str) -> None:
                cancel.check()  # raising here rolls the whole transaction back

            return office.import_package(db, path, hook)

        self.ctx.runner.run(
            work,
            title="正在导入同步包…",
            parent=self,
            on_done=self._imported,
            on_error=self.failure_handler("导入失败，未做任何改动", announce_cancel=True),
        )

    def _finish_unchanged(self, result: ImportResult, text: str) -> None:
        """A package that changed no data (nothing new, or only a receipt) still counts
        as imported: its acknowledgements were recorded."""
        self.result_page.label.setText(text)
        self.show_page(RESULT)
        self.ctx.changed("sync")
        self.imported.emit(result)

    def _imported(self, result: ImportResult) -> None:
        self.import_result = result
        lines = [f"{label}：{result.counts.get(key, 0)}" for key, label in labels.PREVIEW_COUNTS]
        extra = [f"注意：{w}" for w in result.warnings]
        tail = (
            "有新冲突：请到“数据同步”页面的“待处理冲突”中逐条选择保留哪个值。"
            if result.counts.get("conflicts")
            else ""
        )
        if result.up_to_date and office.any_refused(result.origins):
            self._finish_unchanged(
                result, "✔ 已记录。\n\n" + "\n".join([office.NOTHING_TAKEN, *extra])
            )
            return
        if result.up_to_date:
            self._finish_unchanged(
                result,
                "✔ 已是最新。\n\n包中的修改本机都已经有了，数据未做任何改动；"
                "已记录对方已有哪些修改，以后导出给对方时不再重复发送。",
            )
            return
        if result.ack_only:
            self._finish_unchanged(
                result,
                "✔ 已记录对方的回执。\n\n这个包只说明对方已收到哪些修改，数据未做任何改动；"
                "以后导出给对方时不再重复发送这些修改。",
            )
            return
        self.result_page.label.setText(
            "✔ 导入完成。\n\n"
            + "\n".join(lines + extra)
            + f"\n\n{office.backup_line(result)}\n{tail}"
        )
        self.show_page(RESULT)
        self.ctx.changed("sync")
        self.imported.emit(result)
