"""The 会籍转接单 filled from a transfer record, read back with pdftotext, and its signed
QR decoded with zbarimg and pre-filling a transfer-in (issue #21 item 3)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from desktop import acting
from desktop.cli import main
from desktop.printing.forms import data as fd
from desktop.printing.forms.render import render_form
from desktop.printing.queries import form_values
from desktop.services.members import registry as members
from desktop.services.transfers import records, slips
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.unit.printing.conftest import need, pdf_text, render_png

MEMBER_ID = "440304199001015410"


@pytest.fixture
def transferred(db: Database) -> records.queries.TransferRecord:
    federations.create(db, "粤海街道总工会", card_prefix="SZ")
    union = unions.add(db, "蛇口联合工会").id
    member, _ = members.add(
        db, {"name": "王小明", "id_number": MEMBER_ID, "union_id": union,
             "joined_on": date(2016, 4, 1)},
    )  # fmt: skip
    return records.transfer_out(
        db, member.id, to_union_name="西丽街道总工会", transferred_on="2026-11-02",
        reason="工作调动",
    )  # fmt: skip


def _decode_page(pdf: Path, tmp: Path) -> str:
    need("zbarimg")
    png = render_png(pdf, 1, tmp / "slip")
    out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True)
    return out.stdout.strip()


def test_the_slip_is_filled_from_the_record_and_its_qr_prefills_the_transfer_in(
    db: Database, transferred: records.queries.TransferRecord, tmp_path: Path
) -> None:
    out = tmp_path / "slip.pdf"
    render_form("transfer", form_values(db, "transfer", transferred.id), out)
    body = pdf_text(out).replace(" ", "")
    assert transferred.slip_no and body.count(transferred.slip_no) == 2
    for text_ in ("蛇口联合工会", "西丽街道总工会", "2026年11月02日", "工作调动", "王小明"):
        assert text_ in body
    assert MEMBER_ID not in body  # masked by default
    scanned = _decode_page(out, tmp_path)
    assert scanned.startswith("UDTR1:")
    reading = slips.read(db, scanned)
    assert reading.verified
    assert reading.content.slip_no == transferred.slip_no
    assert reading.content.from_union == "蛇口联合工会"
    assert reading.content.to_union == "西丽街道总工会"
    assert reading.content.joined_on == date(2016, 4, 1)


def test_the_member_s_latest_slip_and_the_cli(
    db: Database, transferred: records.queries.TransferRecord, data_dir: Path, tmp_path: Path
) -> None:
    by_member = form_values(db, "transfer", transferred.member_id)
    assert isinstance(by_member, fd.TransferFormData)
    assert by_member.slip_no == transferred.slip_no and by_member.qr
    out = tmp_path / "cli.pdf"
    code = main(
        ["--data-dir", str(data_dir), "print", "form", "transfer", str(out),
         "--member", transferred.member_id],
    )  # fmt: skip
    assert code == 0
    assert _decode_page(out, tmp_path) == by_member.qr
    by_id = tmp_path / "by-id.pdf"
    args = ["--data-dir", str(data_dir), "print", "form", "transfer", str(by_id)]
    assert main([*args, "--transfer", transferred.id]) == 0
    assert transferred.slip_no and transferred.slip_no in pdf_text(by_id)
    assert main([*args, "--transfer", "no-such-transfer"]) == 1
    assert not by_id.with_name("by-id.pdf.part").exists()


def test_a_blank_slip_has_no_qr(tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    render_form("transfer", fd.TransferFormData(), out)
    assert "会籍转接单" in pdf_text(out).replace(" ", "")
    assert _decode_page(out, tmp_path) == ""


def test_the_handler_on_the_slip_is_who_recorded_the_transfer(
    db: Database, transferred: records.queries.TransferRecord, tmp_path: Path
) -> None:
    # Recorded by the signed-in account (not the operating-system account).
    federation_union = unions.add(db, "南头联合工会").id
    member, _ = members.add(
        db, {"name": "李梅", "id_number": "440304199202026319", "union_id": federation_union,
             "joined_on": date(2018, 5, 1)},
    )  # fmt: skip
    clerk = acting.Actor("zhangli", "张丽", role=acting.STAFF, account_id=7)
    with acting.acting_as(clerk):
        record = records.transfer_out(
            db, member.id, to_union_name="西丽街道总工会", transferred_on="2026-11-03",
            reason="工作调动",
        )  # fmt: skip
    assert record.operator == "张丽"
    out = tmp_path / "signed-in.pdf"
    render_form("transfer", form_values(db, "transfer", record.id), out)
    body = pdf_text(out).replace(" ", "")
    assert body.count("经办人：张丽") == 1  # on the counterfoil the issuing union keeps
    # Named on the command line (transfers out --operator).
    assert transferred.operator
    out = tmp_path / "named.pdf"
    render_form("transfer", form_values(db, "transfer", transferred.id), out)
    assert f"经办人：{transferred.operator}" in pdf_text(out).replace(" ", "")
    # A blank slip keeps the line empty for the pen.
    blank = tmp_path / "blank.pdf"
    render_form("transfer", fd.TransferFormData(), blank)
    assert "经办人：开具日期" in "".join(pdf_text(blank).split())
