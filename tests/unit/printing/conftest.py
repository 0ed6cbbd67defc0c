"""Seeded registries for the printing tests (Core inserts: federation → union → members)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import insert

from desktop.models import Attachment, Federation, Member, Union, new_id
from desktop.storage.database import Database

LONG_UNION = "深圳市南山区粤海街道高新技术产业园区第二联合工会委员会暨某某集团股份有限公司工会"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils zbar-tools)")
    return path


def run(*args: str) -> str:
    need(args[0])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@dataclass
class Seeded:
    federation: str
    union_id: str
    union_name: str
    members: list[dict[str, object]]


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (120, 160), (90, 140, 200)).save(buf, "JPEG")
    return buf.getvalue()


def seed(
    db: Database,
    count: int = 3,
    *,
    photos: bool = False,
    names: list[str] | None = None,
    union_name: str = "蛇口联合工会",
) -> Seeded:
    fed_id, union_id = new_id(), new_id()
    members: list[dict[str, object]] = []
    photo = jpeg()
    sha = hashlib.sha256(photo).hexdigest()
    for i in range(count):
        members.append(
            {
                "id": new_id(),
                "union_id": union_id,
                "name": (names[i] if names and i < len(names) else f"测试会员{i}"),
                "id_number": "440304199001015415",
                "phone": "13812345678",
                "gender": "M",
                "ethnicity": "01",
                "card_no": f"SZ2026TEST{i:05d}",
                "joined_on": date(2025, 3, 1 + i),
                "membership_status": "active",
                "photo": sha if photos and i % 2 == 0 else None,
                "sort_key": f"{i:05d}",
            }
        )
    with db.connect() as conn:
        conn.execute(
            insert(Federation.__table__),
            [{"id": fed_id, "name": "粤海街道总工会", "card_prefix": "SZ"}],
        )
        conn.execute(
            insert(Union.__table__),
            [{"id": union_id, "federation_id": fed_id, "name": union_name, "sort_key": "a"}],
        )
        if photos:
            conn.execute(
                insert(Attachment.__table__),
                [{"sha256": sha, "mime": "image/jpeg", "size": len(photo), "data": photo}],
            )
        conn.execute(insert(Member.__table__), members)
    return Seeded("粤海街道总工会", union_id, union_name, members)


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db, 3)


def pdf_text(path: Path) -> str:
    return run("pdftotext", "-enc", "UTF-8", str(path), "-")


def pdf_words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, top, x1, bottom) in points, from ``pdftotext -bbox``."""
    out = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    found = re.findall(pattern, out)
    return [(t, float(a), float(b), float(c), float(d)) for a, b, c, d, t in found]


DPI = 300


def px(v_mm: float) -> int:
    return round(v_mm / 25.4 * DPI)


def render_png(pdf: Path, page: int, prefix: Path, *options: object) -> Path:
    """One page of ``pdf`` as ``prefix``.png at ``DPI`` (extra pdftoppm options, e.g. a crop)."""
    args = ["-png", "-r", DPI, "-f", page, "-l", page, "-singlefile", *options, pdf, prefix]
    run("pdftoppm", *map(str, args))
    return Path(f"{prefix}.png")


def decode_qr(pdf: Path, page: int, x_mm: float, top_mm: float, size_mm: float, tmp: Path) -> str:
    """Render only the QR's square (pdftoppm crop) and decode it with zbarimg."""
    need("zbarimg")
    prefix = tmp / f"qr-{page}-{x_mm:.0f}-{top_mm:.0f}"
    crop = ("-x", px(x_mm), "-y", px(top_mm), "-W", px(size_mm), "-H", px(size_mm))
    render_png(pdf, page, prefix, *crop)
    out = subprocess.run(
        ["zbarimg", "--raw", "-q", f"{prefix}.png"], capture_output=True, text=True
    )
    return out.stdout.strip()
