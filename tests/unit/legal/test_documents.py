"""Case documents: PDF/JPEG/PNG by content, stored once by hash, all or nothing, and
they travel to another office with the case."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from desktop.errors import ValidationError
from desktop.services.legal import cases, documents
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import mesh, node_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _case(db: Database) -> str:
    return cases.add_case(db, {"applicant_name": "赵六", "case_type": "工伤"}).id


def _links(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.execute(text("SELECT count(*) FROM legal_case_documents")).scalar_one())


def test_documents_are_filed_once_by_content(db: Database) -> None:
    case_id = _case(db)
    added = documents.add_documents(db, case_id, [("仲裁申请书.pdf", PDF), ("工资条.png", PNG)])
    assert [(d.mime, d.file_name) for d in added] == [
        ("application/pdf", "仲裁申请书.pdf"),
        ("image/png", "工资条.png"),
    ]
    again = documents.add_documents(db, case_id, [("副本.pdf", PDF)])
    assert again == []
    listed = documents.list_documents(db, case_id)
    assert [d.sha256 for d in listed] == [
        hashlib.sha256(PDF).hexdigest(),
        hashlib.sha256(PNG).hexdigest(),
    ]
    assert documents.document_bytes(db, listed[0].sha256) == PDF
    documents.remove_document(db, listed[0].id)
    assert [d.file_name for d in documents.list_documents(db, case_id)] == ["工资条.png"]


def test_one_bad_file_refuses_the_lot(db: Database) -> None:
    case_id = _case(db)
    with pytest.raises(ValidationError) as info:
        documents.add_documents(
            db, case_id, [("好.pdf", PDF), ("病毒.exe", b"MZ\x90\x00"), ("空.pdf", b"")]
        )
    assert "病毒.exe：不是 PDF、JPEG 或 PNG 文件" in info.value.message
    assert "空.pdf：文件是空的" in info.value.message
    assert _links(db) == 0


def test_a_case_and_its_document_travel_to_another_office(db_factory: Any, tmp_path: Path) -> None:
    a, b = db_factory("a"), db_factory("b")
    mesh([a, b], tmp_path)
    case_id = _case(a)
    documents.add_documents(a, case_id, [("调解协议.pdf", PDF)])
    path = tmp_path / "p.udsync"
    ex.export(a, path, to=[node_of(b)])
    importer.import_file(b, path)
    got = documents.list_documents(b, case_id)
    assert [d.file_name for d in got] == ["调解协议.pdf"]
    assert documents.document_bytes(b, got[0].sha256) == PDF
    assert cases.get_case(b, case_id).type_label == "工伤"
