"""Message boxes behind one seam, so GUI tests can replace them (monkeypatch these names).

Never ``exec()`` a QMessageBox directly in a page: call these functions instead. Their
standard buttons read 确定/是/否/取消 once ``translations.install_chinese`` has run; a
question whose answers are actions takes verbs instead (``confirm(yes=..., no=...)``),
so the text can name the button the clerk will actually see.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def question_box(
    parent: QWidget | None, title: str, text: str, *, yes: str | None = None, no: str | None = None
) -> QMessageBox:
    """The box ``confirm`` shows: 是/否 (or the given verbs), 否 the default and Esc."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    yes_button = box.addButton(QMessageBox.StandardButton.Yes)
    no_button = box.addButton(QMessageBox.StandardButton.No)
    if yes:
        yes_button.setText(yes)
    if no:
        no_button.setText(no)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    return box


def confirm(
    parent: QWidget | None, title: str, text: str, *, yes: str | None = None, no: str | None = None
) -> bool:
    """True when the clerk pressed 是 (or ``yes``); 否, Esc and closing say no."""
    box = question_box(parent, title, text, yes=yes, no=no)
    box.exec()
    return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
