"""The application QR format (desktop/cards/application_qr.py) against the page's own
JavaScript: byte-identical payloads, and every refusal worded for the clerk."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from desktop.cards import application_qr as aq
from desktop.errors import UnionDeskError
from desktop.printing.qr import matrix
from desktop.storage.database import Database
from tests.unit.intake.helpers import EPH, FIELDS, GOOD_ID, PAYLOAD_ID, Office, run_page_js

NODE = "0123abcd" + "5" * 24
UNION_ID = "01890a5d-ac96-774b-bcce-b302099a8057"
_RAW = serialization.Encoding.Raw


def _keys() -> tuple[bytes, bytes]:
    priv = X25519PrivateKey.generate()
    return (
        priv.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()),
        priv.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw),
    )


def _draft(**changes: object) -> aq.ApplicationDraft:
    base = aq.ApplicationDraft(
        payload_id=PAYLOAD_ID,
        page_version=aq.PAGE_VERSION,
        office_node=NODE,
        name="张三",
        id_number=GOOD_ID,
        phone="13800138000",
        employer="深圳华强电子有限公司",
        union_id=UNION_ID,
        is_migrant_worker=True,
        hukou_type="nonlocal_rural",
        education="college",
        political_status="13",
        consent=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _seal(public: bytes, **changes: object) -> str:
    return aq.seal(
        _draft(**changes),
        office_node=NODE,
        office_box_public=public,
        eph_private=bytes.fromhex(EPH),
    )


def test_the_page_seals_exactly_what_python_seals_and_python_opens_it(office: Office) -> None:
    fields = dict(FIELDS, union_id=office.union_id)
    (js,) = run_page_js(
        office.page(), [("seal", [fields, {"ephPrivate": EPH, "payloadId": PAYLOAD_ID}])]
    )
    assert isinstance(js, str) and js.startswith("UDAPP1:")
    draft = aq.open_application(js, node_id=office.node_id, box_private=office.box_private)
    assert draft.member_values() == {
        k: v for k, v in dict(FIELDS, union_id=office.union_id).items() if k != "consent"
    }
    assert (draft.payload_id, draft.page_version, draft.consent) == (PAYLOAD_ID, 1, True)
    assert draft.office_node == office.node_id
    python = aq.seal(
        draft, office_node=office.node_id, office_box_public=office.box_public,
        eph_private=bytes.fromhex(EPH),
    )  # fmt: skip
    assert python == js
    # The page draws a fresh payload id and key each time: two submits never repeat.
    a, b = run_page_js(office.page(), [("seal", [fields, {}]), ("seal", [fields, {}])])
    assert a != b
    first = aq.open_application(str(a), node_id=office.node_id, box_private=office.box_private)
    second = aq.open_application(str(b), node_id=office.node_id, box_private=office.box_private)
    assert first.payload_id != second.payload_id


def test_only_keyboard_safe_characters() -> None:
    _, public = _keys()
    text = _seal(public)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567:UDAP1")
    assert "张" not in text and GOOD_ID not in text  # nothing readable in the QR


def test_round_trip_and_scanner_quirks() -> None:
    private, public = _keys()
    text = _seal(public, phone=None, employer=None, hukou_type=None, is_migrant_worker=False)
    for typed in (
        text,
        text.lower(),
        f"  {text}\r\n",
        text.replace(":", "："),
        text[:40] + "\n" + text[40:],
    ):
        draft = aq.open_application(typed, node_id=NODE, box_private=private)
        assert draft == _draft(phone=None, employer=None, hukou_type=None, is_migrant_worker=False)


def _refusal(text: str, private: bytes, **kw: object) -> str:
    with pytest.raises(UnionDeskError) as exc:
        aq.open_application(text, node_id=NODE, box_private=private, **kw)  # type: ignore[arg-type]
    message = exc.value.message
    for secret in ("张三", GOOD_ID, "13800138000", "华强"):
        assert secret not in message
    return message


def test_refusals_say_what_is_wrong() -> None:
    private, public = _keys()
    text = _seal(public)
    other_private, _ = _keys()
    # Another office: its tag differs (said so), or the same tag but another key.
    other_node = "feedbeef" + "0" * 24
    with pytest.raises(UnionDeskError, match="另一单位（节点 0123ABCD）"):
        aq.open_application(text, node_id=other_node, box_private=private)
    assert "解密失败" in _refusal(text, other_private)
    # Altered: one character of the body, one of the authenticated header, cut short.
    i = len(text) - 10
    altered = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1 :]
    assert "解密失败" in _refusal(altered, private)
    raw = bytearray(base64.b32decode(text[7:] + "=" * (-len(text[7:]) % 8)))
    raw[10] ^= 1  # a byte of the ephemeral key in the header
    assert "解密失败" in _refusal("UDAPP1:" + base64.b32encode(bytes(raw)).decode(), private)
    assert "不完整" in _refusal(text[:60], private)
    assert "不该出现的字符" in _refusal(text[:-3] + "189", private)
    # Pages older or newer than this program reads.
    assert "旧版申请页面（第 0 版" in _refusal(_seal(public, page_version=0), private)
    assert "升级工会桌面通" in _refusal(_seal(public, page_version=aq.PAGE_VERSION + 1), private)
    assert "升级工会桌面通" in _refusal("UDAPP2:" + text[7:], private)
    # The wrong QR: a member card, anything else.
    card = "UD1:GH2026000123:0189" + "A" * 28 + ":0123ABCD:" + "A" * 103
    assert "会员卡二维码" in _refusal(card, private)
    assert "不是工会桌面通入会申请二维码" in _refusal("https://example.com/x", private)
    assert "不是工会桌面通入会申请二维码" in _refusal("", private)
    # Replayed, and no consent.
    assert "已经登记过" in _refusal(text, private, seen={PAYLOAD_ID})
    assert "未同意个人信息处理" in _refusal(_seal(public, consent=False), private)
    # A code outside the code lists (a page edited by hand).
    assert "不在代码表中" in _refusal(_seal(public, education="phd"), private)


def _version(text: str) -> int:
    return (len(matrix(text, "M")) - 17) // 4


def test_the_longest_application_fits_one_qr_at_level_m(office: Office) -> None:
    """Every field at the page's limit (名 50 字, 单位 100 字, all Chinese) still fits one
    QR at level M; a long but realistic one stays at a version a scanner reads off a
    phone screen at arm's length."""
    _, public = _keys()
    longest = _seal(
        public, name="张" * 50, employer="深" * 100, hukou_type="nonlocal_urban",
        education="high_school", political_status="13",
    )  # fmt: skip
    assert _version(longest) <= 25
    employer = "中国石油天然气股份有限公司长庆油田分公司第三采油厂"
    realistic = _seal(public, name="阿卜杜热合曼·买买提", employer=employer)
    assert _version(realistic) <= 15
    # The page's own QR encoder agrees (same size as reportlab's at level M).
    (count,) = run_page_js(office.page(), [("qr", [longest])])
    assert count == len(matrix(longest, "M"))


def test_id_number_check_matches_python(office: Office) -> None:
    cases = [GOOD_ID, "110105194912310021", "11010519491231002x", "99010519491231002X",
             "1101051949123100", "110105194902300028", " 110105-19491231-002X "]  # fmt: skip
    results = run_page_js(office.page(), [("check", [c]) for c in cases])
    oks = [bool(r["ok"]) for r in results]  # type: ignore[index]
    assert oks == [True, False, True, False, False, False, True]
    assert "校验位错误，应为 X" in str(results[1]["message"])  # type: ignore[index]


def test_an_application_scanned_into_the_card_box_is_explained(db: Database) -> None:
    """The other wrong box: 会员卡核验 given an application QR says what it is."""
    from desktop.printing.verify_card import check_card

    _, public = _keys()
    result = check_card(db, _seal(public).lower())
    assert not result.valid and "手机入会申请的二维码，不是会员卡" in result.summary
