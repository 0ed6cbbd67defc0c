"""PDF pages as images (for the preview and the printer) and printing them at 100 %.

Pages are rasterised with PDFium (pypdfium2: a small wheel with the engine inside, on
Windows, UOS and Kylin alike), so preview and print need no external program and no
PySide6-Addons. Printing paints each page onto the printer at the PDF page's physical
size, full page, never "fit to page", so a card comes out 85.60 × 53.98 mm on every
printer. PDFium is not thread-safe: every call into it holds one lock, which lets the
GUI thread draw a preview while a worker thread prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from desktop.progress import Cancelled, ProgressFn

_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageImage:
    number: int  # 1-based
    size_pt: QSizeF  # the page's true size in PDF points
    image: QImage


def page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        try:
            return len(doc)
        finally:
            doc.close()


def page_images(
    pdf: Path, dpi: int, first: int = 1, last: int | None = None
) -> Iterator[PageImage]:
    """Render pages one at a time, so a 600-dpi print job holds one page in memory."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        doc = pdfium.PdfDocument(pdf)
        total = len(doc)
    try:
        stop = total if last is None else min(last, total)
        for number in range(first, stop + 1):
            with _PDFIUM:
                page = doc[number - 1]
                try:
                    width, height = page.get_size()
                    bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True, prefer_bgrx=True)
                    try:
                        view = QImage(
                            bitmap.buffer,
                            bitmap.width,
                            bitmap.height,
                            bitmap.stride,
                            QImage.Format.Format_RGBX8888,
                        )
                        image = view.copy()  # own the pixels before PDFium frees them
                    finally:
                        bitmap.close()
                finally:
                    page.close()
            yield PageImage(number, QSizeF(width, height), image)
    finally:
        with _PDFIUM:
            doc.close()


def print_pdf(
    printer: QPrinter,
    pdf: Path,
    dpi: int,
    progress: ProgressFn | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Send every page at its true size (full page, no margins, no scaling to fit).

    Returns the number of pages sent. ``cancelled`` is asked between pages; on cancel the
    printer job is aborted (nothing half-printed is spooled) and ``Cancelled`` raised.
    """
    total = page_count(pdf)
    painter: QPainter | None = None
    sent = 0
    try:
        for page in page_images(pdf, dpi):
            if cancelled is not None and cancelled():
                printer.abort()
                raise Cancelled()
            size = QPageSize(
                page.size_pt, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch
            )
            printer.setFullPage(True)
            printer.setPageLayout(
                QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
            )
            if painter is None:
                painter = QPainter(printer)
            else:
                printer.newPage()
            res = printer.resolution()
            target = QRectF(
                0, 0, page.size_pt.width() / 72.0 * res, page.size_pt.height() / 72.0 * res
            )
            painter.drawImage(target, page.image)
            sent += 1
            if progress is not None:
                progress(sent, total, f"第 {sent} / {total} 页")
    finally:
        if painter is not None:
            painter.end()
    return sent
