"""Member lists to .xlsx (openpyxl write-only): any ``MemberFilter``, masked by default.

ID numbers and phones are written as text cells (never numbers) and masked
(440*************15, 138****1234) unless ``unmasked`` is asked for; a masked export has
出生年份 (the year) where an unmasked one has 出生日期, because the full birth date beside a
masked number gives most of it back (``desktop.models.masking``). Dates are real
date cells with the yyyy-mm-dd number format (openpyxl gives a ``date`` value that
format), so Excel and WPS sort, filter and compute with them; the importer reads date
cells back as dates.
The sheet has a styled, frozen header row with an autofilter, set widths and A4
landscape print setup with the header repeated on every page.

Every export is recorded in the local audit trail, an unmasked one as such (who, when,
how many members, which filter; no personal data, no file name). If that record cannot
be written, the file is deleted again: an export that leaves no trace is not kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Connection, text

from desktop.control_chars import replace_control_chars
from desktop.models.codes import (
    AGE_BANDS,
    EDUCATION,
    ETHNICITY,
    GENDER,
    HUKOU_TYPE,
    MEMBERSHIP_STATUS,
    POLITICAL_STATUS,
)
from desktop.models.masking import mask_id_number, mask_phone
from desktop.private_files import temp_files_in
from desktop.progress import CancelToken, ProgressFn, no_progress
from desktop.services import audit
from desktop.services.members import queries as member_queries
from desktop.services.members.queries import MemberFilter
from desktop.spreadsheets import styles
from desktop.spreadsheets.files import check_target, save_workbook
from desktop.storage.database import Database

log = logging.getLogger(__name__)

# (label, kind) in sheet order; the importer recognises every label.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("姓名", "text"),
    ("身份证号", "id_number"),
    ("性别", "text"),
    ("出生日期", "date"),
    ("所属工会", "union"),
    ("手机号", "phone"),
    ("民族", "text"),
    ("政治面貌", "text"),
    ("学历", "text"),
    ("户籍类型", "text"),
    ("农民工", "text"),
    ("工作单位", "union"),
    ("岗位", "text"),
    ("入会日期", "date"),
    ("会籍状态", "text"),
    ("会员证号", "card_no"),
    ("备注", "text"),
)
_SELECT = (
    "SELECT m.name, m.id_number, m.gender, m.birth_date, u.name AS union_name, m.phone, "
    "m.ethnicity, "
    "m.political_status, m.education, m.hukou_type, m.is_migrant_worker, m.employer, "
    "m.position, m.joined_on, m.membership_status, m.card_no, m.notes "
    "FROM members m JOIN unions u ON u.id = m.union_id "
)
# The birth column of a masked export: the year only (see the module docstring).
MASKED_BIRTH_LABEL = "出生年份"
_BIRTH = next(i for i, (label, _) in enumerate(COLUMNS) if label == "出生日期")
SHEET_TITLE = "会员名册"
# Free-text columns (typed by clerks or received by sync): a value starting with = + - @
# is written as a text cell, never as a live formula (spreadsheet formula injection); a
# control character (stored by an older version or received by sync) becomes U+FFFD,
# which openpyxl accepts: one such name must not stop the whole federation's export.
_FREE_TEXT = tuple(
    i
    for i, (label, _) in enumerate(COLUMNS)
    if label in {"姓名", "所属工会", "工作单位", "岗位", "会员证号", "备注"}
)

_TEXT = tuple(i for i, (_, kind) in enumerate(COLUMNS) if kind != "date")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    masked: bool


def _date(stored: str | date | None) -> date | None:
    """A stored date as a ``date`` (a date cell); None leaves the cell empty. SQLite
    keeps ISO text, the hub's driver returns a ``date``."""
    if isinstance(stored, date):
        return stored
    return date.fromisoformat(stored) if stored else None


def _year(stored: str | date | None) -> int | None:
    """A stored date as its year (a number cell)."""
    if isinstance(stored, date):
        return stored.year
    return int(stored[:4]) if stored else None


def labels_for(*, unmasked: bool) -> list[str]:
    """The header row: 出生年份 instead of 出生日期 when the export is masked."""
    labels = [label for label, _ in COLUMNS]
    if not unmasked:
        labels[_BIRTH] = MASKED_BIRTH_LABEL
    return labels


