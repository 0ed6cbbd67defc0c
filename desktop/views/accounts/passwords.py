"""A password box: hidden characters, no context menu (no copying a password out)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget


def password_edit(parent: QWidget | None, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    edit.setMaxLength(128)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit
