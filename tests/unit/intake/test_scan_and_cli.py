"""Reading a scan with the office's own key and the registry's rules (``sync.office``),
and the temporary ``intake page|scan`` commands."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from desktop.cards import application_qr as aq
from desktop.cli import intake
from desktop.cli.common import Context
from desktop.config import resolve_paths
from desktop.errors import UnionDeskError, ValidationError
from desktop.opening import open_database
from desktop.storage.database import Database
from desktop.sync import office as sync_office
from tests.unit.intake.helpers import EPH, FIELDS, GOOD_ID, PAYLOAD_ID, UNION, Office, cli


def _sealed(office: Office, payload_id: str = PAYLOAD_ID, **changes: object) -> str:
    values = {**FIELDS, "union_id": office.union_id, **changes}
    draft = aq.ApplicationDraft(
        payload_id=payload_id,
        page_version=aq.PAGE_VERSION,
        office_node=office.node_id,
        name=str(values["name"]),
        id_number=str(values["id_number"]),
        phone=values["phone"],  # type: ignore[arg-type]
        employer=values["employer"],  # type: ignore[arg-type]
        union_id=str(values["union_id"]),
        is_migrant_worker=bool(values["is_migrant_worker"]),
        hukou_type=values["hukou_type"],  # type: ignore[arg-type]
        education=values["education"],  # type: ignore[arg-type]
        political_status=values["political_status"],  # type: ignore[arg-type]
        consent=True,
    )
    return aq.seal(
        draft,
        office_node=office.node_id,
        office_box_public=office.box_public,
        eph_private=bytes.fromhex(EPH),
    )


def test_a_scan_is_opened_with_this_office_key_and_checked_like_the_dialog(
    db: Database, office: Office
) -> None:
    key = sync_office.application_page_key(db)
    assert (key.node_id, key.box_public) == (office.node_id, office.box_public)
    scanned = sync_office.read_application_scan(db, _sealed(office))
    assert scanned.values["birth_date"].isoformat() == "1949-12-31"
    assert scanned.values["gender"] == "F"
    assert scanned.values["membership_status"] == "applicant"
    assert scanned.draft.payload_id == PAYLOAD_ID
    with pytest.raises(UnionDeskError, match="已经登记过"):
        sync_office.read_application_scan(db, _sealed(office), {PAYLOAD_ID})
    # The page's checks bypassed (a hand-made payload): the registry's rules still hold,
    # and the refusal names no applicant's data.
    bad = _sealed(office, id_number="110105194912310021", phone="12345", name="  ")
    with pytest.raises(ValidationError) as exc:
        sync_office.read_application_scan(db, bad)
    message = exc.value.message
    assert "身份证号校验位错误，应为 X" in message and "姓名不能为空" in message
    assert "手机号格式不正确" in message and "12345" not in message
    assert "110105194912310021" not in message
    gone = _sealed(office, union_id="01890a5d-ac96-774b-bcce-b302099a8057")
    with pytest.raises(ValidationError, match="所选工会不存在"):
        sync_office.read_application_scan(db, gone)


def test_cli_page_and_poster(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page, poster = tmp_path / "apply.html", tmp_path / "poster.pdf"
    code, out, err = cli(
        capsys, office.data_dir, "applications", "page", str(page), "--poster", str(poster),
        "--url", "https://example.org/apply.html",
    )  # fmt: skip
    assert code == 0, err
    html = page.read_text("utf-8")
    assert office.box_public.hex() in html and UNION in html and office.union_id in html
    assert "1 个工会可选" in out
    text = subprocess.run(["pdftotext", str(poster), "-"], capture_output=True, text=True).stdout
    assert office.name in text and "扫码打开入会申请页面" in text
    png = tmp_path / "poster"
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(poster), str(png)], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png) + ".png"], capture_output=True, text=True
    ).stdout.strip()
    assert decoded == "https://example.org/apply.html"
    # No hosting URL: the poster says how to get the file, and has no QR.
    code, _, err = cli(
        capsys, office.data_dir, "applications", "page", str(page), "--poster", str(poster)
    )
    assert code == 0, err
    text = subprocess.run(["pdftotext", str(poster), "-"], capture_output=True, text=True).stdout
    assert "入会申请页面以文件形式提供" in text and "微信" in text
    page.unlink()
    poster.unlink()
    code, _, err = cli(
        capsys, office.data_dir, "applications", "page", str(page), "--poster", str(poster),
        "--url", "example.org",
    )  # fmt: skip
    assert code == 1 and "https://" in err
    assert not page.exists() and not poster.exists()  # nothing written


def test_cli_scan_masks_files_and_refuses(
    office: Office, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.services.applications import queries

    text = _sealed(office)
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", text)
    assert code == 0, err
    assert "张三" in out and GOOD_ID not in out and "13800138000" not in out
    assert "110*************2X" in out and "138****8000" in out and UNION in out
    # filed in the review queue as 扫码, 待审核
    db = open_database(resolve_paths(office.data_dir))
    try:
        (row,) = queries.queue(db, status="submitted")
        record = queries.get(db, row.id)
    finally:
        db.close()
    assert record.channel == "qr" and record.name == "张三"
    # the same QR scanned again on another day: refused by the registry, nothing written
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", text, "--json")
    assert code == 1 and "已经登记过" in err
    other = _sealed(office, payload_id="8899aabbccddeeff")
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", other, "--json")
    (item,) = json.loads(out)
    assert item["id_number"] == "110*************2X" and item["union"] == UNION
    assert item["hukou_type"] == "外地农村" and item["is_migrant_worker"] is True
    # The same QR twice in one run (a scanner's double read): the second is refused.
    third = _sealed(office, payload_id="a1b2c3d4e5f60718")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{third}\n\n{third}\n"))
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", "--stdin", "--json")
    assert code == 1 and len(json.loads(out)) == 1, err
    assert re.search("第 2 份：这份入会申请已经登记过", err)
    card = "UD1:GH2026000123:0189" + "A" * 28 + ":0123ABCD:" + "A" * 103
    code, out, err = cli(capsys, office.data_dir, "applications", "scan", card)
    assert code == 1 and "会员卡二维码" in err and out == ""


def test_scan_files_through_the_applications_hook(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the lead wires at merge: ``add_verbs(verbs, file_scan=…, seen_ids=…)``."""
    filed: dict[str, str] = {}

    def file_scan(db: Database, scanned: sync_office.ScannedApplication) -> str:
        filed[scanned.draft.payload_id] = scanned.values["name"]
        return f"APP-{len(filed)}"

    parser = argparse.ArgumentParser()
    intake.add_verbs(parser.add_subparsers(), file_scan=file_scan, seen_ids=lambda db: filed)
    ctx = Context(str(office.data_dir))
    try:
        args = parser.parse_args(["scan", _sealed(office)])
        assert args.handler(ctx, args) == 0
        out, _ = capsys.readouterr()
        assert "已登记（编号 APP-1）" in out and filed == {PAYLOAD_ID: "张三"}
        assert args.handler(ctx, args) == 1  # the same QR again: filed already
        _, err = capsys.readouterr()
        assert "已经登记过" in err and len(filed) == 1
    finally:
        ctx.close()


