"""Member photos for cards and forms: decoded once, or a neat placeholder.

A photo that is missing (hash without blob, e.g. not yet synced) or unreadable (not an
image, truncated) must never abort a batch of 500 cards: the card gets a placeholder and
the clerk a warning naming the member, so that one card can be reprinted later.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from desktop.printing.fonts import FontSet


def decode_photo(data: bytes | None) -> ImageReader | None:
    """An ImageReader for ``data``, or None when it is absent or not a readable image."""
    if not data:
        return None
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # catches truncated and corrupt files before reportlab does
        image: Image.Image = Image.open(io.BytesIO(data))
        image.load()
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        return ImageReader(image)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def draw_placeholder(
    canvas: Canvas, fonts: FontSet, x: float, y: float, w: float, h: float
) -> None:
    """A light frame with a head-and-shoulders outline and 照片 under it."""
    canvas.saveState()
    canvas.setFillColorRGB(0.95, 0.95, 0.95)
    canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, w, h, stroke=1, fill=1)
    canvas.setFillColorRGB(0.8, 0.8, 0.8)
    cx = x + w / 2
    canvas.circle(cx, y + h * 0.64, w * 0.18, stroke=0, fill=1)
    path = canvas.beginPath()
    path.moveTo(x + w * 0.18, y + h * 0.22)
    path.curveTo(x + w * 0.2, y + h * 0.46, x + w * 0.8, y + h * 0.46, x + w * 0.82, y + h * 0.22)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFillColorRGB(0.45, 0.45, 0.45)
    size = min(h * 0.09, w * 0.2)
    label = "照片"
    fonts.draw(canvas, cx - fonts.width(label, size) / 2, y + h * 0.07, label, size)
    canvas.restoreState()


def draw_photo(canvas: Canvas, image: ImageReader, x: float, y: float, w: float, h: float) -> None:
    """Fit the photo inside the frame, centred, keeping its aspect ratio."""
    canvas.drawImage(image, x, y, w, h, preserveAspectRatio=True, anchor="c")
    canvas.saveState()
    canvas.setStrokeColorRGB(0.7, 0.7, 0.7)
    canvas.setLineWidth(0.5)
    canvas.rect(x, y, w, h, stroke=1, fill=0)
    canvas.restoreState()
