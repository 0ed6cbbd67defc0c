"""Where the main window was: size, position, maximised, splitter positions.

Kept in ``window.ini`` in the data folder (QSettings, INI format), not in the user's
registry or home: a portable data folder takes its layout along, and tests, which use a
temporary data folder, never read or write the real one. The first window is fitted to
the screen's available geometry, so a 1366×768 laptop never gets a window taller than
its screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView, QWidget

FILENAME = "window.ini"
# What the window asks for when nothing is remembered; shrunk to fit the screen.
PREFERRED = QSize(1280, 800)
# Room kept free around a fitted window (title bar, panel or task bar not in the
# available geometry on some window managers).
MARGIN = 24


def settings_for(data_dir: Path) -> QSettings:
    return QSettings(str(data_dir / FILENAME), QSettings.Format.IniFormat)


def available(widget: QWidget) -> QRect:
    """The usable area of the screen the widget is on (or the primary screen)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)


def fit_to_screen(window: QWidget, preferred: QSize = PREFERRED) -> None:
    """Size the window to ``preferred`` or less, centred in the available area."""
    area = available(window)
    width = min(preferred.width(), area.width() - MARGIN)
    height = min(preferred.height(), area.height() - MARGIN)
    window.resize(max(width, 640), max(height, 480))
    frame = window.frameGeometry()
    frame.moveCenter(area.center())
    window.move(frame.topLeft())


def restore(window: QMainWindow, settings: QSettings) -> bool:
    """Put the window back where it was; False (and fitted) when nothing was saved.

    The rectangle is stored as four numbers rather than ``saveGeometry``'s blob: Qt's
    restore nudges a window whose title bar it thinks is off screen, which made the
    window creep down a few pixels per run; a plain rectangle, kept within this screen's
    available area, comes back exactly.
    """
    rect = _saved_rect(settings)
    if rect is None:
        fit_to_screen(window)
        return False
    area = available(window)
    width = min(rect.width(), area.width() - MARGIN)
    height = min(rect.height(), area.height() - MARGIN)
    # Inside the area with half the margin to spare on each side (the frame's border).
    edge = MARGIN // 2
    x = min(max(rect.x(), area.left() + edge), area.right() - edge - width)
    y = min(max(rect.y(), area.top() + edge), area.bottom() - edge - height)
    window.setGeometry(QRect(x, y, width, height))
    return True


def _saved_rect(settings: QSettings) -> QRect | None:
    value = settings.value("window/rect")
    if not isinstance(value, list | tuple) or len(value) != 4:
        return None
    try:
        x, y, w, h = (int(v) for v in value)
    except (TypeError, ValueError):
        return None
    return QRect(x, y, w, h) if w > 0 and h > 0 else None


def save(window: QMainWindow, settings: QSettings) -> None:
    """The normal (not maximised) rectangle, whether it is maximised, the splitters."""
    maximised = window.isMaximized()
    rect = window.normalGeometry() if maximised else window.geometry()
    if rect.isValid():
        settings.setValue("window/rect", [rect.x(), rect.y(), rect.width(), rect.height()])
    settings.setValue("window/maximised", maximised)
    save_splitters(window, settings)
    settings.sync()


def was_maximised(settings: QSettings) -> bool:
    value = settings.value("window/maximised", False)
    return value in (True, "true", "1", 1)


def save_splitters(root: QWidget, settings: QSettings) -> None:
    """Every named splitter under ``root``, and every named table's column widths."""
    for splitter in root.findChildren(QSplitter):
        if splitter.objectName():
            settings.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
    for table in root.findChildren(QTableView):
        if table.objectName():
            settings.setValue(f"columns/{table.objectName()}", table.horizontalHeader().saveState())


def restore_splitters(root: QWidget, settings: QSettings) -> None:
    """Named splitters and table columns under ``root`` (a page just built) as left."""
    candidates = [root] if isinstance(root, QSplitter) else []
    for splitter in [*candidates, *root.findChildren(QSplitter)]:
        state = settings.value(f"splitters/{splitter.objectName()}")
        if splitter.objectName() and isinstance(state, QByteArray):
            splitter.restoreState(state)
    for table in root.findChildren(QTableView):
        state = settings.value(f"columns/{table.objectName()}")
        if table.objectName() and isinstance(state, QByteArray):
            table.horizontalHeader().restoreState(state)