@pytest.mark.parametrize("migrant", [True, False])
def test_the_migrant_worker_box_ticked_on_the_phone_reaches_the_member(
    db: Database, office: Office, migrant: bool
) -> None:
    """农民工 is asked on the page and shown at the scan: it is kept on the application and
    the approved member carries it (it was dropped on filing: every approval came out
    from the hukou alone, here 农村 → 是 whatever was ticked)."""
    from desktop.services.applications import queries, records
    from desktop.services.members import registry

    scanned = sync_office.read_application_scan(
        db, _sealed(office, is_migrant_worker=migrant, hukou_type="nonlocal_urban")
    )
    application = records.file_scanned(db, scanned.values, scanned.draft.payload_id)
    assert queries.get(db, application).is_migrant_worker is migrant
    approval = records.approve(db, application)
    assert registry.get(db, approval.member_id).is_migrant_worker is migrant


def test_a_scan_from_someone_under_sixteen_says_so_at_the_counter(
    db: Database, office: Office
) -> None:
    """Filed (the person may come back after the birthday), but the clerk is told now,
    not only when approving: the approval refuses it."""
    from stdnum.cn import ric

    first17 = "11010520120505123"  # born 2012-05-05: 14 on the test date
    child = first17 + ric.calc_check_digit(first17 + "0")
    scanned = sync_office.read_application_scan(db, _sealed(office, id_number=child))
    [said] = [w for w in scanned.warnings if "未满 16 周岁" in w]
    assert "05-05" not in said  # no birth date beside a masked number
    adult = sync_office.read_application_scan(db, _sealed(office, payload_id="00" * 8))
    assert not any("16 周岁" in w for w in adult.warnings)
