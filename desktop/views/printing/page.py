"""打印中心 page: member cards and forms → preview, print, save as PDF; verify a card.

The PDF is always made first (by ``desktop.printing``, on the task runner's worker
thread with progress and cancel); preview, print and save all use that one file, so
what is previewed is exactly what is printed or saved.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop import private_files
from desktop.errors import UnionDeskError
from desktop.services import audit
from desktop.views.care import reason_dialog
from desktop.views.context import AppContext
from desktop.views.printing import pdf_pages
from desktop.views.widgets import messages

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
PREVIEW_DPI = 60
PRINT_DPI = 600
PREVIEW_PAGES = 6


def create_page(ctx: AppContext) -> QWidget:
    return PrintPage(ctx)


PREVIEW_HINT = (
    "生成的 PDF 在这里预览。\n\n会员卡：在左侧选择基层工会（或在会员管理中选中会员），"
    "按「生成会员卡」。\n表格：选择表格和对象（会员姓名、会员证号；空着为空白表），按「生成表格」。"
)


class PrintPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.member_ids: list[str] = []
        self.pdf: Path | None = None
        # What the PDF being made, then the one shown, is and whether it has full numbers.
        self._making: tuple[str, bool] = ("", False)
        self.made: tuple[str, bool] = ("", False)
        self._tmp = Path(tempfile.mkdtemp(prefix="uniondesk-print-"))
        # The working PDF may hold personal data: gone with the page, or at exit.
        weakref.finalize(self, shutil.rmtree, self._tmp, True)
        self.warnings: list[str] = []

        self.union_combo = QComboBox(self)
        self.layout_combo = QComboBox(self)
        self.layout_combo.addItem("A4 每页 10 张（带裁切线，双面）", "sheet")
        self.layout_combo.addItem("每页 1 张（制卡机）", "single")
        self.selection_label = QLabel("", self)
        self.cards_button = QPushButton("生成会员卡", self)
        cards_box = QGroupBox("会员卡", self)
        form = QFormLayout(cards_box)
        form.addRow("基层工会", self.union_combo)
        form.addRow("", self.selection_label)
        form.addRow("版式", self.layout_combo)
        form.addRow("", self.cards_button)

        self.kind_combo = QComboBox(self)
        from desktop.printing.forms.render import FORM_TITLES

        for key, title in FORM_TITLES.items():
            self.kind_combo.addItem(title, key)
        self.subject_edit = QLineEdit(self)
        self.subject_edit.setPlaceholderText(
            "会员：姓名、拼音、会员证号或身份证后4位；活动：名称。留空打印空白表"
        )
        self.unmasked_check = QCheckBox("显示完整身份证号和手机号", self)
        self.form_button = QPushButton("生成表格", self)
        forms_box = QGroupBox("表格", self)
        form2 = QFormLayout(forms_box)
        form2.addRow("表格", self.kind_combo)
        form2.addRow("对象", self.subject_edit)
        form2.addRow("", self.unmasked_check)
        form2.addRow("", self.form_button)

        self.verify_edit = QLineEdit(self)
        self.verify_edit.setPlaceholderText("扫码枪扫描会员卡二维码，或粘贴 UD1:… 内容")
        self.verify_result = QLabel("", self)
        self.verify_result.setWordWrap(True)
        # A long result (a long name and union) wraps in the column's width instead of
        # widening the column over the preview.
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.verify_result.setSizePolicy(policy)
        verify_box = QGroupBox("会员卡核验", self)
        v = QVBoxLayout(verify_box)
        v.addWidget(self.verify_edit)
        v.addWidget(self.verify_result)

        self.print_button = QPushButton("打印…", self)
        self.save_button = QPushButton("另存为 PDF…", self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.preview = QWidget(self)
        self.preview_layout = QVBoxLayout(self.preview)
        self.preview_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.preview_hint = QLabel(PREVIEW_HINT, self.preview)
        self.preview_hint.setWordWrap(True)
        self.preview_hint.setStyleSheet("color: #666666;")
        self.preview_layout.addWidget(self.preview_hint)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.preview)

        left = QVBoxLayout()
        for w in (cards_box, forms_box, verify_box):
            left.addWidget(w)
        left.addStretch(1)
        right = QVBoxLayout()
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        right.addWidget(self.status)
        right.addWidget(scroll, 1)
        root = QHBoxLayout(self)
        root.addLayout(left, 0)
        root.addLayout(right, 1)

        self.cards_button.clicked.connect(self.make_cards)
        self.form_button.clicked.connect(self.make_form)
        self.print_button.clicked.connect(self.print_pdf)
        self.save_button.clicked.connect(self.save_pdf)
        self.verify_edit.returnPressed.connect(self.verify_card)
        self._set_ready(False)
        self.refresh()

    # -- public API for other pages (members page: "打印会员卡") --------------------
    def navigate(
        self, member_ids: list[str] | None = None, application_id: str | None = None, **_: Any
    ) -> None:
        self.set_members(member_ids or [])
        if application_id:  # the review queue's 打印入会申请书: filled from the application
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData("application"), 0))
            self.subject_edit.setText(application_id)
            self.make_form()

    def set_members(self, member_ids: list[str]) -> None:
        self.member_ids = list(member_ids)
        self.selection_label.setText(
            f"已选会员 {len(self.member_ids)} 人（优先于工会）" if self.member_ids else ""
        )

    def refresh(self) -> None:
        current = self.union_combo.currentData()
        self.union_combo.clear()
        self.union_combo.addItem("（请选择）", None)
        from desktop.printing.queries import union_names

        for name in union_names(self.ctx.db):
            self.union_combo.addItem(name, name)
        index = self.union_combo.findData(current)
        self.union_combo.setCurrentIndex(max(index, 0))

    # -- making PDFs ------------------------------------------------------------------
    def _target(self) -> Path:
        return self._tmp / "current.pdf"

    def make_cards(self) -> None:
        from desktop.printing.cards import render_cards
        from desktop.printing.queries import card_batch

        union = self.union_combo.currentData()
        ids = self.member_ids or None
        if ids is None and not union:
            messages.warn(
                self,
                "无法制卡",
                "请先在「基层工会」中选择一个工会，为它的在会会员制卡；"
                "或在会员管理中选中会员后点「打印会员卡」。",
            )
            self.union_combo.setFocus()
            return
        try:
            batch = card_batch(self.ctx.db, union_name=None if ids else union, member_ids=ids)
        except UnionDeskError as exc:
            messages.warn(self, "无法制卡", exc.message)
            return
        from desktop.printing.cards import glyph_problems
        from desktop.printing.fonts import fonts

        problems = glyph_problems(batch.records, fonts())
        allow = bool(problems)
        if problems and not self._mark_missing("无法制卡", [p.message for p in problems]):
            return
        layout = self.layout_combo.currentData()
        out = self._target()
        self._making = ("会员卡", False)

        def work(progress: Any, token: Any) -> list[str]:
            warnings = render_cards(
                batch.records,
                out,
                layout=layout,
                allow_missing_glyphs=allow,
                progress=progress,
                cancelled=lambda: token.cancelled,
            )
            audit.printed(self.ctx.db, "会员卡", out, subject=f"{len(batch.records)} 张")
            return [w.message for w in batch.warnings + warnings]

        self.ctx.runner.run(
            work, title="正在生成会员卡…", parent=self, on_done=self._made, on_error=self._failed
        )

    def make_form(self) -> None:
        from desktop.printing.forms.render import FORM_TITLES, blank, missing_glyphs, render_form
        from desktop.printing.queries import form_values

        kind = self.kind_combo.currentData()
        subject = self._resolve_subject(kind, self.subject_edit.text().strip())
        if subject is None:
            return
        unmasked = self.unmasked_check.isChecked() and bool(subject)
        reason = None
        if unmasked:
            reason = reason_dialog.ask_reason(
                self,
                title="显示完整身份证号和手机号",
                note_text=reason_dialog.UNMASK_NOTE,
                example="如：会员本人办理转接需要完整信息",
            )
            if reason is None:
                return
        try:
            if not subject:
                payload: Any = blank(kind)
            else:
                payload = form_values(self.ctx.db, kind, subject, unmasked=unmasked)
        except UnionDeskError as exc:
            messages.warn(self, "无法生成表格", exc.message)
            return
        missing = missing_glyphs(payload)
        allow = bool(missing)
        if missing and not self._mark_missing(
            "无法生成表格", [f"表格中有字体缺少的字：{'、'.join(missing)}"]
        ):
            return
        out = self._target()
        self._making = (FORM_TITLES[kind], unmasked)

        def work(progress: Any, token: Any) -> list[str]:
            render_form(kind, payload, out, allow_missing_glyphs=allow)
            audit.printed(
                self.ctx.db,
                FORM_TITLES[kind],
                out,
                subject=subject or "空白表",
                unmasked=unmasked,
                reason=reason,
            )
            return []

        self.ctx.runner.run(
            work,
            title="正在生成表格…",
            parent=self,
            on_done=self._made,
            on_error=self._failed,
            cancellable=False,
        )

    def _mark_missing(self, title: str, problems: list[str]) -> bool:
        """Characters no font here can draw: print them as 〓 (to be written in by hand),
        or stop (the clerk installs a font first). True to go on."""
        listed = "\n".join(problems[:5])
        more = f"\n（另有 {len(problems) - 5} 处）" if len(problems) > 5 else ""
        return messages.confirm(
            self,
            title,
            f"{listed}{more}\n\n本机字体中没有这些字，直接打印会是空白。可以用〓标出这些字"
            "继续打印（打印后请手写补上），或取消后在本机安装含这些字的 TrueType 字体"
            "（如 Windows 的 SimSun-ExtB「simsunb.ttf」）再打印。",
            yes="用〓标出并继续",
            no="取消",
        )

    def _resolve_subject(self, kind: str, typed: str) -> str | None:
        """The member or activity id for what the clerk typed; "" for a blank form.

        Clerks know names and card numbers, not ids: the text is searched like the member
        list's search box (or activity titles for the sign-in sheet), and when several
        match the clerk picks one. None means nothing to print (a message was shown).
        """
        if not typed:
            return ""
        if _UUID.fullmatch(typed):
            return typed
        choices: list[tuple[str, str]] = []
        if kind == "attendance":
            from desktop.services.activities import records as activities

            for a in activities.list_activities(self.ctx.db, search=typed, limit=50):
                choices.append((f"{a.title}（{a.starts_at:%Y-%m-%d}）", a.id))
            what = "活动"
        else:
            from desktop.services.members import queries as member_queries

            rows = member_queries.search_members(self.ctx.db, typed, limit=50)
            for m in rows:
                choices.append((f"{m.name}　{m.card_no or '无会员证号'}　{m.union_name}", m.id))
            what = "会员"
        if not choices:
            messages.warn(self, "无法生成表格", f"没有找到与“{typed}”相符的{what}。")
            return None
        if len(choices) == 1:
            return choices[0][1]
        labels = [f"{i + 1}. {c[0]}" for i, c in enumerate(choices)]
        label, ok = QInputDialog.getItem(
            self,
            f"选择{what}",
            f"有 {len(choices)} 个{what}与“{typed}”相符，请选择：",
            labels,
            0,
            False,
        )
        if not ok or label not in labels:
            return None
        return choices[labels.index(label)][1]

    def _made(self, warnings: list[str]) -> None:
        self.pdf = self._target()
        self.made = self._making
        self.warnings = warnings
        notes = "\n".join(f"注意：{w}" for w in warnings)
        self.status.setText(notes or "已生成，可预览、打印或另存。")
        self._set_ready(True)
        self._show_preview()

    def _failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, UnionDeskError) else f"生成失败：{exc}"
        messages.warn(self, "打印", message)

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def _show_preview(self) -> None:
        while self.preview_layout.count():
            item = self.preview_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.preview_hint:
                widget.deleteLater()
        self.preview_hint.setVisible(self.pdf is None)
        if self.pdf is None:
            self.preview_layout.addWidget(self.preview_hint)
            return
        try:
            total = pdf_pages.page_count(self.pdf)
            pages = list(pdf_pages.page_images(self.pdf, PREVIEW_DPI, 1, PREVIEW_PAGES))
        except Exception as exc:  # a PDFium failure must not take the page down
            self.preview_layout.addWidget(
                QLabel(f"无法显示预览：{exc}。仍可打印或另存为 PDF。", self.preview)
            )
            return
        if total > len(pages):
            self.preview_layout.addWidget(
                QLabel(f"共 {total} 页，预览前 {len(pages)} 页。", self.preview)
            )
        for page in pages:
            label = QLabel(self.preview)
            label.setPixmap(QPixmap.fromImage(page.image))
            label.setStyleSheet("border: 1px solid #999; background: white;")
            self.preview_layout.addWidget(label)

    # -- output -------------------------------------------------------------------------
    def save_pdf(self) -> None:
        if self.pdf is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "另存为 PDF", "", "PDF 文件 (*.pdf)")
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        what, unmasked = self.made
        try:
            # Owner-only, like every export: a form may carry full numbers and a card
            # sheet names and photos; a reader never finds a half-written file.
            # Recorded before the file takes its name: never a copy nobody knows of.
            with private_files.replacing(Path(target)) as temp:
                shutil.copyfile(self.pdf, temp)
                audit.saved_copy(self.ctx.db, what, target, unmasked=unmasked)
        except OSError as exc:
            messages.error(self, "另存为 PDF", f"无法写入 {target}：{exc.strerror or exc}")
            return
        except UnionDeskError as exc:
            messages.error(self, "另存为 PDF", f"没有保存 {target}：{exc.message}")
            return
        self.status.setText(f"已保存：{target}")

    def print_pdf(self) -> None:
        if self.pdf is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.send_to_printer(printer)

    def send_to_printer(self, printer: QPrinter) -> None:
        """Print the current PDF at 100 % on the worker thread, with progress and cancel."""
        if self.pdf is None:
            return
        pdf = self.pdf

        def work(progress: Any, token: Any) -> int:
            return pdf_pages.print_pdf(printer, pdf, PRINT_DPI, progress, lambda: token.cancelled)

        self.ctx.runner.run(
            work,
            title="正在发送到打印机…",
            parent=self,
            on_done=lambda n: self.status.setText(f"已发送 {n} 页到打印机（100% 比例）。"),
            on_error=self._failed,
        )

    # -- verify --------------------------------------------------------------------------
    def verify_card(self) -> None:
        from desktop.printing.verify_card import check_card

        result = check_card(self.ctx.db, self.verify_edit.text())
        color = "#1b5e20" if result.valid else "#b71c1c"
        self.verify_result.setStyleSheet(f"color: {color};")
        self.verify_result.setText(result.summary)
        # The scanner's next card replaces this one (appended, it would read as forged).
        self.verify_edit.selectAll()
