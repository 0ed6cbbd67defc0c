"""Font registration for reportlab and per-character face selection.

The bundled CJK face (Droid Sans Fallback) has no Latin letters or digits, so text is
set in runs: Latin from Vera, CJK from Droid, and characters neither has (生僻字 such as
𠮷) from a fallback TrueType face found on this PC. Characters no face has are reported
*before* printing (``missing_chars``) so a clerk never receives a card with an empty box;
if printing goes ahead anyway they are drawn as a visible 〓 (the typesetter's mark for a
missing character), never as nothing.

Registration happens once per process (reportlab's registry is global); a lock keeps the
GUI's worker thread and the main thread from registering twice.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from desktop.control_chars import CONTROL
from desktop.errors import MissingGlyphsError as MissingGlyphsError
from desktop.resources import resources_dir

log = logging.getLogger(__name__)

CJK_FONT_FILE = "DroidSansFallbackFull.ttf"
LATIN_FONT_FILE = "Vera.ttf"
MISSING_MARK = "\u3013"  # 〓, drawn from the CJK face
ENV_FALLBACK = "UNIONDESK_FALLBACK_FONTS"
"""Extra TrueType files (os.pathsep-separated) tried before the known system paths."""

# TrueType-outline faces that cover CJK Extension B and beyond, where offices have them.
# OTF/CFF files are useless to reportlab and are skipped if listed.
FALLBACK_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("C:/Windows/Fonts/simsunb.ttf", 0),  # SimSun-ExtB
    ("C:/Windows/Fonts/SimSun-ExtG.ttf", 0),
    ("C:/Windows/Fonts/mingliub.ttc", 0),  # MingLiU-ExtB
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/fonts-cesi/CESI_SS_GB18030.TTF", 0),  # UOS / Kylin
    ("/usr/share/fonts/truetype/ukai/ukai.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),  # symbols, not CJK
)


@dataclass(frozen=True)
class Face:
    """One registered reportlab font and the code points it can draw."""

    name: str
    path: Path
    chars: frozenset[int]


class FontSet:
    """The faces used for every document, in order of preference."""

    def __init__(self, latin: Face, cjk: Face, fallbacks: tuple[Face, ...]) -> None:
        self.latin = latin
        self.cjk = cjk
        self.fallbacks = fallbacks
        self.faces: tuple[Face, ...] = (latin, cjk, *fallbacks)
        self._primary = latin.chars | cjk.chars

    @property
    def cjk_name(self) -> str:
        return self.cjk.name

    def face_for(self, char: str) -> Face | None:
        code = ord(char)
        for face in self.faces:
            if code in face.chars:
                return face
        return None

    def missing_chars(self, text: str) -> list[str]:
        """Characters of ``text`` that no face can draw, in order, without repeats."""
        seen: list[str] = []
        for char in text:
            if char.isspace() or char in seen or CONTROL.match(char):
                continue  # a control character is drawn as 〓 (``runs``), never refused
            if self.face_for(char) is None:
                seen.append(char)
        return seen

    def runs(self, text: str) -> list[tuple[str, str]]:
        """Split ``text`` into (font name, run) pieces; undrawable characters become 〓."""
        out: list[tuple[str, str]] = []
        for char in text:
            face = None if CONTROL.match(char) else self.face_for(char)
            if face is None:
                name, char = self.cjk.name, MISSING_MARK
            elif char == " ":
                name = out[-1][0] if out else self.latin.name
            else:
                name = face.name
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + char)
            else:
                out.append((name, char))
        return out

    def width(self, text: str, size: float) -> float:
        """Advance width in points of ``text`` at ``size``, across faces."""
        return float(sum(pdfmetrics.stringWidth(run, name, size) for name, run in self.runs(text)))

    def draw(self, canvas: Canvas, x: float, y: float, text: str, size: float) -> float:
        """Draw ``text`` with its baseline at (x, y); returns the advance width."""
        start = x
        for name, run in self.runs(text):
            canvas.setFont(name, size)
            canvas.drawString(x, y, run)
            x += pdfmetrics.stringWidth(run, name, size)
        return x - start


_lock = threading.Lock()
_fonts: FontSet | None = None


def cjk_font_path() -> Path:
    return resources_dir() / "fonts" / CJK_FONT_FILE


def latin_font_path() -> Path:
    return resources_dir() / "fonts" / LATIN_FONT_FILE


def _register(name: str, path: Path, index: int = 0) -> Face:
    font = TTFont(name, str(path), subfontIndex=index)
    pdfmetrics.registerFont(font)
    return Face(name, path, frozenset(font.face.charToGlyph))


def _fallback_paths() -> Iterable[tuple[str, int]]:
    for extra in os.environ.get(ENV_FALLBACK, "").split(os.pathsep):
        if extra.strip():
            yield extra.strip(), 0
    yield from FALLBACK_CANDIDATES


def _load_fallbacks() -> tuple[Face, ...]:
    faces: list[Face] = []
    seen: set[str] = set()
    for raw, index in _fallback_paths():
        path = Path(raw)
        if raw in seen or not path.is_file():
            continue
        seen.add(raw)
        try:
            faces.append(_register(f"UDFallback{len(faces)}", path, index))
        except Exception as exc:  # CFF outlines, broken files: skip, never fail printing
            log.info("fallback font skipped: %s (%s)", path, exc)
    return tuple(faces)


def fonts() -> FontSet:
    """The process-wide font set, registered with reportlab on first use."""
    global _fonts
    with _lock:
        if _fonts is None:
            latin = _register("UDLatin", latin_font_path())
            cjk = _register("UDSans", cjk_font_path())
            _fonts = FontSet(latin, cjk, _load_fallbacks())
        return _fonts


def has_glyph(char: str) -> bool:
    """True if the bundled faces (not a system fallback) can draw ``char``."""
    return ord(char) in fonts()._primary


def missing_chars(text: str) -> list[str]:
    """Characters of ``text`` that no available face can draw."""
    return fonts().missing_chars(text)
