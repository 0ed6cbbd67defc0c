"""PDF pages as images (for the preview and the printer) and printing them at 100 %.

QtPdf lives in PySide6-Addons, which we do not ship; poppler's ``pdftoppm`` (bundled on
Windows, a package on UOS/Kylin) renders pages instead. Printing paints each page image
onto the printer at the PDF page's physical size, full page, never "fit to page", so a
card comes out 85.60 × 53.98 mm on every printer.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter


def renderer_available() -> bool:
    return shutil.which("pdftoppm") is not None


def render_pages(pdf: Path, dpi: int, first: int = 1, last: int | None = None) -> list[Path]:
    """PNG files of the pages (in a temp dir the caller may delete), in page order."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RuntimeError("pdftoppm not found")
    folder = Path(tempfile.mkdtemp(prefix="uniondesk-preview-"))
    args = [exe, "-png", "-r", str(dpi), "-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    subprocess.run([*args, str(pdf), str(folder / "p")], check=True, capture_output=True)
    return sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def page_size_pt(image: QImage, dpi: int) -> QSizeF:
    return QSizeF(image.width() * 72.0 / dpi, image.height() * 72.0 / dpi)


def print_images(printer: QPrinter, images: list[Path], dpi: int) -> None:
    """Paint page images at their true size: full page, no margins, no scaling to fit."""
    painter: QPainter | None = None
    try:
        for i, path in enumerate(images):
            image = QImage(str(path))
            size = page_size_pt(image, dpi)
            page = QPageSize(size, QPageSize.Unit.Point, "",
                             QPageSize.SizeMatchPolicy.FuzzyMatch)
            layout = QPageLayout(page, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
            printer.setFullPage(True)
            printer.setPageLayout(layout)
            if painter is None:
                painter = QPainter(printer)
            elif i:
                printer.newPage()
            res = printer.resolution()
            target = QRectF(0, 0, size.width() / 72.0 * res, size.height() / 72.0 * res)
            painter.drawImage(target, image)
    finally:
        if painter is not None:
            painter.end()
