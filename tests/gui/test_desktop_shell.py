"""The window behaves like a desktop program: Qt's own dialogs in Chinese, a menu bar
with shortcuts, 使用说明 and 关于, a window that fits the screen and comes back as it was
left, usable at 1024×768, and a .udsync file on the command line opening the import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QFileInfo, QPoint, QRect, QSize, Qt, QUrl
from PySide6.QtGui import QAbstractFileIconProvider, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QWidget,
)
from pytestqt.qtbot import QtBot

import desktop.__main__ as entry
from desktop import __version__
from desktop.views import app as gui_app
from desktop.views import window_state
from desktop.views.context import AppContext
from desktop.views.help_dialogs import AboutDialog, HelpDialog
from desktop.views.main_window import MainWindow
from desktop.views.members.member_dialog import MemberDialog
from desktop.views.sync.import_wizard import FILE, ImportWizard
from desktop.views.widgets import messages

from .conftest import Boxes

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CTRL = Qt.KeyboardModifier.ControlModifier


def open_window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx, "测试街道总工会")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    return window


# ---- Qt's own texts ------------------------------------------------------------------


def test_message_box_standard_buttons_read_chinese(qtbot: QtBot) -> None:
    box = QMessageBox()
    qtbot.addWidget(box)
    texts = {
        button: box.addButton(button).text()
        for button in (
            QMessageBox.StandardButton.Ok,
            QMessageBox.StandardButton.Yes,
            QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Cancel,
        )
    }
    assert list(texts.values()) == ["确定", "是(&Y)", "否(&N)", "取消"]


def test_qt_file_dialog_has_no_english_label(qtbot: QtBot) -> None:
    """Qt's own file dialog (what Linux shows without a desktop theme): all Chinese,
    including the two labels Qt 6.12 asks for with a mnemonic the catalogue lacks."""
    dialog = QFileDialog(None, "选择同步包")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton) if w.text()]
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts
    assert not [t for t in texts if LATIN_WORD.search(t)], texts


def test_the_file_dialogs_type_column_says_folder_in_chinese(tmp_path: Path) -> None:
    """Qt 6 asks QAbstractFileIconProvider for a folder's 类型; the catalogue has it under
    its Qt 5 class QFileDialog (the column read 「Folder」 beside 修改日期)."""
    provider = QAbstractFileIconProvider()
    assert provider.type(QFileInfo(str(tmp_path))) == "文件夹"


def test_question_buttons_carry_the_verbs_the_text_names(qtbot: QtBot) -> None:
    box = messages.question_box(None, "导出会员名册", "…", yes="导出完整名册", no="导出打码名册")
    qtbot.addWidget(box)
    yes, no = box.button(QMessageBox.StandardButton.Yes), box.button(QMessageBox.StandardButton.No)
    assert (yes.text(), no.text()) == ("导出完整名册", "导出打码名册")
    assert box.defaultButton() is no and box.escapeButton() is no
    plain = messages.question_box(None, "删除", "确定删除吗？")
    qtbot.addWidget(plain)
    assert plain.button(QMessageBox.StandardButton.Yes).text() == "是(&Y)"


def test_export_question_names_buttons_that_exist(
    ctx: AppContext,
    registry: dict[str, str],
    boxes: Boxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop.services.members.queries import MemberFilter
    from desktop.views.roster import export_members

    target = tmp_path / "名册.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    boxes.answer = False
    export_members(ctx, None, MemberFilter())
    _kind, _title, text = boxes.shown[0]
    labels = {boxes.buttons[0]["yes"], boxes.buttons[0]["no"]}
    named = set(re.findall(r"「([^」]+)」", text))
    assert named and named <= labels, (named, labels)


# ---- menu bar and shortcuts ----------------------------------------------------------


def test_menu_bar_has_the_usual_menus_and_shortcuts(qtbot: QtBot, ctx: AppContext) -> None:
    window = open_window(qtbot, ctx)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["文件(&F)", "会员(&M)", "视图(&V)", "帮助(&H)"]
    keys = {name: a.shortcut().toString() for name, a in window.actions_by_name.items()}
    assert keys["new_member"] == "Ctrl+N" and keys["find"] == "Ctrl+F"
    assert keys["quit"] == "Ctrl+Q" and keys["refresh"] == "F5" and keys["help"] == "F1"
    assert keys["print_card"] == "Ctrl+P"
    assert [keys[f"area_{a.key}"] for a in window.areas] == [
        f"Ctrl+{n}" if n <= 9 else "" for n in range(1, len(window.areas) + 1)
    ]


def test_shortcuts_switch_areas_search_and_add(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    window = open_window(qtbot, ctx)
    assert window.current_key() == "dashboard"
    keys = [a.key for a in window.areas]
    qtbot.keyClick(window, str(keys.index("activities") + 1), CTRL)
    assert window.current_key() == "activities"
    qtbot.keyClick(window, "f", CTRL)  # the activities' own search box
    assert window.pages["activities"].search.hasFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(window, "1", CTRL)
    qtbot.keyClick(window, "f", CTRL)  # 首页 has none: the members' one
    assert window.current_key() == "members"
    assert window.pages["members"].search.hasFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(window, "n", CTRL)
    assert isinstance(window.pages["members"].dialog, MemberDialog)  # type: ignore[attr-defined]
    window.pages["members"].dialog.done(0)  # type: ignore[attr-defined]
    window.statusBar().clearMessage()
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.statusBar().currentMessage() == "已刷新"


def test_help_and_about_are_offline_and_open_the_data_folder(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(qtbot, ctx)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_box = window.dialog
    assert isinstance(help_box, HelpDialog)
    guide = help_box.browser.toPlainText()
    assert "新增会员" in guide and "Ctrl+N" in guide and "同步" in guide
    assert "http" not in guide
    help_box.close()

    window.actions_by_name["about"].trigger()
    about = window.dialog
    assert isinstance(about, AboutDialog)
    assert __version__ in "".join(label.text() for label in about.findChildren(QLabel))
    assert about.folder_label.text() == str(ctx.db.paths.data_dir)
    licences = about.licences.toPlainText()
    for needed in ("Droid Sans Fallback", "Apache License 2.0", "ReportLab", "BSD", "LGPL"):
        assert needed in licences
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(about.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(ctx.db.paths.data_dir))]


# ---- window size and state -----------------------------------------------------------


def test_first_window_fits_the_available_screen(qtbot: QtBot, ctx: AppContext) -> None:
    window = open_window(qtbot, ctx)
    area = window.screen().availableGeometry()
    assert window.frameGeometry().height() <= area.height()
    assert window.frameGeometry().width() <= area.width()
    assert area.contains(window.frameGeometry())


def test_size_position_and_splitters_come_back(qtbot: QtBot, ctx: AppContext) -> None:
    window = open_window(qtbot, ctx)
    window.setGeometry(QRect(30, 40, 700, 500))
    window.show_area("activities")
    splitter = window.pages["activities"].findChild(QSplitter, "activities_splitter")
    assert splitter is not None
    splitter.setSizes([150, 500])
    wanted = splitter.sizes()
    table = window.pages["activities"].table  # type: ignore[attr-defined]
    table.setColumnWidth(1, 333)
    window.close()
    assert (ctx.db.paths.data_dir / window_state.FILENAME).is_file()  # not the real home

    again = open_window(qtbot, ctx)
    assert again.geometry() == QRect(30, 40, 700, 500)
    again.show_area("activities")
    restored = again.pages["activities"].findChild(QSplitter, "activities_splitter")
    assert restored is not None and restored.sizes() == wanted
    assert again.pages["activities"].table.columnWidth(1) == 333  # type: ignore[attr-defined]


def test_no_title_repeats_the_application_name(qtbot: QtBot, ctx: AppContext) -> None:
    """Qt appends the display name (工会桌面通) to every window title on Windows and
    Linux; a title that holds it already would read 工会桌面通 twice."""
    from desktop.views.first_run_dialog import FirstRunDialog

    assert QApplication.applicationDisplayName() == "工会桌面通"
    window = open_window(qtbot, ctx)
    dialogs = (FirstRunDialog(ctx), HelpDialog(), AboutDialog(ctx.db.paths.data_dir))
    for widget in (window, *dialogs):
        qtbot.addWidget(widget)
        assert "工会桌面通" not in widget.windowTitle(), widget.windowTitle()


def test_a_remembered_window_larger_than_this_screen_is_cut_to_fit(
    qtbot: QtBot, ctx: AppContext
) -> None:
    settings = window_state.settings_for(ctx.db.paths.data_dir)
    settings.setValue("window/rect", [-500, 3000, 2560, 1440])
    settings.sync()
    window = open_window(qtbot, ctx)
    assert window.screen().availableGeometry().contains(window.frameGeometry())


def inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("area", ["dashboard", "activities", "sites"])
def test_pages_are_not_clipped_at_1024_by_768(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], area: str
) -> None:
    window = open_window(qtbot, ctx)
    window.resize(1024, 768)
    page = window.show_area(area)
    assert page is not None
    qtbot.wait(10)
    assert window.size() == QSize(1024, 768)  # no page forces a bigger window
    assert inside(page, window)
    keys = {
        "dashboard": ["scroll_area"],
        "activities": ["table", "attendance", "add_button", "edit_button", "delete_button"],
        "sites": ["table", "tabs"],
    }[area]
    for name in keys:
        widget = getattr(page, name)
        assert widget.isVisible() and inside(widget, window), name
        assert widget.width() > 0 and widget.height() > 0, name
    if area == "dashboard":  # the figure cards reflow: no sideways scrolling
        assert page.scroll_area.horizontalScrollBar().maximum() == 0  # type: ignore[attr-defined]
        cards = page.figure_cards  # type: ignore[attr-defined]
        assert cards[-1].geometry().right() <= page.scroll_area.viewport().width()  # type: ignore[attr-defined]
        assert {card.y() for card in cards} != {cards[0].y()}  # wrapped onto two rows
    if area == "activities":  # the search box keeps a usable width
        assert page.search.width() >= 180  # type: ignore[attr-defined]


# ---- a package file on the command line ----------------------------------------------


def test_a_udsync_argument_starts_the_gui_not_the_cli() -> None:
    assert entry._wants_gui(["甲街道.udsync"])
    assert entry._wants_gui(["--data-dir", "d", "C:/U盘/甲街道.UDSYNC"])
    assert entry._wants_gui(["甲街道.udsync", "--data-dir", "d"])
    assert not entry._wants_gui(["members", "list"])
    assert gui_app.parse_args(["--data-dir", "d", "x.udsync"]).file == "x.udsync"


def test_launch_on_a_package_opens_the_import_wizard_on_it(
    qtbot: QtBot, ctx: AppContext, boxes: Boxes, tmp_path: Path, no_usb: None
) -> None:
    package = tmp_path / "甲街道.udsync"
    package.write_bytes(b"not a package")
    window = gui_app.launch(ctx, open_file=package)
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.current_key() == "sync")
    wizard = window.pages["sync"].dialog  # type: ignore[attr-defined]
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    assert wizard.file_page.path_edit.text() == str(package)
    assert wizard.stack.currentIndex() == FILE  # checked at once: refused, with the reason
    assert boxes.kinds() == ["error"] and boxes.shown[0][1] == "同步包未通过核验"


# ---- every button the clerk can see says it in Chinese -------------------------------

# Latin words a Chinese office uses as they are (file kinds, key names).
ALLOWED_LATIN = {"PDF", "Excel", "USB", "Ctrl", "xlsx", "udsync", "udkey"}


def english_buttons(widget: QWidget) -> list[str]:
    found = []
    for button in widget.findChildren(QAbstractButton):
        words = set(LATIN_WORD.findall(button.text())) - ALLOWED_LATIN
        if words:
            found.append(f"{type(widget).__name__}: {button.text()}")
    return found


def test_no_english_button_in_any_page_or_dialog(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str], no_usb: None
) -> None:
    from desktop.views.activities.activity_dialog import ActivityDialog
    from desktop.views.first_run_dialog import FirstRunDialog
    from desktop.views.roster.import_wizard import ImportWizard as RosterWizard
    from desktop.views.sites.site_dialog import SiteDialog
    from desktop.views.sync.export_wizard import ExportWizard
    from desktop.views.unions.union_dialog import UnionDialog

    window = open_window(qtbot, ctx)
    for area in window.areas:
        window.show_area(area.key)
    dialogs: list[QWidget] = [
        MemberDialog(ctx),
        UnionDialog(ctx),
        ActivityDialog(ctx),
        SiteDialog(ctx),
        RosterWizard(ctx),
        ImportWizard(ctx),
        ExportWizard(ctx),
        FirstRunDialog(ctx),
        HelpDialog(),
        AboutDialog(ctx.db.paths.data_dir),
        messages.question_box(None, "删除", "确定删除吗？"),
    ]
    found = english_buttons(window)
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        found += english_buttons(dialog)
    assert found == []


# ---- a roster dropped on the member list -----------------------------------------------


def drop_event(kind: type, paths: list[Path]) -> Any:
    from PySide6.QtCore import QMimeData, QPointF

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = kind(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    return event, mime  # the event keeps no reference to its data


def test_dropping_an_xlsx_on_the_member_list_opens_the_import_wizard(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    from desktop.views.members.page import MembersPage
    from desktop.views.roster.import_wizard import ImportWizard as RosterWizard

    page = MembersPage(ctx)
    qtbot.addWidget(page)
    assert page.acceptDrops()
    roster, other = tmp_path / "名册.xlsx", tmp_path / "照片.jpg"
    enter, _keep = drop_event(QDragEnterEvent, [other])
    page.dragEnterEvent(enter)
    assert not enter.isAccepted()  # a photo is not a roster
    enter, _keep2 = drop_event(QDragEnterEvent, [roster, roster])
    page.dragEnterEvent(enter)
    assert not enter.isAccepted()  # one roster at a time
    enter, _keep3 = drop_event(QDragEnterEvent, [roster])
    page.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop, _keep4 = drop_event(QDropEvent, [roster])
    page.dropEvent(drop)
    wizard = page.roster_wizard
    assert isinstance(wizard, RosterWizard) and wizard.isVisible()
    qtbot.addWidget(wizard)
    assert wizard.file_page.path_edit.text() == str(roster)
    wizard.close()
    # The toolbar's 导入名册… button: an empty file field (clicked's checked=False once
    # arrived as the path and the wizard opened on a file named 「False」).
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    clicked = page.roster_wizard
    assert clicked is not wizard and isinstance(clicked, RosterWizard)
    qtbot.addWidget(clicked)
    assert clicked.file_page.path_edit.text() == ""