def member_rows(conn: Connection, flt: MemberFilter, *, unmasked: bool) -> Iterator[list[Any]]:
    """The export's cell values, streamed in the member list's order."""
    where, params = member_queries.where_clause(flt)
    result = conn.execute(text(_SELECT + f"WHERE {where} ORDER BY m.sort_key, m.rowid"), params)
    id_text = (lambda v: v or "") if unmasked else mask_id_number
    phone_text = (lambda v: v or "") if unmasked else mask_phone
    birth = _date if unmasked else _year
    gender, ethnicity, political = GENDER.label, ETHNICITY.label, POLITICAL_STATUS.label
    education, hukou, status = EDUCATION.label, HUKOU_TYPE.label, MEMBERSHIP_STATUS.label
    for r in result:
        yield [
            r.name,
            id_text(r.id_number),
            gender(r.gender),
            birth(r.birth_date),
            r.union_name,
            phone_text(r.phone),
            ethnicity(r.ethnicity),
            political(r.political_status),
            education(r.education),
            hukou(r.hukou_type),
            "是" if r.is_migrant_worker else "否",
            r.employer or "",
            r.position or "",
            _date(r.joined_on),
            status(r.membership_status),
            r.card_no or "",
            r.notes or "",
        ]


def _scope(conn: Connection, flt: MemberFilter) -> str:
    """The filter in words for the audit trail: union and codes, never the search text."""
    parts = []
    if flt.federation_id:
        name = conn.execute(
            text("SELECT name FROM federations WHERE id = :f"), {"f": flt.federation_id}
        ).scalar_one_or_none()
        parts.append(f"联合会：{name or flt.federation_id}")
    if flt.union_id:
        name = conn.execute(
            text("SELECT name FROM unions WHERE id = :u"), {"u": flt.union_id}
        ).scalar_one_or_none()
        parts.append(f"工会：{name or flt.union_id}")
    elif not flt.federation_id:
        parts.append("全部工会")
    if flt.status == "current":
        parts.append("会籍状态：在会和保留会籍")
    elif flt.status:
        parts.append(f"会籍状态：{MEMBERSHIP_STATUS.label(flt.status)}")
    if flt.migrant is not None:
        parts.append("农民工" if flt.migrant else "非农民工")
    if flt.age_band:
        band = next((b for b in AGE_BANDS if b[0] == flt.age_band), None)
        parts.append(f"年龄段：{band[1] if band else flt.age_band}")
    if flt.search and flt.search.strip():
        parts.append("按关键词筛选")  # the words themselves may be a name or an ID number
    return "，".join(parts)


def export_members(
    db: Database,
    target: Path,
    flt: MemberFilter | None = None,
    *,
    unmasked: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    reason: str | None = None,
) -> ExportResult:
    """``reason``: why full numbers were asked for (the window asks), in the audit entry."""
    # openpyxl spools the rows to tempfile's folder: the data dir's own, emptied at start
    with temp_files_in(db.paths.tmp):
        return _export_members(db, target, flt, unmasked, progress, cancel, reason)


def _export_members(
    db: Database,
    target: Path,
    flt: MemberFilter | None,
    unmasked: bool,
    progress: ProgressFn,
    cancel: CancelToken | None,
    reason: str | None = None,
) -> ExportResult:
    flt = flt or MemberFilter()
    check_target(target)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_TITLE)
    labels = labels_for(unmasked=unmasked)
    styles.set_widths(ws, [styles.width_for(label, kind) for label, kind in COLUMNS])
    styles.freeze_header(ws)
    ws.append(styles.header_cells(ws, labels))
    written = 0
    with db.connect(write=False) as conn:
        scope = _scope(conn, flt)
        total = member_queries.count(conn, flt)
        progress(0, total, "正在导出…")
        for values in member_rows(conn, flt, unmasked=unmasked):
            for i in _TEXT:
                value = values[i]
                if type(value) is str and not value.isprintable():  # stored before control
                    values[i] = replace_control_chars(value)  # chars were refused, or synced
            for i in _FREE_TEXT:
                value = values[i]
                if styles.formula_like(value):
                    values[i] = styles.text_cell(ws, value)
            ws.append(values)
            written += 1
            if written % 5000 == 0:
                if cancel is not None:
                    cancel.check()
                progress(written, total, f"已写入 {written} / {total} 名会员…")
    styles.autofilter(ws, len(COLUMNS), written + 1)
    styles.a4_setup(ws, SHEET_TITLE)
    progress(written, total, "正在保存文件…")
    path = save_workbook(workbook, Path(target))
    # No file name: a roster's name often names a person (「张三的名册」).
    action = audit.ROSTER_EXPORT_UNMASKED if unmasked else audit.EXPORT
    why = f"；原因：{audit.free_text(reason)}" if reason else ""
    detail = (
        f"{written} 名会员；{scope}{why}"
        if unmasked
        else f"会员名册（打码）：{written} 名会员；{scope}"
    )
    try:
        audit.record(db, action, detail)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    log.info("roster export: %d rows, masked=%s", written, not unmasked)
    return ExportResult(path, written, not unmasked)
