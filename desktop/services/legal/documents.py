"""Documents filed with a legal-aid case (仲裁申请书, 调解协议, 工资条照片 …).

The one writer of ``legal_case_documents``. PDF, JPEG or PNG, recognised by their
first bytes (not the file name); stored once by SHA-256 in ``attachments`` like activity
photos, so the same scan filed twice (or on two PCs) is one blob. Adding several files
is all or nothing: one bad file refuses the lot, every problem named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import FileAccessError, NotFoundError, ValidationError, storage_error
from desktop.models.ids import new_id
from desktop.services.legal.cases import get_in
from desktop.storage import attachments, redaction
from desktop.storage.database import Database

SIGNATURES = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}
# A scanned arbitration file runs to a few MB; larger files would bloat every sync
# package carried on a USB stick.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CaseDocument:
    id: str
    sha256: str
    mime: str
    file_name: str
    size: int | None


def document_mime(data: bytes) -> str | None:
    """The document's type from its content, or None when it is not PDF/JPEG/PNG."""
    return next((m for m, sig in SIGNATURES.items() if data.startswith(sig)), None)


def check_document(name: str, data: bytes) -> str:
    """The MIME type, or the Chinese refusal naming the file."""
    if not data:
        raise ValidationError(f"{name}：文件是空的", field="document")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_too_big(name, len(data)), field="document")
    mime = document_mime(data)
    if mime is None:
        raise ValidationError(
            f"{name}：不是 PDF、JPEG 或 PNG 文件，只能添加这三种文件", field="document"
        )
    return mime


def _too_big(name: str, size: int) -> str:
    return (
        f"{name}：文件有 {size / 1024 / 1024:.1f} MB，不能超过 "
        f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB，请压缩或分页扫描后再添加"
    )


def read_files(paths: Sequence[str | Path]) -> list[tuple[str, bytes]]:
    """The files a clerk picked, as (name, bytes) for ``add_documents``: one too large is
    refused by its size before it is read (a video picked by mistake), one that cannot
    be read says why in Chinese; every problem named, nothing read in vain."""
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        try:
            size = path.stat().st_size
        except OSError as exc:
            problems.append(_unreadable(exc, path))
            continue
        if path.is_file() and size > MAX_DOCUMENT_BYTES:
            problems.append(_too_big(path.name, size))
    if problems:
        raise FileAccessError("；".join(problems) + "。未添加任何文件")
    files: list[tuple[str, bytes]] = []
    for raw in paths:
        path = Path(raw)
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise FileAccessError(_unreadable(exc, path) + "。未添加任何文件") from exc
    return files


def _unreadable(exc: OSError, path: Path) -> str:
    said = storage_error(exc, path=path)
    return said.message if said is not None else f"无法读取文件「{path}」"


def add_documents(
    db: Database, case_id: str, files: Sequence[tuple[str, bytes]]
) -> list[CaseDocument]:
    """File several documents with a case in one transaction; a file already on the
    case (same bytes) is not linked twice. Returns the documents newly linked."""
    problems: list[str] = []
    checked: list[tuple[str, bytes, str]] = []
    for name, data in files:
        try:
            checked.append((name, data, check_document(name, data)))
        except ValidationError as exc:
            problems.append(exc.message)
    if problems:
        raise ValidationError("；".join(problems) + "。未添加任何文件", field="document")
    added: list[CaseDocument] = []
    with db.connect() as conn:
        get_in(conn, case_id)
        have = {d.sha256 for d in _documents(conn, case_id)}
        for name, data, mime in checked:
            digest = hashlib.sha256(data).hexdigest()
            if digest in have:
                continue
            have.add(digest)
            attachments.store(conn, data, mime)
            doc_id = new_id()
            file_name = (name.strip() or "文件")[-200:]
            conn.execute(
                text(
                    "INSERT INTO legal_case_documents (id, case_id, sha256, mime, file_name) "
                    "VALUES (:id, :c, :h, :m, :n)"
                ),
                {"id": doc_id, "c": case_id, "h": digest, "m": mime, "n": file_name},
            )
            added.append(CaseDocument(doc_id, digest, mime, file_name, len(data)))
    return added


def _documents(conn: Connection, case_id: str) -> list[CaseDocument]:
    rows = conn.execute(
        text(
            "SELECT d.id, d.sha256, d.mime, d.file_name, a.size FROM legal_case_documents d "
            "LEFT JOIN attachments a ON a.sha256 = d.sha256 "
            "WHERE d.case_id = :c AND d.deleted = 0 ORDER BY d.rowid"
        ),
        {"c": case_id},
    ).all()
    return [
        CaseDocument(
            str(r.id),
            str(r.sha256),
            str(r.mime),
            str(r.file_name),
            None if r.size is None else int(r.size),
        )
        for r in rows
    ]


def list_documents(db: Database, case_id: str) -> list[CaseDocument]:
    """The case's documents in the order they were filed (size None: not yet synced)."""
    with db.connect(write=False) as conn:
        return _documents(conn, case_id)


def document_bytes(db: Database, sha256: str) -> bytes:
    with db.connect(write=False) as conn:
        row = conn.execute(
            text("SELECT data FROM attachments WHERE sha256 = :h"), {"h": sha256}
        ).first()
    if row is None:
        raise NotFoundError("文件内容缺失：可能尚未从其他单位同步过来", field="document")
    return bytes(row.data)


def remove_document(db: Database, document_id: str) -> None:
    """Take a document off its case: a tombstone; the bytes stay in ``attachments``."""
    with db.connect() as conn:
        done = conn.execute(
            text("UPDATE legal_case_documents SET deleted = 1 WHERE id = :id AND deleted = 0"),
            {"id": document_id},
        )
        if done.rowcount == 0:
            raise NotFoundError("该文件不存在或已删除", field="document")


def erase_in(conn: Connection, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """个人信息删除: the documents of an erased person's case go — name and content hash
    blanked (``models.erasure.PERSONAL``) and the link row tombstoned — in the caller's
    transaction; captured, so the removal travels. The bytes leave ``attachments`` once
    nothing names them (``services.erasure`` drops them after the log is blanked)."""
    redaction.blank_fields(conn, "legal_case_documents", row_ids, blanks)
    if row_ids:
        conn.exec_driver_sql(
            "UPDATE legal_case_documents SET deleted = 1 WHERE id = ? AND deleted = 0",
            [(row_id,) for row_id in row_ids],
        )
