"""Printing from the care screens: the 困难职工登记表 of a file and the 救助金领取签收表
of a batch, written to a PDF the clerk names, off the GUI thread.

``choose_batch`` and ``save_path`` are the seams tests replace (no modal box in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.services.care import assistance
from desktop.views.care import reason_dialog
from desktop.views.context import AppContext
from desktop.views.widgets import messages


def save_path(parent: QWidget | None, title: str, name: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, name, "PDF 文件 (*.pdf)")
    return Path(chosen) if chosen else None


def choose_batch(parent: QWidget | None, batches: list[str]) -> str | None:
    batch, ok = QInputDialog.getItem(
        parent, "打印救助金领取签收表", "发放批次：", batches, 0, False
    )
    return str(batch) if ok and batch else None


def _run(
    ctx: AppContext,
    parent: QWidget,
    title: str,
    work: Callable[[], None],
    out: Path,
    retry: Callable[[], None] | None = None,
) -> None:
    """``work`` off the GUI thread; ``retry``: the same printing with characters no font
    has drawn as 〓, offered when ``work`` stopped on them."""

    def done(_result: object) -> None:
        messages.inform(parent, title, f"已生成：{out}")

    def failed(exc: BaseException) -> None:
        from desktop.printing.fonts import MissingGlyphsError

        if isinstance(exc, MissingGlyphsError) and retry is not None:
            if messages.confirm(parent, title, exc.message, yes="用〓标出并继续", no="取消"):
                _run(ctx, parent, title, retry, out)
            return
        text = exc.message if isinstance(exc, UnionDeskError) else "生成失败，详情已写入错误日志。"
        messages.error(parent, title, text)

    ctx.runner.run(
        lambda _progress, _cancel: work(),
        title=f"正在生成{title}…",
        parent=parent,
        on_done=done,
        on_error=failed,
        cancellable=False,
    )


def print_form(ctx: AppContext, parent: QWidget, case_id: str) -> None:
    """The form of the file ``case_id``, with health, disability and income only when the
    clerk says so and gives a reason (audited); otherwise those cells stay blank for the
    household to fill in. An account without the 查看敏感信息 permission is not asked: the
    cells stay blank."""
    reason: str | None = None
    if acting.current().may(acting.SENSITIVE) and messages.confirm(
        parent,
        "困难职工登记表",
        "是否同时打印健康、残疾和收入信息？打印须填写原因并记入操作日志；"
        "不打印则这些栏留空，由本人填写。",
        yes="打印敏感信息",
        no="不打印",
    ):
        reason = reason_dialog.ask_reason(
            parent,
            title="打印敏感信息",
            note_text=reason_dialog.PRINT_NOTE,
            example="如：本人核对后签字",
            ok_text="打印",
        )
        if reason is None:
            return
    out = save_path(parent, "保存困难职工登记表", "困难职工登记表.pdf")
    if out is None:
        return

    def work() -> None:
        from desktop.printing.forms.render import render_form
        from desktop.printing.queries import form_values
        from desktop.services import audit

        values = form_values(ctx.db, "hardship", case_id, sensitive_reason=reason)
        render_form("hardship", values, out)
        audit.printed(ctx.db, "困难职工登记表", out, subject=f"档案 {case_id}")

    _run(ctx, parent, "困难职工登记表", work, out)


def print_receipt(ctx: AppContext, parent: QWidget) -> None:
    batches = assistance.batches(ctx.db)
    if not batches:
        messages.inform(parent, "救助金领取签收表", "还没有登记了发放批次的救助记录。")
        return
    batch = choose_batch(parent, batches)
    if batch is None:
        return
    out = save_path(parent, "保存救助金领取签收表", f"{batch}签收表.pdf")
    if out is None:
        return

    def work(allow: bool = False) -> None:
        from desktop.printing.forms.assistance_receipt import render_receipt

        render_receipt(ctx.db, batch, out, allow_missing_glyphs=allow)

    _run(ctx, parent, "救助金领取签收表", work, out, retry=lambda: work(True))
