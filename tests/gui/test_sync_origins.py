"""The import wizard's preview lists every office the package brings that this PC never
enrolled: its fingerprint, and who vouched for it or why its changes are skipped
(issue 18, item 4). Real packages: A's changes reach C only through B's package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop.services.members import registry as members
from desktop.services.unions import registry as unions
from desktop.sync import certs, export, identity, importer, trust
from desktop.views.context import AppContext
from desktop.views.sync.import_wizard import CHECK, RESULT
from tests.unit.sync.helpers import enrol
from tests.unit.sync.test_certs import certify

from .conftest import Boxes, valid_id
from .test_sync_page import _LEFT, import_through_wizard, open_page


def relayed(
    make_pc: Any, tmp_path: Path, introducer: bool, again: bool = False
) -> tuple[AppContext, Path, str]:
    """A–B and B–C enrolled, C never enrolled A. A's member goes to B; B's package to C.
    Returns C, that package, and A's fingerprint. ``again``: C has imported B's package
    once already and the one returned is B's next, holding nothing C would take."""
    a, b, c = (make_pc(n, f"{n}街道总工会") for n in ("甲", "乙", "丙"))
    for x, y in ((a, b), (b, a), (b, c), (c, b)):
        enrol(x.db, y.db, tmp_path)
    union = unions.add(a.db, "甲公司工会")
    members.add(
        a.db, {"name": "张三", "id_number": valid_id("44030419900101123"), "union_id": union.id}
    )
    to_b = tmp_path / "a-to-b.udsync"
    export.export(a.db, to_b)
    importer.import_file(b.db, to_b)
    to_c = tmp_path / "b-to-c.udsync"
    export.export(b.db, to_c)
    if introducer:
        with c.db.connect() as conn, b.db.connect(write=False) as b_conn:
            trust.set_introducer(conn, identity.node_info(b_conn).node_id, True)
    if again:
        importer.import_file(c.db, to_c)
        to_c = tmp_path / "b-to-c-again.udsync"
        export.export(b.db, to_c)
    with a.db.connect(write=False) as conn:
        return c, to_c, identity.node_info(conn).fingerprint


@pytest.mark.parametrize("introducer", [True, False])
def test_preview_lists_a_relayed_new_origin_with_its_fingerprint(
    qtbot: QtBot,
    make_pc: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    introducer: bool,
) -> None:
    c, package, a_fingerprint = relayed(make_pc, tmp_path, introducer)
    wizard = import_through_wizard(qtbot, open_page(qtbot, c), package, monkeypatch)
    assert wizard.stack.currentIndex() == CHECK, boxes.shown
    page = wizard.check_page
    assert not page.origins_box.isHidden()
    [(name, node, fingerprint, how)] = page.origin_rows()
    assert fingerprint == a_fingerprint
    assert node.endswith("…")
    if introducer:
        assert how == "接收：由发送单位「乙街道总工会」引荐（本机允许它引荐其他单位）"
        assert name == "甲街道总工会（发送单位提供的名称，未核实）"
    else:
        assert how.startswith("未接收，它的修改将被跳过：")
        assert "本机没有允许发送单位引荐其他单位" in how and "登记该单位的密钥卡" in how
    # listed once, in its own box, not again among the notes
    assert a_fingerprint not in page.warnings.text()


