"""Every dialog fits a 1366×768 or 1024×768 laptop screen with its buttons.

A 768-pixel screen less the taskbar (~40 px) and the title bar (~30 px) leaves ~698
pixels: the application dialog's fourteen fields in one column needed 810, so 保存 was
below the screen's edge. Its form has two columns now (``lay_out_form(columns=2)``).
The dialogs are those the tab-order test walks (``test_tab_order``).
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.views.context import AppContext
from tests.gui.test_tab_order import NOT_WALKED, RECIPES, dialog_classes

MAX_HEIGHT = 768 - 40 - 30
MAX_WIDTH = 1024 - 10


def test_every_dialog_fits_a_768_pixel_screen(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], no_usb: None
) -> None:
    too_big = []
    for cls in dialog_classes():
        if cls.__name__ in NOT_WALKED:
            continue
        recipe = RECIPES.get(cls.__name__)
        dialog = recipe(ctx, registry) if recipe else cls(ctx)  # type: ignore[call-arg]
        qtbot.addWidget(dialog)
        least = dialog.minimumSizeHint()
        if least.height() > MAX_HEIGHT or least.width() > MAX_WIDTH:
            too_big.append(f"{cls.__name__}: at least {least.width()}×{least.height()}")
    assert too_big == []
