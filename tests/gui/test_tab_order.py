"""Tab walks every dialog's fields in the order the clerk reads them, then 保存/取消;
in a notes box it moves on rather than typing a tab character.

Qt's default order is the order widgets were made in; a combo filled before the other
editors, or a photo panel made first, was reached only after the dialog's buttons (seen on
the application, honour, account and member dialogs; the first-run dialog put its demo box
before the account's fields). Every dialog class under ``desktop.views`` is walked: made
with the context alone, or by the recipe below; the others are named with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

import desktop.views as views
from desktop.views.applications.reject_dialog import RejectDialog
from desktop.views.context import AppContext
from desktop.views.members.erase_dialog import EraseDialog
from desktop.views.members.leave_dialog import LeaveDialog
from desktop.views.transfers.out_dialog import TransferOutDialog

Recipe = Callable[[AppContext, dict[str, str]], QDialog]
RECIPES: dict[str, Recipe] = {
    "LeaveDialog": lambda ctx, reg: LeaveDialog(ctx, reg["张三"], "张三"),
    "TransferOutDialog": lambda ctx, reg: TransferOutDialog(ctx, reg["张三"]),
    "EraseDialog": lambda ctx, reg: EraseDialog(ctx, reg["张三"]),
    "RejectDialog": lambda ctx, reg: RejectDialog(ctx, "an-application", "张三"),
}
NOT_WALKED = {
    "WaitDialog": "a progress box: no fields",
    "HelpDialog": "a help text: no fields",
    "StepDialog": "a base class of the wizards walked here",
    "ConflictDialog": "made from a sync conflict's differences, one choice per row",
    "MergeDialog": "made from two duplicate records, one choice per row",
    "UnlockDialog": "made from a locked data folder before any context exists",
    "RecoveryKeyDialog": "a key shown once: a copy, a print and a box to tick",
    "MemberDetailDialog": "tabs of read-only records",
    "ApproveDialog": "made from an application row (test_applications_page covers it)",
    "CloseDialog": "made from a legal case (test_legal_page covers it)",
    "HardshipFileDialog": "made from a hardship case (test_hardship_page covers it)",
    "CareFormDialog": "a form built by its caller from labels and editors",
    "ReasonDialog": "one text box",
    "ScoreDialog": "made from a site and a template (test_sites_evaluation covers it)",
}
SAME_COLUMN_PX = 10
UPWARD_SLACK_PX = 6


def dialog_classes() -> list[type[QDialog]]:
    found: dict[str, type[QDialog]] = {}
    for info in pkgutil.walk_packages(views.__path__, "desktop.views."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QDialog) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__name__}"] = cls
    return list(found.values())


def tab_chain(dialog: QDialog) -> list[QWidget]:
    """The widgets Tab visits, from the top-left field round to it again."""
    stops = [
        w
        for w in dialog.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    first = min(stops, key=lambda w: (place(dialog, w)[1], place(dialog, w)[0]))
    first.setFocus()
    chain = [first]
    for _ in range(len(stops) + 1):
        dialog.focusNextChild()  # what Tab does
        widget = dialog.focusWidget()
        if widget is None or widget is first:
            break
        chain.append(widget)
    return chain


def place(dialog: QDialog, widget: QWidget) -> tuple[int, int]:
    point = widget.mapTo(dialog, widget.rect().topLeft())
    return point.x(), point.y()


def is_dialog_button(widget: QWidget) -> bool:
    return isinstance(widget, QAbstractButton) and isinstance(widget.parent(), QDialogButtonBox)


def order_problems(dialog: QDialog) -> list[str]:
    chain = tab_chain(dialog)
    name = type(dialog).__name__
    problems = []
    seen_buttons = False
    for widget in chain:
        if isinstance(widget, QPlainTextEdit) and not widget.tabChangesFocus():
            problems.append(f"{name}: Tab types a tab into {widget.objectName() or 'a text box'}")
    for before, after in zip(chain, chain[1:], strict=False):
        seen_buttons = seen_buttons or is_dialog_button(before)
        if seen_buttons and not is_dialog_button(after):
            problems.append(
                f"{name}: {type(after).__name__} at {place(dialog, after)} comes after the buttons"
            )
        (x0, y0), (x1, y1) = place(dialog, before), place(dialog, after)
        if abs(x1 - x0) < SAME_COLUMN_PX and y1 + UPWARD_SLACK_PX < y0:
            problems.append(f"{name}: Tab goes up from {(x0, y0)} to {(x1, y1)}")
    return problems


def test_tab_follows_the_reading_order_in_every_dialog(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], no_usb: None
) -> None:
    problems: list[str] = []
    walked = []
    for cls in dialog_classes():
        name = cls.__name__
        if name in NOT_WALKED:
            continue
        recipe = RECIPES.get(name)
        dialog = recipe(ctx, registry) if recipe else cls(ctx)  # type: ignore[call-arg]
        qtbot.addWidget(dialog)
        dialog.show()
        problems += order_problems(dialog)
        walked.append(name)
        dialog.close()
    assert problems == []
    assert {"MemberDialog", "ApplicationDialog", "FirstRunDialog", "LeaveDialog"} <= set(walked)
