"""Office certificates through the 数据同步 page: a city federation (root) certifies a
park, the park installs the certificate, a district that accepted the root as 上级单位
then imports the park's packages without enrolling it. Real databases, real key cards,
real certificates; only the file choosers and message boxes are replaced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.sync import certs, importer, trust
from desktop.sync import export as ex
from desktop.views.context import AppContext
from desktop.views.main_window import MainWindow
from desktop.views.sync import cert_actions, files
from desktop.views.sync.cert_actions import CertifyDialog
from desktop.views.sync.enrol_dialog import EnrolDialog
from desktop.views.sync.page import SyncPage
from tests.unit.sync.helpers import card_path, enrol, node_of

from .conftest import Boxes

_LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    folder = tmp_path / "cards"
    folder.mkdir()
    return folder


def open_page(qtbot: QtBot, ctx: AppContext) -> SyncPage:
    window = MainWindow(ctx, "测试")
    qtbot.addWidget(window)
    page = window.show_area("sync")
    assert isinstance(page, SyncPage)
    return page


def issue(root: AppContext, office: AppContext, cards: Path, out: Path) -> Path:
    path, fp = card_path(office.db, cards)
    with root.db.connect(write=False) as conn:
        certs.issue_to(conn, path, fp, out)
    return out


def own(ctx: AppContext) -> bytes | None:
    with ctx.db.connect(write=False) as conn:
        return certs.own(conn)


def install_through_button(
    qtbot: QtBot, page: SyncPage, cert: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cert_actions, "open_cert_path", lambda _parent: cert)
    qtbot.mouseClick(page.install_cert_button, _LEFT)


def test_installing_a_root_issued_certificate_shows_who_certified_this_pc(
    qtbot: QtBot, make_pc: Any, cards: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    root, park = make_pc("root", "市总工会"), make_pc("park", "科技园区工会联合会")
    enrol(park.db, root.db, cards)  # the park knows the root by name
    cert = issue(root, park, cards, cards.parent / "park.udcert")
    page = open_page(qtbot, park)
    assert page.cert_label.text().startswith("未安装")

    install_through_button(qtbot, page, cert, monkeypatch)

    kind, title, text = boxes.shown[-1]
    assert (kind, title) == ("inform", "证书已安装")
    assert "「市总工会」" in text and node_of(root.db)[:8] in text
    assert own(park) == cert.read_bytes()
    shown = page.cert_label.text()  # refreshed through ctx.changed
    assert shown.startswith("已安装") and "市总工会" in shown and "签发于" in shown


def test_unknown_issuer_is_named_by_its_full_node_number(
    qtbot: QtBot, make_pc: Any, cards: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    root, park = make_pc("root", "市总工会"), make_pc("park", "科技园区工会联合会")
    cert = issue(root, park, cards, cards.parent / "park.udcert")
    page = open_page(qtbot, park)
    install_through_button(qtbot, page, cert, monkeypatch)
    assert boxes.kinds()[-1] == "inform" and node_of(root.db) in boxes.shown[-1][2]
    assert node_of(root.db) in page.cert_label.text()


def _tamper_key(cert: Path, other_key_hex: str) -> Path:
    outer = json.loads(cert.read_bytes())
    outer["cert"]["sign_public"] = other_key_hex
    bad = cert.with_name("tampered.udcert")
    bad.write_text(json.dumps(outer, ensure_ascii=False), encoding="utf-8")
    return bad


def test_tampered_or_foreign_certificate_is_refused_with_the_reason(
    qtbot: QtBot, make_pc: Any, cards: Path, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    root = make_pc("root", "市总工会")
    park, other = make_pc("park", "科技园区工会联合会"), make_pc("other", "物流园区工会联合会")
    page = open_page(qtbot, park)

    foreign = issue(root, other, cards, cards.parent / "other.udcert")
    install_through_button(qtbot, page, foreign, monkeypatch)
    kind, title, text = boxes.shown[-1]
    assert (kind, title) == ("warn", "未安装证书")
    assert "不是本机" in text and "other.udcert" in text and "未做任何改动" in text
    assert own(park) is None and page.cert_label.text().startswith("未安装")

    mine = issue(root, park, cards, cards.parent / "park.udcert")
    with other.db.connect(write=False) as conn:
        other_key = trust.self_keys(conn)[1].hex()
    install_through_button(qtbot, page, _tamper_key(mine, other_key), monkeypatch)
    kind, _title, text = boxes.shown[-1]
    assert kind == "warn" and "tampered.udcert" in text and "不是有效的工会桌面通单位证书" in text
    assert own(park) is None and page.cert_label.text().startswith("未安装")


def test_cancelled_file_choice_does_nothing(
    qtbot: QtBot, make_pc: Any, monkeypatch: pytest.MonkeyPatch, boxes: Boxes
) -> None:
    park = make_pc("park", "科技园区工会联合会")
    page = open_page(qtbot, park)
    monkeypatch.setattr(cert_actions, "open_cert_path", lambda _parent: None)
    qtbot.mouseClick(page.install_cert_button, _LEFT)
    assert not boxes.shown and own(park) is None


def _enrol_through_dialog(
    qtbot: QtBot, page: SyncPage, card: Path, monkeypatch: pytest.MonkeyPatch, as_root: bool
) -> None:
    qtbot.mouseClick(page.enrol_button, _LEFT)
    dialog = page.dialog
    assert isinstance(dialog, EnrolDialog)
    assert dialog.root_box.text() == "认可为上级单位（可为本单位签发证书）"
    assert not dialog.root_box.isChecked()  # a root is chosen on purpose, never by default
    monkeypatch.setattr(files, "open_card_path", lambda _p: card)
    qtbot.mouseClick(dialog.browse_button, _LEFT)
    dialog.confirm_box.setChecked(True)
    dialog.root_box.setChecked(as_root)
    qtbot.mouseClick(dialog.enrol_button, _LEFT)


@pytest.mark.parametrize("as_root", [True, False])
def test_enrol_with_the_root_box_makes_the_office_a_root(
    qtbot: QtBot,
    make_pc: Any,
    cards: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
    as_root: bool,
) -> None:
    root, district = make_pc("root", "市总工会"), make_pc("district", "南山区总工会")
    card, _fp = card_path(root.db, cards)
    page = open_page(qtbot, district)
    _enrol_through_dialog(qtbot, page, card, monkeypatch, as_root)

    assert not boxes.shown
    with district.db.connect(write=False) as conn:
        peer = trust.get_peer(conn, node_of(root.db))
        roots = certs.root_nodes(conn)
    assert peer is not None and peer.trusted
    assert (node_of(root.db) in roots) is as_root
    status = page.peer_model.data(page.peer_model.index(0, 2))
    assert status.startswith("信任（上级根密钥") is as_root


def test_unroot_button_takes_back_root_status_after_asking(
    qtbot: QtBot, make_pc: Any, cards: Path, boxes: Boxes
) -> None:
    root, district = make_pc("root", "市总工会"), make_pc("district", "南山区总工会")
    plain = make_pc("plain", "西丽街道总工会")
    path, fp = card_path(root.db, cards)
    with district.db.connect() as conn:
        certs.enrol_root(conn, path, fp)
    enrol(district.db, plain.db, cards)
    page = open_page(qtbot, district)
    rows = {page.peer_model.item_at(r).node_id: r for r in range(page.peer_model.rowCount())}

    page.peer_table.selectRow(rows[node_of(plain.db)])
    assert not page.unroot_button.isEnabled()  # an ordinary trusted office
    page.peer_table.selectRow(rows[node_of(root.db)])
    assert page.unroot_button.isEnabled()

    boxes.answer = False  # the clerk thinks again: nothing changes
    qtbot.mouseClick(page.unroot_button, _LEFT)
    assert boxes.shown[-1][:2] == ("confirm", "取消上级认可")
    assert "「市总工会」" in boxes.shown[-1][2]
    with district.db.connect(write=False) as conn:
        assert certs.root_nodes(conn) == [node_of(root.db)]

    boxes.answer = True
    qtbot.mouseClick(page.unroot_button, _LEFT)
    with district.db.connect(write=False) as conn:
        assert certs.root_nodes(conn) == []
        assert trust.get_peer(conn, node_of(root.db)).trusted  # type: ignore[union-attr]
    row = {page.peer_model.item_at(r).node_id: r for r in range(page.peer_model.rowCount())}
    assert page.peer_model.data(page.peer_model.index(row[node_of(root.db)], 2)) == "信任"
    page.peer_table.selectRow(row[node_of(root.db)])
    assert not page.unroot_button.isEnabled()


def test_certify_through_the_button_writes_a_certificate_the_office_installs(
    qtbot: QtBot,
    make_pc: Any,
    cards: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    root, park = make_pc("root", "市总工会"), make_pc("park", "科技园区工会联合会")
    district = make_pc("district", "南山区总工会")
    park_card, park_fp = card_path(park.db, cards)
    page = open_page(qtbot, root)

    qtbot.mouseClick(page.certify_button, _LEFT)
    dialog = page.dialog
    assert isinstance(dialog, CertifyDialog)
    assert not dialog.certify_button.isEnabled()
    monkeypatch.setattr(files, "open_card_path", lambda _p: park_card)
    qtbot.mouseClick(dialog.check.browse_button, _LEFT)
    assert dialog.check.fingerprint_label.text() == park_fp
    assert not dialog.certify_button.isEnabled()  # the clerk must confirm the phone check
    dialog.check.confirm_box.setChecked(True)
    assert dialog.certify_button.isEnabled()
    suggested: list[str] = []
    out = tmp_path / "usb" / "园区证书.udcert"
    out.parent.mkdir()

    def choose(_parent: Any, name: str) -> Path:
        suggested.append(name)
        return out

    monkeypatch.setattr(cert_actions, "save_cert_path", choose)
    qtbot.mouseClick(dialog.certify_button, _LEFT)

    assert suggested == ["单位证书-科技园区工会联合会.udcert"]
    kind, _title, text = boxes.shown[-1]
    assert kind == "inform" and str(out) in text and "安装上级证书" in text
    assert "科技园区工会联合会" in text
    with park.db.connect() as conn:  # the file installs on the subordinate PC
        installed = certs.install(conn, out)
    assert installed.issuer == node_of(root.db) and installed.node_id == node_of(park.db)

    # and it does what it is for: a district that accepts the root imports the park
    root_card, root_fp = card_path(root.db, cards)
    with district.db.connect() as conn:
        certs.enrol_root(conn, root_card, root_fp)
    enrol(park.db, district.db, cards)
    package = tmp_path / "park.udsync"
    ex.export(park.db, package, to=[node_of(district.db)])
    importer.import_file(district.db, package)
    with district.db.connect(write=False) as conn:
        peer = trust.get_peer(conn, node_of(park.db))
    assert peer is not None and peer.certified_by == node_of(root.db)


def test_certifying_own_card_is_refused_and_writes_nothing(
    qtbot: QtBot,
    make_pc: Any,
    cards: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    boxes: Boxes,
) -> None:
    root = make_pc("root", "市总工会")
    own_card, _fp = card_path(root.db, cards)
    dialog = CertifyDialog(root)
    qtbot.addWidget(dialog)
    dialog.check.load_card(own_card)
    dialog.check.confirm_box.setChecked(True)
    out = tmp_path / "self.udcert"
    monkeypatch.setattr(cert_actions, "save_cert_path", lambda _p, _s: out)
    qtbot.mouseClick(dialog.certify_button, _LEFT)
    kind, title, text = boxes.shown[-1]
    assert (kind, title) == ("error", "未签发证书") and "本机自己的密钥卡" in text
    assert not out.exists() and dialog.saved_to is None