def test_no_origin_box_for_a_package_from_its_sender_alone(
    qtbot: QtBot, make_pc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    a, b = make_pc("甲", "甲街道总工会"), make_pc("乙", "乙街道总工会")
    for x, y in ((a, b), (b, a)):
        enrol(x.db, y.db, tmp_path)
    package = tmp_path / "a-to-b.udsync"
    export.export(a.db, package)
    wizard = import_through_wizard(qtbot, open_page(qtbot, b), package, monkeypatch)
    assert wizard.stack.currentIndex() == CHECK, boxes.shown
    assert wizard.check_page.origin_rows() == []
    assert wizard.check_page.origins_box.isHidden()


def test_a_package_whose_only_new_changes_are_refused_is_not_called_up_to_date(
    qtbot: QtBot, make_pc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    c, package, a_fingerprint = relayed(make_pc, tmp_path, introducer=False, again=True)
    wizard = import_through_wizard(qtbot, open_page(qtbot, c), package, monkeypatch)
    assert wizard.stack.currentIndex() == CHECK, boxes.shown
    assert [row[2] for row in wizard.check_page.origin_rows()] == [a_fingerprint]
    notes = wizard.check_page.warnings.text()
    assert "并非已是最新" in notes and "已是最新：" not in notes
    qtbot.mouseClick(wizard.import_button, _LEFT)
    assert "将被跳过" in boxes.shown[-1][2]
    assert wizard.stack.currentIndex() == RESULT
    result = wizard.result_page.label.text()
    assert "并非已是最新" in result and a_fingerprint in result
    assert "本机没有允许发送单位引荐其他单位" in result


def test_preview_lists_a_relayed_successor_of_an_office_trusted_here(
    qtbot: QtBot, make_pc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    """A restored (a fresh identity A'); C trusted A's old key and gets A''s changes only
    through B: the preview names A' by fingerprint as A's new identity."""
    a, b, c = (make_pc(n, f"{n}街道总工会") for n in ("甲", "乙", "丙"))
    for x, y in ((a, b), (b, a), (b, c), (c, b), (a, c), (c, a)):
        enrol(x.db, y.db, tmp_path)
    with a.db.connect() as conn:
        identity.rotate_identity(conn, "restored from a backup")
    union = unions.add(a.db, "甲公司工会")
    members.add(
        a.db, {"name": "张三", "id_number": valid_id("44030419900101123"), "union_id": union.id}
    )
    to_b = tmp_path / "a-to-b.udsync"
    export.export(a.db, to_b)
    importer.import_file(b.db, to_b)
    to_c = tmp_path / "b-to-c.udsync"
    export.export(b.db, to_c)
    with a.db.connect(write=False) as conn:
        a_fingerprint = identity.node_info(conn).fingerprint

    wizard = import_through_wizard(qtbot, open_page(qtbot, c), to_c, monkeypatch)
    assert wizard.stack.currentIndex() == CHECK, boxes.shown
    [(name, _node, fingerprint, how)] = wizard.check_page.origin_rows()
    assert (name, fingerprint) == ("甲街道总工会", a_fingerprint)
    assert how == "接收：是本机信任的单位「甲街道总工会」换的新身份，由原节点的密钥签名证明"
    qtbot.mouseClick(wizard.import_button, _LEFT)
    assert wizard.stack.currentIndex() == RESULT
    with c.db.connect(write=False) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM members").scalar_one() == 1


def test_preview_lists_a_relayed_origin_certified_by_a_root(
    qtbot: QtBot, make_pc: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    """C accepts the root R; A holds R's certificate; A's changes reach C through B."""
    root, a, b, c = (make_pc(n, f"{n}街道总工会") for n in ("总", "甲", "乙", "丙"))
    for x, y in ((c, root), (a, b), (b, a), (b, c), (c, b)):
        enrol(x.db, y.db, tmp_path)
    with c.db.connect() as conn, root.db.connect(write=False) as root_conn:
        certs.add_root(conn, identity.node_info(root_conn).node_id)
    certify(root.db, a.db, tmp_path)
    to_b = tmp_path / "a-to-b.udsync"
    export.export(a.db, to_b)
    importer.import_file(b.db, to_b)
    to_c = tmp_path / "b-to-c.udsync"
    export.export(b.db, to_c)
    with a.db.connect(write=False) as conn:
        a_fingerprint = identity.node_info(conn).fingerprint

    wizard = import_through_wizard(qtbot, open_page(qtbot, c), to_c, monkeypatch)
    assert wizard.stack.currentIndex() == CHECK, boxes.shown
    [(name, _node, fingerprint, how)] = wizard.check_page.origin_rows()
    assert (name, fingerprint) == ("甲街道总工会", a_fingerprint)
    assert how == "接收：凭本机认可的上级单位「总街道总工会」签发的单位证书"
