"""The main window's menu bar and keyboard shortcuts.

Each action goes to the area that does the work (``window.show_area``) and calls the
page's own method, so a menu item and the page's button can never differ. Shortcuts
live on the actions, which the window owns: they work from any page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QMenu

if TYPE_CHECKING:
    from desktop.views.main_window import MainWindow

# Pages whose search box Ctrl+F focuses; elsewhere it goes to 会员管理's.
SEARCH_ATTR = "search"


def _add(
    menu: QMenu,
    text: str,
    handler: Callable[[], object],
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    *,
    name: str,
) -> QAction:
    action = QAction(text, menu)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: handler())
    menu.addAction(action)
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Fill the window's menu bar; return its actions by name (tests trigger them)."""
    bar = window.menuBar()
    actions: dict[str, QAction] = {}

    def keep(action: QAction) -> None:
        actions[action.objectName()] = action
        window.addAction(action)  # its shortcut works even while the menu bar is hidden

    file_menu = bar.addMenu("文件(&F)")
    keep(
        _add(
            file_menu,
            "导入名册…",
            lambda: window.call_page("members", "import_roster"),
            "Ctrl+I",
            name="import_roster",
        )
    )
    keep(
        _add(
            file_menu,
            "导出名册…",
            lambda: window.call_page("members", "export_roster"),
            "Ctrl+E",
            name="export_roster",
        )
    )
    file_menu.addSeparator()
    keep(
        _add(
            file_menu,
            "导入同步包…",
            lambda: window.call_page("sync", "open_import"),
            name="sync_import",
        )
    )
    keep(
        _add(
            file_menu,
            "导出同步包…",
            lambda: window.call_page("sync", "open_export"),
            name="sync_export",
        )
    )
    file_menu.addSeparator()
    keep(
        _add(
            file_menu,
            "生成上报报表…",
            lambda: window.call_page("dashboard", "make_report"),
            name="make_report",
        )
    )
    file_menu.addSeparator()
    keep(_add(file_menu, "退出", window.close, "Ctrl+Q", name="quit"))

    member_menu = bar.addMenu("会员(&M)")
    keep(
        _add(
            member_menu,
            "新增会员…",
            lambda: window.call_page("members", "add_member"),
            "Ctrl+N",
            name="new_member",
        )
    )
    keep(_add(member_menu, "查找", window.focus_search, "Ctrl+F", name="find"))
    keep(
        _add(
            member_menu,
            "打印会员卡",
            lambda: window.call_page("members", "print_card"),
            "Ctrl+P",
            name="print_card",
        )
    )

    view_menu = bar.addMenu("视图(&V)")
    for n, area in enumerate(window.areas, start=1):
        shortcut = f"Ctrl+{n}" if n <= 9 else None
        keep(
            _add(
                view_menu,
                area.label,
                functools.partial(window.show_area, area.key),
                shortcut,
                name=f"area_{area.key}",
            )
        )
    view_menu.addSeparator()
    keep(_add(view_menu, "刷新", window.refresh_current, "F5", name="refresh"))

    help_menu = bar.addMenu("帮助(&H)")
    keep(_add(help_menu, "使用说明", window.show_help, "F1", name="help"))
    keep(_add(help_menu, "打开数据文件夹", window.open_data_folder, name="data_folder"))
    help_menu.addSeparator()
    keep(_add(help_menu, "关于工会桌面通", window.show_about, name="about"))
    return actions


def search_box_of(page: object) -> QLineEdit | None:
    box = getattr(page, SEARCH_ATTR, None)
    return box if isinstance(box, QLineEdit) else None
