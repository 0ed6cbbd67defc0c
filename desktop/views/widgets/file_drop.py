"""Files dragged from the file manager: which of them a page can take."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

ROSTER_SUFFIXES = (".xlsx", ".xls", ".csv")


def dropped_file(mime: QMimeData, suffixes: tuple[str, ...]) -> Path | None:
    """The one local file of a drag whose name ends in one of ``suffixes``, else None.

    One file only: the wizards import one roster (or package) at a time, and silently
    taking the first of several would import something the clerk did not look at.
    """
    if not mime.hasUrls():
        return None
    urls = [url for url in mime.urls() if url.isLocalFile()]
    if len(urls) != 1:
        return None
    path = Path(urls[0].toLocalFile())
    return path if path.suffix.lower() in suffixes else None
