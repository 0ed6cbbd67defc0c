"""Printing a 会籍转接单 from the transfer dialogs, off the GUI thread.

``save_path`` is the seam tests replace (no modal file dialog in tests).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.errors import UnionDeskError
from desktop.views.context import AppContext
from desktop.views.widgets import messages


def save_path(parent: QWidget | None, name: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, "保存会籍转接单", name, "PDF 文件 (*.pdf)")
    return Path(chosen) if chosen else None


def print_slip(ctx: AppContext, parent: QWidget, transfer_id: str, slip_no: str) -> None:
    out = save_path(parent, f"会籍转接单_{slip_no}.pdf")
    if out is None:
        return

    def work(_progress: object, _cancel: object) -> None:
        from desktop.printing.forms.render import render_form
        from desktop.printing.queries import form_values
        from desktop.services import audit

        render_form("transfer", form_values(ctx.db, "transfer", transfer_id), out)
        audit.printed(ctx.db, "会籍转接单", out, subject=f"转接 {transfer_id}")

    def failed(exc: BaseException) -> None:
        text = exc.message if isinstance(exc, UnionDeskError) else "生成失败，详情已写入错误日志。"
        messages.error(parent, "会籍转接单", text)

    ctx.runner.run(
        work,
        title="正在生成会籍转接单…",
        parent=parent,
        on_done=lambda _r: messages.inform(parent, "会籍转接单", f"已生成：{out}"),
        on_error=failed,
        cancellable=False,
    )
