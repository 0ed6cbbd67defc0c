"""The main window: area navigation on the left, pages built on first show, counts below.

Pages come from ``areas.AREAS`` and are imported only when first shown. After a write
(``AppContext.data_changed``) the visible page refreshes at once and the others when
they are next shown.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from desktop import APP_TITLE
from desktop.errors import UnionDeskError
from desktop.services.figures import summary as stats
from desktop.views import window_state
from desktop.views.accounts.session import install as install_session
from desktop.views.areas import AREAS, Area
from desktop.views.context import AppContext
from desktop.views.main_menu import build_menus, search_box_of
from desktop.views.widgets import messages

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: AppContext, federation_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(window_title(federation_name))
        self.settings = window_state.settings_for(ctx.db.paths.data_dir)
        self.dialog: QWidget | None = None  # the help or about box last opened
        self.areas: tuple[Area, ...] = AREAS
        self.pages: dict[str, QWidget] = {}
        self._stale: set[str] = set()

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        for area in self.areas:
            item = QListWidgetItem(area.label)
            item.setData(Qt.ItemDataRole.UserRole, area.key)
            item.setSizeHint(item.sizeHint().expandedTo(self.nav.fontMetrics().size(0, "会") * 2))
            self.nav.addItem(item)
        self.nav.setMinimumWidth(130)
        self.nav.setMaximumWidth(200)
        self.stack = QStackedWidget(self)
        self._slots: dict[str, QWidget] = {}
        for area in self.areas:
            slot = QWidget(self.stack)
            self._slots[area.key] = slot
            self.stack.addWidget(slot)
        splitter = QSplitter(self)
        splitter.setObjectName("main_splitter")
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([150, 1130])
        self.setCentralWidget(splitter)
        self.actions_by_name = build_menus(self)
        # who is signed in, the 账号 menu and the idle lock (views/accounts/session.py)
        self.session = install_session(self, ctx)
        window_state.restore(self, self.settings)
        window_state.restore_splitters(splitter, self.settings)

        self.counts = QLabel("正在统计会员人数…", self)
        self.statusBar().addPermanentWidget(self.counts)
        self._counting = False
        self._recount = False

        self.nav.currentRowChanged.connect(self._row_changed)
        ctx.data_changed.connect(self._data_changed)
        ctx.navigate_requested.connect(self.show_area)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        ctx.database_replaced.connect(self.reopened)
        if self.areas:
            self.nav.setCurrentRow(0)
        # Counts read the whole registry: on a worker thread (held by ``app.launch`` until
        # the window has painted); the label says they are being counted until they arrive.
        self.update_counts()

    # ---- pages -----------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page of an area, built (and imported) the first time it is asked for."""
        if key in self.pages:
            return self.pages[key]
        area = next(a for a in self.areas if a.key == key)
        module_name, _, attr = area.factory.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attr)
            page: QWidget = factory(self.ctx)
        except UnionDeskError as exc:
            page = QLabel(exc.message)
        except Exception:  # a broken page must not take the whole window down
            log.exception("could not build page %s", key)
            page = QLabel(f"「{area.label}」暂时无法打开，请联系技术支持。")
        if isinstance(page, QLabel):
            page.setAlignment(Qt.AlignmentFlag.AlignCenter)
        slot = self._slots[key]
        index = self.stack.indexOf(slot)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(slot)
        slot.deleteLater()
        self.pages[key] = page
        self.session.page_built(page)  # a read-only account: add buttons disabled
        window_state.restore_splitters(page, self.settings)
        return page

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.areas):
            self._activate(self.areas[row].key)

    def _activate(self, key: str) -> QWidget:
        fresh = key not in self.pages
        page = self.page(key)
        self.stack.setCurrentWidget(page)
        if not fresh and key in self._stale:
            self._refresh(key)
        self._stale.discard(key)
        return page

    def show_area(self, key: str, params: dict[str, Any] | None = None) -> QWidget | None:
        keys = [a.key for a in self.areas]
        if key not in keys:
            return None
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(keys.index(key))
        self.nav.blockSignals(False)
        page = self._activate(key)
        if params and hasattr(page, "navigate"):
            page.navigate(**params)
        return page

    def call_page(self, key: str, method: str, *args: Any) -> Any:
        """Show an area and call one of its page's actions (the menu bar's way in)."""
        page = self.show_area(key)
        action = getattr(page, method, None)
        return action(*args) if callable(action) else None

    def focus_search(self) -> None:
        """Ctrl+F: the current page's search box, else 会员管理's."""
        box = search_box_of(self.stack.currentWidget())
        if box is None:
            box = search_box_of(self.show_area("members"))
        if box is not None:
            box.setFocus()
            box.selectAll()

    def refresh_current(self) -> None:
        key = self.current_key()
        if key is not None:
            self._refresh(key)
        self.update_counts()
        self.statusBar().showMessage("已刷新", 3000)

    def open_sync_file(self, path: Path) -> None:
        """A .udsync given on the command line (a double-click): the import wizard on it."""
        self.call_page("sync", "open_import", path)

    def reopened(self, _db: object, message: str) -> None:
        """The registry was replaced (a restore): every page built on the old one goes and
        is built again on the new one when shown; the clerk is told what happens next."""
        current = self.current_key()
        for key, page in list(self.pages.items()):
            slot = QWidget(self.stack)
            self._slots[key] = slot
            self.stack.insertWidget(self.stack.indexOf(page), slot)
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._stale.clear()
        from desktop.services.unions import federations

        fed = federations.current(self.ctx.db)
        self.setWindowTitle(window_title(fed.name if fed else ""))
        if current is not None:
            self._activate(current)
        self.update_counts()
        if message:  # after the caller (the old page, now deleted later) has returned
            QTimer.singleShot(0, self, lambda: messages.inform(self, "已恢复备份", message))
        self.session.after_restore()  # the restored registry's accounts decide who signs in

    # ---- help ------------------------------------------------------------------------

    def show_help(self) -> None:
        from desktop.views.help_dialogs import HelpDialog

        self._show_dialog(HelpDialog(self))

    def show_about(self) -> None:
        from desktop.views.help_dialogs import AboutDialog

        self._show_dialog(AboutDialog(self.ctx.db.paths.data_dir, self))

    def open_data_folder(self) -> None:
        folder = self.ctx.db.paths.data_dir
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            messages.warn(self, "无法打开数据文件夹", f"数据文件夹在：\n{folder}")

    def _show_dialog(self, dialog: QWidget) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # ---- window state ----------------------------------------------------------------

    def show_as_left(self) -> None:
        """Show maximised when it was closed maximised, else at the remembered size."""
        if window_state.was_maximised(self.settings):
            self.showMaximized()
        else:
            self.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.property("rememberState") is not False:  # app.REMEMBER_PROPERTY
            window_state.save(self, self.settings)
        super().closeEvent(event)

    # ---- refreshing ------------------------------------------------------------------

    def _refresh(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None and hasattr(page, "refresh"):
            try:
                page.refresh()
            except UnionDeskError as exc:
                self.statusBar().showMessage(exc.message, 8000)

    def _data_changed(self, _area: str) -> None:
        current = self.current_key()
        for key in self.pages:
            if key == current:
                self._refresh(key)
            else:
                self._stale.add(key)
        self.update_counts()

    def update_counts(self) -> None:
        """Recount the registry off the GUI thread; one count at a time, the last wins."""
        if self._counting:
            self._recount = True
            return
        self._counting = True
        self.counts.setText("正在统计会员人数…")
        db = self.ctx.db
        self.ctx.runner.run(
            lambda _progress, _cancel: stats.registry_stats(db),
            title="正在统计会员人数…",
            parent=self,
            on_done=self._counted,
            on_error=self._count_failed,
            cancellable=False,
            quiet=True,
        )

    def _counted(self, s: stats.RegistryStats) -> None:
        self.counts.setText(
            f"在会会员 {s.members_current:,} 人　会员总数 {s.members_total:,} 人　"
            f"基层工会 {s.unions:,} 个"
        )
        self._count_done()

    def _count_failed(self, _exc: BaseException) -> None:  # the runner has logged it
        self.counts.setText("会员人数统计失败")
        self._count_done()

    def update_badges(self) -> None:
        """The counts beside the navigation labels (``Area.badge``): 入会申请（待审核 3）."""
        for row, area in enumerate(self.areas):
            if not area.badge:
                continue
            module, _, name = area.badge.partition(":")
            try:
                count = int(getattr(importlib.import_module(module), name)(self.ctx.db))
            except UnionDeskError:
                continue
            item = self.nav.item(row)
            item.setText(f"{area.label}（{count}）" if count else area.label)

    def _count_done(self) -> None:
        self.update_badges()
        self._counting = False
        if self._recount:
            self._recount = False
            self.update_counts()


def window_title(federation_name: str) -> str:
    """The federation's name: Qt adds the application's display name (工会桌面通) itself
    on Windows and Linux, so putting it here too would show it twice."""
    app = QApplication.instance()
    shown_by_qt = isinstance(app, QApplication) and app.applicationDisplayName() == APP_TITLE
    if shown_by_qt:
        return federation_name or APP_TITLE
    return f"{federation_name} — {APP_TITLE}" if federation_name else APP_TITLE
