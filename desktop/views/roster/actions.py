"""Entry points for other pages: import wizard, export of a member filter, template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.services.members.queries import MemberFilter
from desktop.services.rosters import export
from desktop.services.unions import registry as unions
from desktop.spreadsheets import template
from desktop.views.care import reason_dialog
from desktop.views.context import AppContext
from desktop.views.widgets import messages

# The two answers of the export question, as the buttons read (the text names them).
MASKED = "导出打码名册"
UNMASKED = "导出完整名册"


def open_import_wizard(ctx: AppContext, parent: QWidget | None, path: Path | None = None) -> Any:
    """Show the (non-modal) import wizard and return it; on ``path`` (a dropped file),
    with that file filled in, so the clerk still chooses the union and duplicates rule."""
    from desktop.views.roster.import_wizard import ImportWizard

    wizard = ImportWizard(ctx, parent)
    if path is not None:
        wizard.file_page.path_edit.setText(str(path))
    wizard.show()
    return wizard


def _save_path(parent: QWidget | None, title: str, name: str) -> Path | None:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, name, "Excel 工作簿 (*.xlsx)")
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


def export_members(ctx: AppContext, parent: QWidget | None, member_filter: MemberFilter) -> None:
    """Export the list as filtered now; masked unless the clerk asks for full numbers.

    An unmasked export asks the reason first (``care.reason_dialog``); it is recorded in
    the local audit trail by ``export.export_members`` itself, so the GUI and the CLI
    cannot differ there.
    """
    path = _save_path(parent, "导出会员名册", "会员名册.xlsx")
    if path is None:
        return
    unmasked = messages.confirm(
        parent,
        "导出会员名册",
        f"名册中的身份证号和手机号要完整导出吗？\n\n选「{MASKED}」将隐去号码中间几位"
        "（推荐，防止个人信息泄露）；只有确需完整号码时才选「"
        f"{UNMASKED}」。",
        yes=UNMASKED,
        no=MASKED,
    )
    reason = None
    if unmasked:
        reason = reason_dialog.ask_reason(
            parent,
            title="导出完整身份证号和手机号",
            note_text=reason_dialog.UNMASK_NOTE,
            example="如：报送上级工会核对会员身份",
        )
        if reason is None:
            return

    def work(progress: Any, cancel: Any) -> export.ExportResult:
        return export.export_members(
            ctx.db,
            path,
            member_filter,
            unmasked=unmasked,
            progress=progress,
            cancel=cancel,
            reason=reason,
        )

    def done(result: export.ExportResult) -> None:
        note = (
            "（号码已部分隐藏）"
            if result.masked
            else "（含完整身份证号和手机号，请妥善保管；本次导出已记入本机审计记录）"
        )
        messages.inform(parent, "导出完成", f"已导出 {result.rows} 名会员到\n{result.path}\n{note}")
        ctx.status_message.emit(f"已导出 {result.rows} 名会员")

    ctx.runner.run(
        work,
        title="正在导出会员名册…",
        parent=parent,
        on_done=done,
        on_error=lambda exc: messages.error(parent, "导出失败", str(exc)),
    )


def save_template(ctx: AppContext, parent: QWidget | None) -> Path | None:
    path = _save_path(parent, "保存名册模板", "会员名册模板.xlsx")
    if path is None:
        return None
    try:
        names = [u.name for u in unions.list_all(ctx.db)]
        written = template.write_template(path, names)
    except Exception as exc:  # UnionDeskError carries the Chinese message
        messages.error(parent, "保存模板失败", str(exc))
        return None
    messages.inform(parent, "模板已保存", f"名册模板已保存到\n{written}")
    return written
