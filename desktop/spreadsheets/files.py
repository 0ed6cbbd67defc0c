"""Saving a workbook safely: to a temporary name first, then renamed into place.

A cancelled or failed export leaves no half-written file, and a target still open in
Excel (locked on Windows) gets a message instead of a traceback. The temporary is
``<target>.part``, owner-only (``desktop.private_files``): a killed export leaves at most
that, and the next export to the same name removes it first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop.errors import StorageFullError, storage_error
from desktop.private_files import replacing
from desktop.spreadsheets.probe import SpreadsheetError


def check_target(target: Path) -> Path:
    """Refuse a target we cannot write before spending time on the rows."""
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise SpreadsheetError(f"「{target.name}」的扩展名应为 .xlsx")
    if not target.parent.is_dir():
        raise SpreadsheetError(f"文件夹「{target.parent}」不存在")
    return target


def save_workbook(workbook: Any, target: Path) -> Path:
    try:
        target = check_target(target)
    except SpreadsheetError:
        workbook.close()
        raise
    try:
        with replacing(target) as temp:
            workbook.save(temp)
    except PermissionError as exc:
        raise SpreadsheetError(
            f"无法写入「{target.name}」：文件可能正在 Excel 或 WPS 中打开，或没有写入权限。"
            "请关闭该文件或换一个文件名后重试。"
        ) from exc
    except OSError as exc:
        full = storage_error(exc, path=target)
        if isinstance(full, StorageFullError):
            raise full from exc
        raise SpreadsheetError(f"无法写入「{target}」：{exc.strerror or exc}") from exc
    return target
