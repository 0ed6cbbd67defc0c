"""Start the GUI: font, database, first-run dialog or main window.

``run_gui(argv)`` takes what is left of the command line (``--data-dir DIR``, and
``--screenshot PATH`` or env ``UNIONDESK_SCREENSHOT``, which saves the first window shown
to a PNG and quits: the cold-start benchmark and a start-up test use it; with env
``UNIONDESK_SCREENSHOT_SETTLED=1`` the picture is taken once the start-up work has
finished, i.e. with the dashboard's figures, which is what a person checking an
installation wants to see).

Kept short on purpose (the cold-start figure): ``desktop.__main__`` imports the Qt-free
start modules before PySide6 with the cyclic collector paused; pages are imported only
when first shown; what the first page asks for (dashboard figures, status-bar counts) is
held until the window has painted and then runs on worker threads, the page showing
that it is counting meanwhile.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from desktop import APP_TITLE, __version__, app_log
from desktop.arguments import ChineseArgumentParser
from desktop.errors import DatabaseError, UnionDeskError
from desktop.resources import font_path
from desktop.storage.health import CorruptDatabaseError
from desktop.storage.presence import RegistryMissingError
from desktop.views.translations import install_chinese
from desktop.views.widgets import messages

if TYPE_CHECKING:  # QtNetwork is imported when the data dir is claimed, not before
    from desktop.storage.database import Database
    from desktop.views.single_instance import Claim

log = logging.getLogger(__name__)

ENV_SCREENSHOT = "UNIONDESK_SCREENSHOT"
ENV_SCREENSHOT_SETTLED = "UNIONDESK_SCREENSHOT_SETTLED"
REMEMBER_PROPERTY = "rememberState"  # False: closing does not save the window's layout
SETTLE_POLL_MS = 50
SETTLE_LIMIT_MS = 20000
# A window that is never painted (started minimised, say) still gets its start-up work.
FIRST_PAINT_FALLBACK_MS = 1000
_font_family: str | None = None
_input_bridge: QObject | None = None  # kept for the application's life


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = ChineseArgumentParser(prog="uniondesk", add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--screenshot")
    parser.add_argument("--database-url")  # the hub (PostgreSQL); see desktop.config
    parser.add_argument("file", nargs="?", help="a .udsync package to import (double-click)")
    ns, _unknown = parser.parse_known_args(list(argv))
    ns.screenshot = ns.screenshot or os.environ.get(ENV_SCREENSHOT) or None
    ns.settled = os.environ.get(ENV_SCREENSHOT_SETTLED, "") not in ("", "0")
    return ns


def install_font(app: QApplication) -> str | None:
    """Load the bundled CJK font once and make it the application font."""
    global _font_family
    if _font_family is None:
        font_id = QFontDatabase.addApplicationFont(str(font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.warning("bundled CJK font not loaded: %s", font_path())
            return None
        _font_family = families[0]
    font = QFont(app.font())
    font.setFamilies([_font_family])
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    return _font_family


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication([sys.argv[0] if sys.argv else "uniondesk"])
    app.setApplicationName("UnionDesk")
    app.setApplicationDisplayName(APP_TITLE)
    app.setApplicationVersion(__version__)
    install_chinese(app)
    start_input_bridge(app)
    return app


def start_input_bridge(app: QApplication) -> None:
    """On Linux, reach fcitx 4 when no Qt plugin does (``desktop.views.fcitx4``)."""
    if sys.platform.startswith("linux") and app.platformName() == "xcb":
        from desktop.views import fcitx4  # X11 only: jeepney is a Linux dependency

        global _input_bridge
        _input_bridge = fcitx4.start_if_wanted(app)


def save_screenshot(widget: QWidget, path: str | Path) -> bool:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return widget.grab().save(str(target), "PNG")


class FirstPaint(QObject):
    """Calls ``then`` once, right after ``widget``'s first paint.

    Qt paints a newly shown window when the window system exposes it, which comes after
    zero-delay timers; so "after the first paint" is an event to watch, not a timer.
    """

    WATCHED = (QEvent.Type.Expose, QEvent.Type.UpdateRequest, QEvent.Type.Paint)

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        self._watched: list[QObject] = [widget]
        handle = widget.windowHandle()  # exists once the widget has been shown
        if handle is not None:
            self._watched.append(handle)
        for obj in self._watched:
            obj.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._then is not None and event.type() in self.WATCHED:
            QTimer.singleShot(0, self, self._fire)  # runs once the paint is done
        return False

    def _fire(self) -> None:
        if self._then is None:
            return
        then, self._then = self._then, None
        for obj in self._watched:
            obj.removeEventFilter(self)
        then()


def launch(
    ctx: object,
    *,
    on_shown: Callable[[QWidget], None] | None = None,
    open_file: Path | None = None,
) -> QWidget:
    """Show the first-run dialog (no federation yet) or the main window; return it.

    Background work the first window asks for while it is built (dashboard figures,
    status-bar counts) is held until that window has painted: the clerk sees the real
    first page, in its busy state, as early as possible.
    """
    from desktop.views.accounts import gate
    from desktop.views.context import AppContext

    assert isinstance(ctx, AppContext)
    ctx.runner.hold()
    # Accounts exist: the log-in first, the registry after it (views/accounts/gate.py).
    login = gate.ask_first(ctx, lambda: open_registry(ctx, open_file=open_file))
    if login is not None:
        FirstPaint(login, ctx.runner.release)
        if on_shown is not None:
            QTimer.singleShot(0, lambda: on_shown(login))
        return login
    return open_registry(ctx, on_shown=on_shown, open_file=open_file)


def open_registry(
    ctx: object,
    *,
    on_shown: Callable[[QWidget], None] | None = None,
    open_file: Path | None = None,
) -> QWidget:
    """The first-run dialog (no federation yet) or the main window, for whoever is
    signed in (or, before accounts exist, for anyone)."""
    from desktop.services.unions import federations
    from desktop.views.context import AppContext

    assert isinstance(ctx, AppContext)
    fed = federations.current(ctx.db)
    if fed is not None:
        window = _show_main(ctx, fed.name, on_shown, open_file)
        FirstPaint(window, ctx.runner.release)  # a child of the window: lives as long
        return window
    from desktop.views.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(ctx)

    def accepted() -> None:
        made = federations.current(ctx.db)
        holder.append(_show_main(ctx, made.name if made else "", None, open_file))

    holder: list[QWidget] = []
    dialog.accepted.connect(accepted)
    dialog.rejected.connect(application().quit)
    dialog.show()
    FirstPaint(dialog, ctx.runner.release)
    dialog.holder = holder  # type: ignore[attr-defined]  # keeps the main window alive
    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(dialog))
    return dialog


def _show_main(
    ctx: object,
    name: str,
    on_shown: Callable[[QWidget], None] | None,
    open_file: Path | None = None,
) -> QWidget:
    from desktop.views.main_window import MainWindow

    window = MainWindow(ctx, name)  # type: ignore[arg-type]
    window.show_as_left()
    if open_file is not None:
        QTimer.singleShot(0, window, lambda: window.open_sync_file(open_file))
    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window))
    return window


def _office_name(db: Database) -> str:
    """The federation's name for the recovery key's printed sheet ("" before it is set)."""
    from desktop.services.unions import federations

    record = federations.current(db)
    return record.name if record is not None else ""


def resume_gc() -> None:
    """Undo ``gc.disable()`` from the entry point once the first window is up.

    What start-up built lives as long as the process, so it goes to the collector's
    permanent generation (``gc.freeze``) instead of being rescanned by every later
    collection. A no-op when the collector was never paused (tests, embedding).
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def install_excepthook() -> None:
    """A failure no slot handled (a bug) goes to the log, as type and frames; Qt's own
    report on stderr stays."""
    previous = sys.excepthook
    if getattr(previous, "uniondesk_log", False):
        return

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        app_log.unexpected("the window", exc)
        previous(kind, exc, tb)

    hook.uniondesk_log = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def _one_window_per_data_dir(data_dir: Path) -> Claim:
    """This process's claim on ``data_dir`` (``views.single_instance``): the server when
    it is the first window; otherwise the running window was raised (or did not answer,
    which the clerk is told). Installs the window's wait for another writer too."""
    from desktop.views import busy_wait, single_instance

    claimed = single_instance.claim(data_dir)
    if claimed.server is None and claimed.answer is single_instance.Answer.SILENT:
        messages.error(None, "工会桌面通已在运行", single_instance.NOT_ANSWERING)
    if claimed.server is not None:
        busy_wait.install()
    return claimed


