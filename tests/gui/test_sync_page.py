"""The 数据同步 area as two offices use it: export on PC A through the wizard, import
on PC B through the wizard, enrol an unknown sender by fingerprint, resolve a conflict."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from desktop.progress import CancelToken
from desktop.services.members import registry as members
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from desktop.sync import export, identity, importer
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.qtmodels import conflict_table as ct
from desktop.views.sync import files
from desktop.views.sync.export_wizard import ExportWizard
from desktop.views.sync.import_wizard import CHECK, RESULT, UNKNOWN, ImportWizard
from desktop.views.sync.page import SyncPage
from desktop.views.tasks import SyncTaskRunner, TaskRunner
from tests.unit.sync.helpers import card_path, enrol, mesh

from .conftest import Boxes, valid_id

_LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def two(make_pc: Any, tmp_path: Path) -> tuple[AppContext, AppContext]:
    a, b = make_pc("a", "甲街道总工会"), make_pc("b", "乙街道总工会")
    (tmp_path / "cards").mkdir()
    mesh([a.db, b.db], tmp_path / "cards")
    return a, b


def add_people(ctx: AppContext) -> dict[str, str]:
    union = unions.add(ctx.db, "甲公司工会")
    ids = {}
    for name, id17 in (("张三", "44030419900101123"), ("李四", "44030419850615234")):
        record, _ = members.add(
            ctx.db, {"name": name, "id_number": valid_id(id17), "union_id": union.id}
        )
        ids[name] = record.id
    return ids


def member_names(db: Database) -> list[str]:
    with db.connect(write=False) as conn:
        rows = conn.execute(text("SELECT name FROM members WHERE deleted = 0 ORDER BY name"))
        return [str(r[0]) for r in rows]


def open_page(qtbot: QtBot, ctx: AppContext) -> SyncPage:
    """The 数据同步 area of a main window (which refreshes it after every write)."""
    window = MainWindow(ctx, "测试")
    qtbot.addWidget(window)
    page = window.show_area("sync")
    assert isinstance(page, SyncPage)
    return page


def import_through_wizard(
    qtbot: QtBot, page: SyncPage, package: Path, monkeypatch: pytest.MonkeyPatch
) -> ImportWizard:
    monkeypatch.setattr(files, "open_package_path", lambda _parent, start="": package)
    qtbot.mouseClick(page.import_button, _LEFT)
    wizard = page.dialog
    assert isinstance(wizard, ImportWizard)
    assert wizard.file_page.path_edit.text() == ""  # not clicked's checked=False as a path
    assert wizard.path is None
    qtbot.mouseClick(wizard.file_page.browse_button, _LEFT)
    assert wizard.file_page.path_edit.text() == str(package)
    qtbot.mouseClick(wizard.next_button, _LEFT)
    return wizard


def test_export_on_a_and_import_on_b_through_the_wizards(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    a, b = two
    add_people(a)
    page_a = open_page(qtbot, a)
    qtbot.mouseClick(page_a.export_button, _LEFT)
    wizard = page_a.dialog
    assert isinstance(wizard, ExportWizard)
    assert wizard.selected_nodes() == [identity_of(b.db)]  # trusted offices ticked
    assert not wizard.export_button.isEnabled()  # no USB stick, no target yet
    target = tmp_path / "stick" / "给乙"
    monkeypatch.setattr(
        files, "save_package_path", lambda _p, _s: files.with_suffix(target, files.PACKAGE_SUFFIX)
    )
    qtbot.mouseClick(wizard.other_button, _LEFT)
    package = target.with_name("给乙.udsync")
    assert str(package) in wizard.target_label.text()
    qtbot.mouseClick(wizard.export_button, _LEFT)
    assert package.is_file()
    assert wizard.stack.currentIndex() == 1 and str(package) in wizard.result_label.text()
    assert page_a.receipt_model.rowCount() == 1  # refreshed through ctx.changed

    page_b = open_page(qtbot, b)
    imp = import_through_wizard(qtbot, page_b, package, monkeypatch)
    assert imp.stack.currentIndex() == CHECK, boxes.shown
    assert "甲街道总工会" in imp.check_page.checks.text()
    counts = imp.check_page.count_texts()
    assert counts["new"].endswith("：4")  # federation, union, two members
    assert member_names(b.db) == []  # preview wrote nothing
    qtbot.mouseClick(imp.import_button, _LEFT)
    assert boxes.kinds()[-1] == "confirm"
    assert imp.stack.currentIndex() == RESULT
    assert set(member_names(b.db)) == {"张三", "李四"}
    assert "导入前的备份" in imp.result_page.label.text()
    page_b.refresh()
    assert page_b.receipt_model.rowCount() == 1
    assert page_b.receipt_model.data(page_b.receipt_model.index(0, 1)) == "收到"


def identity_of(db: Database) -> str:
    with db.connect(write=False) as conn:
        return identity.node_info(conn).node_id


def test_export_offers_usb_stick_first(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, _b = two
    stick = tmp_path / "usb"
    stick.mkdir()
    monkeypatch.setattr(
        files, "removable_volumes", lambda: [files.Volume(stick, "KINGSTON", 8 << 30, True)]
    )
    wizard = ExportWizard(a)
    qtbot.addWidget(wizard)
    assert "KINGSTON" in wizard.volumes.item(0).text()
    target = wizard.target()
    assert target is not None and target.parent == stick and target.suffix == ".udsync"
    qtbot.mouseClick(wizard.full, _LEFT)
    qtbot.mouseClick(wizard.export_button, _LEFT)
    assert target.is_file() and "全量" in wizard.result_label.text()


def test_unknown_sender_shows_fingerprint_then_enrols_and_imports(
    qtbot: QtBot,
    make_pc: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    a, b = make_pc("a", "甲街道总工会"), make_pc("b", "乙街道总工会")
    stranger = make_pc("c", "丙街道总工会")
    cards = tmp_path / "cards"
    cards.mkdir()
    enrol(a.db, b.db, cards)  # A may send to B, but B has not enrolled A
    add_people(a)
    package = tmp_path / "a.udsync"
    export.export(a.db, package)
    a_card, a_fp = card_path(a.db, cards)
    c_card, _ = card_path(stranger.db, cards)

    page_b = open_page(qtbot, b)
    wizard = import_through_wizard(qtbot, page_b, package, monkeypatch)
    assert wizard.stack.currentIndex() == UNKNOWN
    assert wizard.unknown_page.fingerprint.text() == a_fp
    assert member_names(b.db) == []

    qtbot.mouseClick(wizard.unknown_page.enrol_button, _LEFT)
    dialog = wizard.enrol_dialog
    assert dialog is not None
    dialog.load_card(c_card)  # someone else's card: refused before any tick
    assert "不一致" in dialog.match_label.text() and not dialog.confirm_box.isEnabled()
    monkeypatch.setattr(files, "open_card_path", lambda _p: a_card)
    qtbot.mouseClick(dialog.browse_button, _LEFT)
    assert dialog.fingerprint_label.text() == a_fp and "一致" in dialog.match_label.text()
    assert not dialog.enrol_button.isEnabled()  # the clerk must confirm the phone check
    dialog.confirm_box.setChecked(True)
    qtbot.mouseClick(dialog.enrol_button, _LEFT)

    assert wizard.stack.currentIndex() == CHECK  # checked again after enrolment
    qtbot.mouseClick(wizard.import_button, _LEFT)
    assert set(member_names(b.db)) == {"张三", "李四"}
    page_b.refresh()
    names = [
        page_b.peer_model.data(page_b.peer_model.index(r, 0))
        for r in range(page_b.peer_model.rowCount())
    ]
    assert "甲街道总工会" in names


def test_resolving_a_conflict_in_the_list_writes_the_chosen_value(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    boxes: Boxes,
) -> None:
    a, b = two
    ids = add_people(a)
    export.export(a.db, tmp_path / "1.udsync")
    importer.import_file(b.db, tmp_path / "1.udsync")
    members.update(a.db, ids["张三"], {"employer": "甲厂"})
    members.update(b.db, ids["张三"], {"employer": "乙厂"})
    export.export(a.db, tmp_path / "2.udsync")
    export.export(b.db, tmp_path / "3.udsync")
    importer.import_file(b.db, tmp_path / "2.udsync")
    importer.import_file(a.db, tmp_path / "3.udsync")

    page = open_page(qtbot, a)
    model = page.conflict_model
    assert model.rowCount() == 1
    assert page.tabs.tabText(1) == "待处理冲突（1）"
    row = {col: model.data(model.index(0, col)) for col in ct.HEADERS}
    assert row[ct.COL_TABLE] == "会员" and row[ct.COL_FIELD] == "工作单位"
    assert row[ct.COL_RECORD].startswith("张三")
    values = {row[ct.COL_CURRENT].split("（")[0], row[ct.COL_OTHER].split("（")[0]}
    assert values == {"甲厂", "乙厂"}
    other = row[ct.COL_OTHER].split("（")[0]

    assert not page.other_button.isEnabled()
    page.conflict_table.selectRow(0)
    qtbot.mouseClick(page.other_button, _LEFT)
    assert boxes.kinds()[-1] == "confirm"
    assert members.get(a.db, ids["张三"]).employer == other
    assert model.rowCount() == 0 and page.tabs.tabText(1) == "待处理冲突"


def test_page_shows_identity_exports_card_and_revokes(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    a, b = two
    page = open_page(qtbot, a)
    with a.db.connect(write=False) as conn:
        info = identity.node_info(conn)
    assert page.fingerprint_label.text() == info.fingerprint
    assert page.node_label.text() == info.node_id
    card = tmp_path / "out" / "card.udkey"
    card.parent.mkdir()
    monkeypatch.setattr(files, "save_card_path", lambda _p, _s: card)
    qtbot.mouseClick(page.card_button, _LEFT)
    assert card.is_file() and boxes.kinds()[-1] == "inform"
    assert info.fingerprint in boxes.shown[-1][2]

    assert page.peer_model.rowCount() == 1
    assert page.peer_model.data(page.peer_model.index(0, 2)) == "信任"
    assert not page.revoke_button.isEnabled()
    page.peer_table.selectRow(0)
    qtbot.mouseClick(page.revoke_button, _LEFT)
    assert page.peer_model.data(page.peer_model.index(0, 2)).startswith("已撤销")
    assert not page.revoke_button.isEnabled()


def test_bad_file_and_own_package_are_explained_in_chinese(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    a, _b = two
    page = open_page(qtbot, a)
    junk = tmp_path / "junk.udsync"
    junk.write_bytes(b"not a package at all")
    wizard = import_through_wizard(qtbot, page, junk, monkeypatch)
    kind, title, message = boxes.shown[-1]
    assert kind == "error" and "junk.udsync" in message and "未做任何改动" in message
    assert wizard.stack.currentIndex() == 0 and not wizard.import_button.isVisible()

    own = tmp_path / "own.udsync"
    export.export(a.db, own)
    wizard.file_page.path_edit.setText(str(own))
    qtbot.mouseClick(wizard.next_button, _LEFT)
    assert boxes.shown[-1][0] == "inform" and "本机自己导出" in boxes.shown[-1][2]


def test_export_runs_on_the_real_worker_thread(
    qtbot: QtBot, two: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    a, _b = two
    a.runner = TaskRunner()
    wizard = ExportWizard(a)
    qtbot.addWidget(wizard)
    wizard.chosen_file = tmp_path / "threaded.udsync"
    wizard._update()
    with qtbot.waitSignal(wizard.exported, timeout=10000):
        qtbot.mouseClick(wizard.export_button, _LEFT)
    assert (tmp_path / "threaded.udsync").is_file()
    assert a.runner.wait()


def _export_wizard(qtbot: QtBot, ctx: AppContext, target: Path) -> ExportWizard:
    wizard = ExportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.chosen_file = target
    wizard._update()
    return wizard


def test_nothing_new_exports_a_receipt_and_the_peer_records_it(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    a, b = two
    add_people(a)
    for src, dst, name in ((a, b, "ab"), (b, a, "ba")):  # each has what the other made
        export.export(src.db, tmp_path / name, [identity_of(dst.db)])
        importer.import_file(dst.db, tmp_path / name)

    wizard = _export_wizard(qtbot, a, tmp_path / "ack.udsync")
    qtbot.mouseClick(wizard.export_button, _LEFT)
    assert wizard.export_result is not None and wizard.export_result.ack_only
    assert "回执包" in wizard.result_label.text() and "不含任何数据" in wizard.result_label.text()
    assert export.export(b.db, tmp_path / "x", [identity_of(a.db)]).changes > 0  # B re-sends

    before = member_names(b.db)
    page_b = open_page(qtbot, b)
    imp = import_through_wizard(qtbot, page_b, tmp_path / "ack.udsync", monkeypatch)
    assert imp.stack.currentIndex() == CHECK, boxes.shown
    assert "这是回执包" in imp.check_page.warnings.text()
    qtbot.mouseClick(imp.import_button, _LEFT)
    assert "回执" in boxes.shown[-1][2] and "不改动任何数据" in boxes.shown[-1][2]
    assert imp.stack.currentIndex() == RESULT
    assert "已记录对方的回执" in imp.result_page.label.text()
    assert member_names(b.db) == before
    page_b.refresh()
    model = page_b.receipt_model
    assert "回执" in model.data(model.index(0, 4))  # the history says what it was
    again = export.export(b.db, tmp_path / "again.udsync", [identity_of(a.db)])
    assert again.ack_only  # B no longer re-sends what A acknowledged


class _CancelAtStep(SyncTaskRunner):
    """Inline runner whose progress callback presses 取消 when ``step`` is reported."""

    def __init__(self, step: int) -> None:
        super().__init__()
        self.step = step
        self.reported: list[tuple[int, int, str]] = []

    def run(self, work: Any, *, title: str, parent: Any, on_done: Any, on_error: Any,
            cancellable: bool = True) -> CancelToken:  # fmt: skip
        token = CancelToken()

        def progress(done: int, total: int, text: str) -> None:
            self.reported.append((done, total, text))
            if done == self.step:
                token.cancel()

        try:
            result = work(progress, token)
        except BaseException as exc:  # noqa: BLE001
            on_error(exc)
        else:
            on_done(result)
        return token


@pytest.mark.parametrize("step", [1, 5])
def test_cancelled_export_leaves_no_file_and_no_history(
    qtbot: QtBot, two: tuple[AppContext, AppContext], tmp_path: Path, boxes: Boxes, step: int
) -> None:
    a, _b = two
    add_people(a)
    runner = _CancelAtStep(step)
    a.runner = runner
    target = tmp_path / "usb" / "p.udsync"
    wizard = _export_wizard(qtbot, a, target)
    with qtbot.assertNotEmitted(wizard.exported):
        qtbot.mouseClick(wizard.export_button, _LEFT)
    assert [d for d, _t, _x in runner.reported][: step + 1] == list(range(step + 1))
    assert not target.exists() and not list(tmp_path.rglob("*.tmp"))
    with a.db.connect(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_receipt")).scalar_one() == 0
    assert wizard.stack.currentIndex() == 0 and wizard.export_button.isEnabled()
    assert not boxes.shown  # a cancel is not an error


def test_export_cancel_from_the_progress_dialog_on_the_worker_thread(
    qtbot: QtBot, two: tuple[AppContext, AppContext], tmp_path: Path, monkeypatch: Any
) -> None:
    a, _b = two
    add_people(a)
    a.runner = TaskRunner()
    tokens: list[CancelToken] = []
    real_run = a.runner.run
    monkeypatch.setattr(a.runner, "run", lambda *args, **kw: tokens.append(real_run(*args, **kw)))
    started, release = threading.Event(), threading.Event()
    real_seal = export.seal_own

    def slow_seal(conn: Any) -> int:
        started.set()
        release.wait(10)
        return real_seal(conn)

    monkeypatch.setattr(export, "seal_own", slow_seal)
    wizard = _export_wizard(qtbot, a, tmp_path / "threaded.udsync")
    messages_seen: list[str] = []
    a.status_message.connect(messages_seen.append)
    qtbot.mouseClick(wizard.export_button, _LEFT)
    assert started.wait(10)
    tokens[0].cancel()  # what the progress dialog's 取消 button does
    release.set()
    assert a.runner.wait()
    qtbot.waitUntil(lambda: wizard.export_button.isEnabled(), timeout=10000)
    assert not (tmp_path / "threaded.udsync").exists()
    assert not list(tmp_path.glob("*.tmp")) and wizard.export_result is None
    assert any("已取消导出" in m for m in messages_seen)


def test_quarantined_changes_are_listed_on_the_page_with_their_origin(
    qtbot: QtBot, two: tuple[AppContext, AppContext], tmp_path: Path
) -> None:
    a, b = two
    ids = add_people(a)
    first = tmp_path / "first.udsync"
    export.export(a.db, first)
    importer.import_file(b.db, first)
    with a.db.connect() as conn:  # a value SQLite takes but the rules refuse
        conn.execute(
            text("UPDATE members SET phone = :p WHERE id = :i"), {"p": "1" * 220, "i": ids["张三"]}
        )
    second = tmp_path / "second.udsync"
    export.export(a.db, second)
    importer.import_file(b.db, second)
    page = open_page(qtbot, b)
    page.refresh()
    model = page.quarantine_model
    assert model.rowCount() == 1
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert "甲街道总工会" in row[1] and ids["张三"] in row[2] and row[3] == "手机号"
    assert "超过上限" in row[4]
    assert page.tabs.tabText(3) == "已隔离的修改（1）"


def test_a_package_with_nothing_new_is_up_to_date_in_the_wizard(
    qtbot: QtBot,
    two: tuple[AppContext, AppContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    a, b = two
    add_people(a)
    first, again = tmp_path / "first.udsync", tmp_path / "again.udsync"
    export.export(a.db, first, [identity_of(b.db)])
    export.export(a.db, again, [identity_of(b.db)], full=True)  # the same changes again
    importer.import_file(b.db, first)
    before = member_names(b.db)
    page_b = open_page(qtbot, b)
    imp = import_through_wizard(qtbot, page_b, again, monkeypatch)
    assert imp.stack.currentIndex() == CHECK, boxes.shown
    assert "已是最新" in imp.check_page.warnings.text()
    qtbot.mouseClick(imp.import_button, _LEFT)
    assert "已是最新" in boxes.shown[-1][2]
    assert imp.stack.currentIndex() == RESULT
    assert "已是最新" in imp.result_page.label.text()
    assert member_names(b.db) == before


def test_an_office_may_be_allowed_to_introduce_others(
    qtbot: QtBot, two: tuple[AppContext, AppContext], boxes: Boxes
) -> None:
    a, _b = two
    page = open_page(qtbot, a)
    assert not page.introduce_button.isEnabled()
    page.peer_table.selectRow(0)
    qtbot.mouseClick(page.introduce_button, _LEFT)
    assert page.peer_model.data(page.peer_model.index(0, 2)) == "信任（可引荐其他单位）"
    page.peer_table.selectRow(0)
    assert page.introduce_button.text() == "不再允许引荐…"
    qtbot.mouseClick(page.introduce_button, _LEFT)
    assert page.peer_model.data(page.peer_model.index(0, 2)) == "信任"


def test_a_new_office_s_empty_lists_say_what_to_do(qtbot: QtBot, ctx: AppContext) -> None:
    """QA: a new office opened 数据同步 on four blank grids; the first thing to do (enrol
    a trusted office) was nowhere on the page."""
    from desktop.views.widgets.tables import RecordTable

    page = open_page(qtbot, ctx)
    tables = (page.peer_table, page.conflict_table, page.receipt_table, page.quarantine_table)
    assert all(isinstance(t, RecordTable) and t.model().rowCount() == 0 for t in tables)
    assert "添加信任单位" in page.peer_table.empty_text  # type: ignore[attr-defined]
    assert all(t.empty_text for t in tables)  # type: ignore[attr-defined]
