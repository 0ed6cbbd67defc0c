"""After 个人信息删除 the printing commands say so: the person's 入会申请书 cannot be
printed because their information was deleted (not 「身份证号不能为空」), and the card
printed before the erasure is invalid because the information was deleted (not
「保留会籍」 beside 「已不在会」).

The clerk's day: 张三 applies, is approved and gets a card; a year later he asks to be
erased; then a colleague tries to print his application again, and a guard scans his
old card at the door."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import pytest

from desktop.cards import signing
from desktop.services.erasure import records as erasure
from desktop.storage.database import Database
from tests.unit.test_cli_members import GOOD_ID, UNION, ready, run  # noqa: F401

pytestmark = pytest.mark.both_engines


def test_printing_after_erasure_says_the_information_was_deleted(
    ready: Path,  # noqa: F811
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys, ready, "applications", "add", "--name", "张三", "--id-number", GOOD_ID,
        "--union", UNION, "--channel", "纸质",
    )  # fmt: skip
    assert code == 0, err
    application = out.strip().split()[-1]
    code, _out, err = run(capsys, ready, "applications", "approve", application)
    assert code == 0, err
    member = erasure.resolve(db, GOOD_ID)
    code, out, err = run(capsys, ready, "members", "show", member, "--json")
    card_no = json.loads(out)["card_no"]
    with db.connect(write=False) as conn:
        card = signing.self_signer(conn).payload(card_no, member)
    code, out, err = run(capsys, ready, "card", "verify", card)
    assert code == 0 and out.startswith("有效"), out + err

    result = erasure.erase(db, member, "request")
    day = result.erased_at.replace(tzinfo=UTC).astimezone().date().isoformat()

    pdf = tmp_path / "x.pdf"
    code, _out, err = run(capsys, ready, "print", "form", "application", str(pdf),
                          "--application", application)  # fmt: skip
    assert code == 1 and not pdf.exists()
    assert f"该申请人的个人信息已删除（{day}），不能打印" in err, err
    assert "身份证号不能为空" not in err

    code, out, err = run(capsys, ready, "card", "verify", card)
    assert code == 1
    assert f"该会员的个人信息已删除（{day}），此卡已失效" in out, out
    assert "保留会籍" not in out and "在会" not in out.replace("已失效", "")