def run_gui(argv: Sequence[str]) -> int:
    """The window's life; the wait policy it installs ends with it (tests run several)."""
    from desktop.storage import write_wait
    from desktop.views import single_instance

    previous = write_wait.current()
    try:
        return _run_gui(argv)
    finally:
        single_instance.release()
        write_wait.install(previous)


def _run_gui(argv: Sequence[str]) -> int:
    ns = parse_args(argv)
    app = application()
    install_font(app)
    try:
        from desktop.config import resolve_paths
        from desktop.opening import open_for_window
        from desktop.views.unlock import flow as unlock

        paths = resolve_paths(ns.data_dir, ns.database_url)
        claimed = _one_window_per_data_dir(paths.data_dir)
        if claimed.server is None:
            resume_gc()
            return claimed.exit_code
        if paths.data_dir.is_dir():
            app_log.start(paths)
        opened = unlock.open_unlocked(paths, open_for_window)  # asks when the key is missing
        if opened is None:
            resume_gc()
            return 1
        db = opened
        app_log.start(paths)
        install_excepthook()
    except (CorruptDatabaseError, RegistryMissingError) as exc:  # names the last good backup
        resume_gc()
        from desktop.views.backups.at_start import offer_restore

        restored = offer_restore(paths, exc)  # asks to restore it now
        if restored is None:
            return 1
        db = restored
    except DatabaseError as exc:
        resume_gc()
        messages.error(None, "无法打开数据库", exc.message)
        return 1
    except UnionDeskError as exc:
        resume_gc()
        messages.error(None, "工会桌面通无法启动", exc.message)
        return 1
    from desktop.views.context import AppContext
    from desktop.views.tasks import TaskRunner

    runner = TaskRunner()
    ctx = AppContext(db, runner)
    from desktop.views.backups.damage_watch import DamageWatch

    DamageWatch(ctx)  # a child of ctx: damage found from now on is offered a restore
    on_shown = None
    if ns.screenshot:
        shot = ns.screenshot

        def on_shown(widget: QWidget, waited: int = 0) -> None:
            if ns.settled and (runner.busy or waited == 0) and waited < SETTLE_LIMIT_MS:
                # Poll: the held start-up jobs are released by the first paint, which
                # comes after this first call, so always wait at least one round.
                QTimer.singleShot(SETTLE_POLL_MS, lambda: on_shown(widget, waited + SETTLE_POLL_MS))
                return
            if ns.settled:
                app.processEvents()  # let the last results reach their widgets
            save_screenshot(widget, shot)
            # A check of the installation, often offscreen at a made-up screen size: it
            # must not become the size the clerk's real window opens at next time.
            widget.setProperty(REMEMBER_PROPERTY, False)
            app.quit()

    from desktop.views.single_instance import bring_to_front

    assert claimed.server is not None  # the first window (else returned above)
    claimed.server.activate.connect(bring_to_front)  # a second start on this data dir
    try:
        window = launch(ctx, on_shown=on_shown, open_file=Path(ns.file) if ns.file else None)
        recovery = db.recovery_code
        if recovery is not None and ns.screenshot:  # an unattended check: nobody to read it
            print(unlock.recovery_key_text(recovery), file=sys.stderr)
        elif recovery is not None:  # a new or just-encrypted database: shown once, over
            first = window
            office = _office_name(db)
            QTimer.singleShot(0, lambda: unlock.show_recovery_key(first, recovery, office))  # it
        QTimer.singleShot(0, resume_gc)
        code = app.exec()
    finally:
        runner.wait()
        # What work finished after the loop ended was posting to this window's widgets,
        # which go with it (a window quit on damage found while its start-up work ran):
        # never delivered, not even to a later window of the same process (the tests').
        # None: every receiver (Qt takes nullptr; the stubs ask for a QObject).
        QCoreApplication.removePostedEvents(None, QEvent.Type.MetaCall)  # type: ignore[arg-type]
        ctx.db.close()  # a restore may have replaced the one opened here (closed then)
    del window
    return int(code)
