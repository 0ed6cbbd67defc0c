"""Roster import: ``prepare`` reads and checks (writes nothing), ``commit`` writes a preview.

``commit`` refuses a preview with any refused row, takes an automatic backup, then
inserts new members (card numbers issued, change capture and dashboard counts written
set-based, search index filled: ``members.writer.appending``) and updates existing ones
(``members.writer.update_many``) in one transaction: all rows or none.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from desktop import acting
from desktop.errors import UnionDeskError
from desktop.gc_pause import paused_gc
from desktop.progress import CancelToken, ProgressFn, no_progress
from desktop.services import audit
from desktop.services.members import card_numbers
from desktop.services.members import writer as member_writer
from desktop.services.rosters.checking import ImportOptions, check_table
from desktop.services.unions import federations
from desktop.services.unions import registry as unions
from desktop.spreadsheets import headers, layout
from desktop.spreadsheets.preview import ImportPreview, ImportResult
from desktop.spreadsheets.reader import (
    SHEET_HINT,
    RawTable,
    ReadOptions,
    no_header_message,
    read_table,
)
from desktop.storage import engines
from desktop.storage.database import Database

log = logging.getLogger(__name__)
CHUNK = 5000


def read(path: Path, options: ImportOptions) -> RawTable:
    """The roster's cells; without a sheet name, the first sheet with a roster header."""
    mapping = dict(options.mapping)
    return read_table(
        Path(path),
        ReadOptions(
            row_limit=options.row_limit,
            sheet=options.sheet,
            has_header=lambda rows: headers.guess_header(rows, mapping),
        ),
    )


def detect_header(table: RawTable, options: ImportOptions) -> headers.HeaderMap:
    """The header row; when there is none, the message names the sheets to choose from."""
    try:
        return headers.detect(table.rows, options.mapping, union_given=options.union is not None)
    except headers.HeaderNotFound as exc:
        if not table.sheets:  # a CSV: one table, nothing to choose
            raise
        raise headers.HeaderNotFound(
            no_header_message(table.path, table.sheets, table.sheet)
        ) from exc
    except headers.MappingNeeded as exc:
        others = [s for s in table.sheets if s != table.sheet]
        if not others:  # a CSV or a workbook of one sheet: nothing else to choose
            raise
        raise headers.MappingNeeded(
            f"工作表「{table.sheet}」{exc.message}。本文件还有工作表：{'、'.join(others)}；"
            f"如名册在其他工作表，{SHEET_HINT}",
            exc.header,
            exc.missing,
        ) from exc


def prepare(
    db: Database,
    path: Path,
    options: ImportOptions | None = None,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    table: RawTable | None = None,
) -> ImportPreview:
    """Read, map and check a roster; nothing is written. Raises ``MappingNeeded``."""
    options = options or ImportOptions()
    if options.today is None:
        options = replace(options, today=db.clock.today())
    progress(0, 0, "正在读取文件…")
    if table is None:
        table = read(path, options)
    if cancel is not None:
        cancel.check()
    header = detect_header(table, options)
    headers.check_merged(header, table.merged)
    filled = layout.fill_merged_down(table.rows, table.merged, header.row)
    with db.connect(write=False) as conn:
        default_union = unions.find_by_name(conn, options.union) if options.union else None
        preview = check_table(
            conn, table, header, options, default_union, progress=progress, cancel=cancel
        )
    merged_note = layout.merged_note(filled, header)
    if merged_note:
        preview.notes.append(merged_note)
    if header.unknown:
        preview.notes.append(f"未导入的列：{'、'.join(header.unknown)}")
    return preview


def commit(
    db: Database,
    preview: ImportPreview,
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportResult:
    """Write a checked preview in one transaction after an automatic backup."""
    refused = preview.count("refuse")
    if refused:
        raise UnionDeskError(
            f"有 {refused} 行存在问题，为保证名册完整，本次未导入任何数据。"
            "请按错误报告修改后重新导入。"
        )
    new_rows = [r for r in preview.rows if r.action == "new"]
    updates = [r for r in preview.rows if r.action == "update"]
    if not new_rows and not updates:
        return ImportResult(preview.counts, "", ())
    # before the backup: a read-only account's import would rotate an older backup out,
    # then be refused at its first INSERT
    acting.require(acting.WRITE)
    backup: Path | None = None
    if db.takes_file_backups:  # a hub: one transaction, backed up by its administrator
        progress(0, 0, "正在备份数据…")
        backup = db.backup("roster-import")
    total = len(new_rows) + len(updates)
    ids: list[str] = []
    # The preview (the sheet and one result per row) keeps ~10^6 objects alive while the
    # insert allocates ~10^6 more: full collections would walk them all and free nothing.
    with paused_gc(), db.connect() as conn:
        _recheck(conn, preview)
        cards = iter(_issue_cards(conn, [r.values for r in new_rows]))
        next_rowid = member_writer.next_rowid(conn)
        # the usual page cache: the preview holds the sheet, and a larger cache would
        # lift the import's peak memory above its 500 MB goal (docs/benchmarks.md)
        with member_writer.appending(conn, rows=len(new_rows), roomy_cache=False) as append:
            for start in range(0, len(new_rows), CHUNK):
                if cancel is not None:
                    cancel.check()
                progress(start, total, f"正在写入第 {start + 1} 名会员…")
                # prepare_rows copies each row; a row is copied here only to add its card
                # number, so the preview itself stays as checked (a retry must not reuse it).
                chunk = [
                    {**r.values, "card_no": next(cards)} if _needs_card(r.values) else r.values
                    for r in new_rows[start : start + CHUNK]
                ]
                ids.extend(append(member_writer.prepare_rows(chunk, next_rowid)))
                next_rowid += len(chunk)
        member_writer.update_many(conn, [(r.member_id or "", r.values) for r in updates])
        if cancel is not None:
            cancel.check()
        progress(total, total, "正在提交…")
        audit.record_in(
            conn,
            audit.IMPORT,
            f"会员名册：新增 {len(new_rows)} 名，更新 {len(updates)} 名；"
            f"文件 {audit.file_name(preview.table.path)}",
        )
    log.info("roster import: %d new, %d updated", len(new_rows), len(updates))
    ids.extend(r.member_id or "" for r in updates)
    return ImportResult(preview.counts, "" if backup is None else str(backup), tuple(ids))


def _recheck(conn: Connection, preview: ImportPreview) -> None:
    """Refuse if another import registered one of these ID numbers since the preview."""
    numbers = [str(r.values["id_number"]) for r in preview.rows if r.action == "new"]
    if not numbers:
        return
    taken = conn.execute(
        text(
            "SELECT 1 FROM members WHERE deleted = 0 "
            f"AND id_number IN ({engines.json_values(conn, 'ids')}) LIMIT 1"
        ),
        {"ids": json.dumps(numbers)},
    ).first()
    if taken is not None:
        raise UnionDeskError("预览之后会员数据已有变化（可能刚导入过），请重新检查后再导入")


def _needs_card(values: dict[str, Any]) -> bool:
    return not values.get("card_no") and values["membership_status"] != "applicant"


def _issue_cards(conn: Connection, rows: list[dict[str, Any]]) -> list[str]:
    """会员证号 for the new members without one (in row order), as ``members.add`` does."""
    needing = sum(1 for r in rows if _needs_card(r))
    if not needing:
        return []
    return card_numbers.issue_for_federation(conn, federations.require_current_id(conn), needing)
