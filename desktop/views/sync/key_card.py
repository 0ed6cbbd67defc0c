"""导出密钥卡 from the sync page and the settings page: one save dialog, the card
written owner-only, and what to tell the other office."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.private_files import write_private
from desktop.sync import office
from desktop.views.context import AppContext
from desktop.views.sync import files
from desktop.views.widgets import messages


def export_key_card(parent: QWidget, ctx: AppContext) -> None:
    """Ask where, write this office's key card there, and say what to do with it."""
    me = office.this_office(ctx.db)
    path = files.save_card_path(parent, f"密钥卡-{me.name or '本单位'}{files.CARD_SUFFIX}")
    if path is None:
        return
    try:
        write_private(path, office.key_card(ctx.db))
    except OSError as exc:
        messages.error(parent, "无法保存密钥卡", f"无法写入 {path}：{exc.strerror}")
        return
    messages.inform(
        parent,
        "密钥卡已保存",
        f"本机密钥卡已保存到\n{path}\n\n请把它交给对方单位（U盘、邮件均可，密钥卡不含任何"
        f"会员信息），并电话告诉对方本机指纹：\n{me.fingerprint}",
    )
