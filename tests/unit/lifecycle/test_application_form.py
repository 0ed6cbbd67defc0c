"""The printed 入会申请书 filled from an application, read back with pdftotext (issue #21)."""

from __future__ import annotations

from pathlib import Path

from desktop.printing.forms.render import render_form
from desktop.printing.queries import form_values
from desktop.services.applications import records
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.storage.database import Database
from tests.unit.printing.conftest import pdf_text

OTHER_ID = "440304199001015410"


def test_the_form_is_filled_from_the_application(db: Database, tmp_path: Path) -> None:
    federations.create(db, "测试园区工会联合会", card_prefix="GH")
    union = unions.add(db, "华强电子有限公司工会").id
    app = records.add(
        db,
        {
            "name": "王小明",
            "id_number": OTHER_ID,
            "union_id": union,
            "phone": "13800138000",
            "employer": "华强电子",
            "position": "装配工",
            "education": "大学本科",
            "channel": "纸质",
            "submitted_on": "2026-11-03",
        },
    )
    out = tmp_path / "app.pdf"
    render_form("application", form_values(db, "application", app.id), out)
    body = pdf_text(out).replace(" ", "")
    for expected in ("王小明", "华强电子有限公司工会", "装配工", "大学本科", "男", "纸质"):
        assert expected in body, expected
    assert "2026年11月03日" in body  # 填表日期: the date received
    assert OTHER_ID not in body and "13800138000" not in body  # masked by default
    render_form("application", form_values(db, "application", app.id, unmasked=True), out)
    assert OTHER_ID in pdf_text(out).replace(" ", "")
