"""Screenshots of the real window for the README, made offscreen from demo data.

    python scripts/screenshots.py [--out docs/screenshots] [--members 5000]

Writes dashboard.png and main_window.png (the member list) at 1366×768,
dashboard_1024.png and activities_1024.png at 1024×768, member_dialog.png (a new member with a wrong
ID check digit, showing the inline message), sites.png (会站家 with the daily service log),
sites_score.png (scoring a station) and first_run.png (the first-start dialog).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from desktop.config import resolve_paths  # noqa: E402
from desktop.demo import generate as demo  # noqa: E402
from desktop.opening import open_database
from desktop.services.unions import federations  # noqa: E402
from desktop.storage.database import Database  # noqa: E402
from desktop.views.app import application, install_font, save_screenshot  # noqa: E402
from desktop.views.context import AppContext  # noqa: E402
from desktop.views.tasks import SyncTaskRunner  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The common office laptop screen, and the smallest screen the window must work on.
LAPTOP = (1366, 768)
SMALL = (1024, 768)


def settle(widget: QWidget, ms: int = 150) -> None:
    widget.show()
    QTest.qWaitForWindowExposed(widget)
    QTest.qWait(ms)


def main_window_shot(ctx: AppContext, out: Path) -> None:
    from desktop.views.main_window import MainWindow

    fed = federations.current(ctx.db)
    window = MainWindow(ctx, fed.name if fed else "")
    window.resize(*LAPTOP)
    settle(window, 600)
    save_screenshot(window, out / "dashboard.png")  # 首页 is the start page
    window.show_area("members")
    settle(window, 400)
    save_screenshot(window, out / "main_window.png")
    window.resize(*SMALL)  # nothing clipped on a 1024×768 screen either
    for key in ("dashboard", "activities"):
        window.show_area(key)
        settle(window, 400)
        save_screenshot(window, out / f"{key}_1024.png")
    window.close()


def member_dialog_shot(ctx: AppContext, out: Path) -> None:
    from desktop.views.members.member_dialog import MemberDialog

    dialog = MemberDialog(ctx)
    first17 = "44030519880612421"
    good = ric.calc_check_digit(first17 + "0")
    wrong = "7" if good != "7" else "3"
    values = {"name": "陈晓明", "id_number": first17 + wrong, "phone": "1380013800"}
    for field, value in values.items():
        editor = dialog.editors[field]
        assert isinstance(editor, QLineEdit)
        editor.setText(value)
    employer = dialog.editors["employer"]
    assert isinstance(employer, QLineEdit)
    employer.setText("深圳市南山区示例科技有限公司")
    union = dialog.editors["union_id"]
    assert isinstance(union, QComboBox)
    union.setCurrentIndex(1)
    dialog.save()  # refused: the messages appear under the fields
    settle(dialog)
    dialog.adjustSize()
    QTest.qWait(100)
    save_screenshot(dialog, out / "member_dialog.png")
    dialog.close()


def sites_shot(ctx: AppContext, out: Path) -> None:
    """会站家 with a station selected and today's service log half typed in, then the
    scoring dialog for it with the live total and star level."""
    from desktop.services.sites import evaluations
    from desktop.services.sites import records as sites
    from desktop.views.main_window import MainWindow
    from desktop.views.sites.page import SitesPage
    from desktop.views.sites.score_dialog import ScoreDialog

    fed = federations.current(ctx.db)
    window = MainWindow(ctx, fed.name if fed else "")
    window.resize(*LAPTOP)
    page = window.show_area("sites")
    assert isinstance(page, SitesPage)
    station = next(s for s in sites.list_sites(ctx.db, "station") if s.star_level)
    page.select_site(station.id)
    log = page.service_log
    for row, (people, note) in enumerate((("12", "困难职工走访慰问"), ("3", ""), ("26", "工间操"))):
        log.people_edits[row].setText(people)
        log.note_edits[row].setText(note)
    settle(window, 400)
    save_screenshot(window, out / "sites.png")
    template = next(
        t for t in evaluations.list_templates(ctx.db) if t.site_kind in (None, station.kind)
    )
    dialog = ScoreDialog(ctx, station, template, window)
    for spin, item in zip(dialog.spins, template.items, strict=True):
        spin.setValue(item.max_points * (0.6 if item.is_bonus else 0.9))
    settle(dialog)
    dialog.adjustSize()
    QTest.qWait(100)
    save_screenshot(dialog, out / "sites_score.png")
    dialog.close()
    window.close()


def printing_shot(ctx: AppContext, out: Path) -> None:
    """打印中心 with a union's cards made and previewed (10-up sheet, PDFium preview)."""
    from desktop.views.main_window import MainWindow
    from desktop.views.printing.page import PrintPage

    fed = federations.current(ctx.db)
    window = MainWindow(ctx, fed.name if fed else "")
    window.resize(*LAPTOP)
    page = window.show_area("printing")
    assert isinstance(page, PrintPage)
    page.union_combo.setCurrentIndex(1)
    page.make_cards()
    settle(window, 400)
    save_screenshot(window, out / "printing.png")
    window.close()


def first_run_shot(out: Path, workdir: Path) -> None:
    from desktop.views.first_run_dialog import FirstRunDialog

    db = open_database(resolve_paths(workdir / "fresh"))
    try:
        ctx = AppContext(db, SyncTaskRunner())
        dialog = FirstRunDialog(ctx)
        dialog.name.setText("南山区科技园工会联合会")
        dialog.prefix.setText("NS")
        dialog.demo.setChecked(True)
        settle(dialog)
        save_screenshot(dialog, out / "first_run.png")
        dialog.close()
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--members", type=int, default=5000)
    args = parser.parse_args(argv)
    app = application()
    install_font(app)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="uniondesk-shots-") as tmp:
        workdir = Path(tmp)
        db: Database = open_database(resolve_paths(workdir / "demo"))
        try:
            demo.fill_demo(db, members=args.members, seed=2026)
            ctx = AppContext(db, SyncTaskRunner())
            main_window_shot(ctx, args.out)
            member_dialog_shot(ctx, args.out)
            sites_shot(ctx, args.out)
            printing_shot(ctx, args.out)
        finally:
            db.close()
        first_run_shot(args.out, workdir)
    for name in (
        "dashboard.png",
        "main_window.png",
        "member_dialog.png",
        "sites.png",
        "printing.png",
        "sites_score.png",
        "first_run.png",
    ):
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
