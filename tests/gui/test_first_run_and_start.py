"""Start-up: first-run dialog creates the federation; a bad database gives a message."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QProgressDialog
from pytestqt.qtbot import QtBot

from desktop.services.figures import summary as stats
from desktop.services.unions import federations
from desktop.storage.database import Database
from desktop.views import app as gui_app
from desktop.views import first_run_dialog
from desktop.views.context import AppContext
from desktop.views.dashboard.page import DashboardPage
from desktop.views.first_run_dialog import FirstRunDialog
from desktop.views.main_window import MainWindow
from desktop.views.members.page import MembersPage
from desktop.views.tasks import SyncTaskRunner, TaskRunner

from .conftest import Boxes
from .test_accounts import fill_first_admin


@pytest.fixture
def bare_ctx(db: Database, qapp: QApplication, boxes: Boxes) -> AppContext:
    """A context over a database with no federation yet (a first start)."""
    return AppContext(db, SyncTaskRunner())


def test_first_run_creates_the_federation_then_shows_the_window(
    qtbot: QtBot, bare_ctx: AppContext
) -> None:
    shown = gui_app.launch(bare_ctx)
    assert isinstance(shown, FirstRunDialog)
    qtbot.addWidget(shown)
    shown.create_federation()  # nothing filled in: the first field's message first
    assert shown.name_error.is_error and "名称" in shown.name_error.text()
    fill_first_admin(shown)  # the administrator account step (issue 23)
    shown.create_federation()  # empty name
    assert shown.name_error.is_error and "名称" in shown.name_error.text()
    assert federations.current(bare_ctx.db) is None
    assert shown.account.isEnabled()  # no account made while the form's name is missing

    shown.name.insert("南山园区工会联合会")
    shown.prefix.setText("ns")
    shown.create_federation()
    fed = federations.current(bare_ctx.db)
    assert fed is not None and fed.name == "南山园区工会联合会" and fed.card_prefix == "NS"
    holder = shown.holder  # type: ignore[attr-defined]
    assert len(holder) == 1 and isinstance(holder[0], MainWindow)
    qtbot.addWidget(holder[0])
    assert holder[0].windowTitle() == "南山园区工会联合会"


def test_tab_moves_through_the_first_run_form_in_reading_order(
    qtbot: QtBot, bare_ctx: AppContext
) -> None:
    """From the prefix, Tab goes to the account's user name, not down to the demo box
    (seen on a real window: the clerk's admin name landed in the wrong field)."""
    dialog = FirstRunDialog(bare_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setFocus()
    visited = [dialog.focusWidget()]
    for _ in range(6):
        dialog.focusNextChild()  # what Tab does
        visited.append(dialog.focusWidget())
    account = dialog.account
    assert visited == [
        dialog.name,
        dialog.prefix,
        account.username,
        account.display_name,
        account.password,
        account.password_again,
        dialog.demo,
    ]


def test_first_run_with_demo_data(
    qtbot: QtBot, bare_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(first_run_dialog, "DEMO_MEMBERS", 300)
    dialog = FirstRunDialog(bare_ctx)
    qtbot.addWidget(dialog)
    assert first_run_dialog.demo_available()
    dialog.name.insert("演示工会联合会")
    dialog.demo.setChecked(True)
    fill_first_admin(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.create_federation()
    figures = stats.registry_stats(bare_ctx.db)
    assert figures.members_total == 300 and figures.unions > 0
    fed = federations.current(bare_ctx.db)
    assert fed is not None and fed.name == "演示工会联合会"


def test_a_file_that_is_not_a_database_gives_a_message(tmp_path: Path, boxes: Boxes) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "uniondesk.db").write_text("这不是数据库", encoding="utf-8")
    assert gui_app.run_gui(["--data-dir", str(data)]) == 1
    assert boxes.kinds() == ["error"]
    _kind, title, message = boxes.shown[0]
    assert title == "无法打开数据库" and "不是数据库文件" in message
    assert (data / "uniondesk.db").read_text(encoding="utf-8") == "这不是数据库"


def test_uniondesk_shows_the_window_and_saves_a_screenshot(
    tmp_path: Path, db: Database, qapp: QApplication
) -> None:
    """The real entry point in its own process (app.exec() and quit are process-wide)."""
    federations.create(db, "截图工会联合会")
    data_dir = db.paths.data_dir
    db.close()
    shot = tmp_path / "shot.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": laptop_screen(tmp_path),
        gui_app.ENV_SCREENSHOT: str(shot),
    }
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    # Fitted to a 1366×768 laptop: wide, and never taller than the screen.
    assert 1024 <= image.width() <= 1366 and 500 <= image.height() <= 768
    # A check of the installation leaves the clerk's window layout as it was.
    assert not (data_dir / "window.ini").exists()


def laptop_screen(folder: Path, width: int = 1366, height: int = 768) -> str:
    """QT_QPA_PLATFORM for an offscreen screen of that size (the plugin's config file)."""
    config = folder / f"screen-{width}x{height}.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96}]}))
    return f"offscreen:configfile={config}"


def test_settled_screenshot_waits_for_the_start_up_figures(
    tmp_path: Path, db: Database, qapp: QApplication
) -> None:
    """The first-paint picture shows the counting state; the settled one the figures."""
    from desktop.demo import generate as demo

    demo.fill_demo(db, members=200, seed=4)
    data_dir = db.paths.data_dir
    db.close()
    shots = {}
    for settled in ("0", "1"):
        shot = tmp_path / f"shot-{settled}.png"
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            gui_app.ENV_SCREENSHOT: str(shot),
            gui_app.ENV_SCREENSHOT_SETTLED: settled,
        }
        done = subprocess.run(
            [sys.executable, "-m", "desktop", "--data-dir", str(data_dir)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        shots[settled] = QImage(str(shot))
    assert shots["0"].size() == shots["1"].size()
    assert shots["0"] != shots["1"]


def test_runner_is_busy_while_jobs_are_held_or_running(qtbot: QtBot, qapp: QApplication) -> None:
    runner = TaskRunner()
    results: list[int] = []
    assert not runner.busy
    runner.hold()
    runner.run(
        lambda progress, token: 7,
        title="t",
        parent=None,
        on_done=results.append,
        on_error=lambda exc: None,
        quiet=True,
    )
    assert runner.busy and results == []
    runner.release()
    qtbot.waitUntil(lambda: results == [7], timeout=5000)
    assert not runner.busy


def test_font_is_the_bundled_cjk_font(qapp: QApplication) -> None:
    family = gui_app.install_font(qapp)
    assert family is not None
    assert family in qapp.font().families()


def test_parse_args_reads_the_screenshot_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(gui_app.ENV_SCREENSHOT, "/tmp/x.png")
    ns = gui_app.parse_args(["--data-dir", "d"])
    assert ns.data_dir == "d" and ns.screenshot == "/tmp/x.png"


def test_counts_show_busy_then_arrive_from_a_worker_thread(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """The status-bar counts never block the first paint and never show stale figures."""
    runner = TaskRunner()
    threaded = AppContext(ctx.db, runner)
    window = MainWindow(threaded, "测试街道总工会")
    qtbot.addWidget(window)
    assert window.counts.text() == "正在统计会员人数…"  # asked for, on the pool
    direct = Qt.FindChildOption.FindDirectChildrenOnly
    assert window.findChildren(QProgressDialog, options=direct) == []  # quiet: no dialog
    qtbot.waitUntil(lambda: "在会会员 3 人" in window.counts.text(), timeout=10000)
    assert "基层工会 2 个" in window.counts.text()
    runner.wait()


def test_resume_gc_turns_the_collector_back_on() -> None:
    """The entry point pauses the cyclic collector for start-up; run_gui resumes it."""
    gc.disable()
    try:
        gui_app.resume_gc()
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        gui_app.resume_gc()  # already on: nothing more is frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
        gc.enable()


def test_held_jobs_start_only_on_release(qtbot: QtBot, qapp: QApplication) -> None:
    runner = TaskRunner()
    ran: list[str] = []
    done: list[object] = []

    def job(_progress: object, _cancel: object) -> str:
        ran.append("job")
        return "result"

    runner.hold()
    runner.run(
        job,
        title="x",
        parent=None,
        on_done=done.append,
        on_error=done.append,
        quiet=True,
    )
    qtbot.wait(100)  # time enough for a started job; a held one must not have run
    assert ran == [] and done == []
    runner.release()
    qtbot.waitUntil(lambda: done == ["result"])
    assert ran == ["job"]
    runner.wait()


def test_first_paint_fires_once_after_painting(
    qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui_app, "FIRST_PAINT_FALLBACK_MS", 60_000)  # only a paint can fire
    widget = QLabel("首页")
    qtbot.addWidget(widget)
    calls: list[int] = []
    widget.show()
    gui_app.FirstPaint(widget, lambda: calls.append(1))
    qtbot.waitUntil(lambda: calls == [1])
    widget.repaint()
    qtbot.wait(50)
    assert calls == [1]


def test_first_paint_falls_back_for_a_window_never_painted(
    qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gui_app, "FIRST_PAINT_FALLBACK_MS", 10)
    widget = QLabel("首页")
    qtbot.addWidget(widget)
    calls: list[int] = []
    gui_app.FirstPaint(widget, lambda: calls.append(1))  # never shown
    qtbot.waitUntil(lambda: calls == [1])


def test_start_work_is_held_until_the_window_paints_then_fills_in(
    qtbot: QtBot, ctx: AppContext, registry: dict[str, str]
) -> None:
    """The first page is real and says it is counting; the figures follow the paint."""
    runner = TaskRunner()
    threaded = AppContext(ctx.db, runner)
    window = gui_app.launch(threaded)
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    page = window.pages["dashboard"]
    assert isinstance(page, DashboardPage)
    assert page.as_of_label.text() == "正在统计…" and page.total.value.text() == "—"
    assert page.union_chart.empty_text == "正在统计…"  # not "暂无数据" before reading
    qtbot.waitUntil(lambda: page.data is not None, timeout=10000)
    assert page.total.value.text() == "3" and page.as_of_label.text().startswith("截至")
    qtbot.waitUntil(lambda: "在会会员 3 人" in window.counts.text(), timeout=10000)
    qtbot.mouseClick(page.new_gen_button, Qt.MouseButton.LeftButton)
    members_page = window.pages["members"]
    assert isinstance(members_page, MembersPage)
    assert members_page.current_filter().age_band == "under_35"
    runner.wait()


def test_dashboard_page_leaves_its_service_to_the_worker() -> None:
    """The figures come after the first paint; so does importing what computes them."""
    code = (
        "import sys, desktop.views.dashboard.page\n"
        "assert 'desktop.services.figures.dashboard' not in sys.modules, 'imported at start'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
