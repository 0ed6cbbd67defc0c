"""Draw the UnionDesk icon: a red rounded square with a white 「工」, as PNGs and an .ico.

Run once when the design changes; the outputs in ``resources/icons/`` are committed so a
build never depends on this script. Uses Pillow (installed with reportlab) and the
bundled CJK font, so it draws the same on every machine::

    python installer/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
OUT = ROOT / "resources" / "icons"
RED = (200, 16, 46, 255)  # 工会红
WHITE = (255, 255, 255, 255)
PNG_SIZES = (48, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> Image.Image:
    scale = 4  # draw large, shrink once: smooth edges without anti-aliasing tricks
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    margin = big // 16
    pen.rounded_rectangle((margin, margin, big - margin, big - margin), radius=big // 5, fill=RED)
    font = ImageFont.truetype(str(FONT), int(big * 0.62))
    left, top, right, bottom = pen.textbbox((0, 0), "工", font=font)
    x = (big - (right - left)) / 2 - left
    y = (big - (bottom - top)) / 2 - top
    stroke = big // 28  # the font is light; a stroke keeps the glyph legible at 16 px
    pen.text((x, y), "工", font=font, fill=WHITE, stroke_width=stroke, stroke_fill=WHITE)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        draw(size).save(OUT / f"uniondesk-{size}.png", optimize=True)
    draw(256).save(OUT / "uniondesk.ico", sizes=[(s, s) for s in ICO_SIZES])
    print("wrote", ", ".join(sorted(p.name for p in OUT.iterdir())))


if __name__ == "__main__":
    main()
