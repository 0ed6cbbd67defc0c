"""1000 membership cards on 10-up A4 sheets vs a bare reportlab baseline, and the file size.

The baseline draws the same texts with the same registered TrueType faces and the same
QR codes straight from reportlab's qrencoder (one ``canvas.rect`` per dark run), on the
same 2×5 grid: what a hand-written script would do. The project adds photos or their
placeholders, shrink-to-fit, mixed-face runs, crop marks and mirrored back pages.
"""

from __future__ import annotations

import argparse
import io
import itertools
import random
import statistics
import time
import uuid
from datetime import date

from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from benchmarks import bench_line
from desktop.cards.signing import CardSigner
from desktop.printing import geometry as geo
from desktop.printing.cards import QR_SIZE, QR_X, QR_Y, render_cards
from desktop.printing.fonts import fonts
from desktop.printing.records import CardRecord

SIZE_GOAL = 2_000_000
SPEED_GOAL = 1.3


def make_records(count: int, seed: int = 7) -> list[CardRecord]:
    from faker import Faker

    fake = Faker("zh_CN")
    Faker.seed(seed)
    rnd = random.Random(seed)
    key = Ed25519PrivateKey.generate().private_bytes(
        ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption()
    )
    signer = CardSigner(uuid.uuid4().hex, key)
    unions = [fake.company() + "工会委员会" for _ in range(40)]
    records = []
    for i in range(count):
        member_id = str(uuid.uuid4())
        card_no = f"SZ2026K7Q2M{i:05d}"
        records.append(
            CardRecord(
                member_id=member_id,
                name=fake.name(),
                union_name=rnd.choice(unions),
                federation_name="深圳市南山区粤海街道总工会",
                card_no=card_no,
                joined_on=date(2020 + i % 6, 1 + i % 12, 1 + i % 28),
                payload=signer.payload(card_no, member_id),
            )
        )
    return records


def baseline(records: list[CardRecord]) -> bytes:
    f = fonts()
    out = io.BytesIO()
    c = Canvas(
        out, pagesize=(geo.PAGE_W, geo.PAGE_H), pageCompression=1, initialFontName=f.latin.name
    )
    for start in range(0, len(records), geo.PER_SHEET):
        for i, rec in enumerate(records[start : start + geo.PER_SHEET]):
            slot = geo.slot_rect(i)
            x, y = slot.x, slot.y
            c.setFont(f.cjk_name, 10)
            c.drawString(x + 4 * mm, y + 47 * mm, rec.federation_name)
            c.setFont(f.cjk_name, 14)
            c.drawString(x + 26 * mm, y + 35 * mm, rec.name)
            c.setFont(f.cjk_name, 8)
            c.drawString(x + 17 * mm, y + 7 * mm, rec.union_name)
            c.setFont(f.latin.name, 9)
            c.drawString(x + 26 * mm, y + 25 * mm, rec.card_no)
            c.drawString(
                x + 26 * mm, y + 17 * mm, rec.joined_on.isoformat() if rec.joined_on else ""
            )
            qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
            qr.addData(rec.payload)
            qr.make()
            n = qr.getModuleCount()
            unit = QR_SIZE * mm / (n + 8)
            qx, qy = x + QR_X * mm + 4 * unit, y + (QR_Y + QR_SIZE) * mm - 4 * unit
            for r, row in enumerate(qr.modules):
                col = 0
                for dark, run in itertools.groupby(row):
                    k = len(list(run))
                    if dark:
                        c.rect(
                            qx + col * unit, qy - (r + 1) * unit, k * unit, unit, stroke=0, fill=1
                        )
                    col += k
        c.showPage()
    c.save()
    return out.getvalue()


def project(records: list[CardRecord]) -> bytes:
    out = io.BytesIO()
    render_cards(records, out, layout="sheet")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--cards", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    records = make_records(args.cards)
    fonts()  # register once, outside both timings
    project(records[:10])
    baseline(records[:10])
    p_times, b_times = [], []
    size = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        size = len(project(records))
        p_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        baseline(records)
        b_times.append(time.perf_counter() - t0)
    p, b = statistics.median(p_times), statistics.median(b_times)
    print(bench_line(f"print_cards_{args.cards}_sheet", p, b, "≤", SPEED_GOAL))
    met = "MET" if size < SIZE_GOAL else "MISSED"
    print(
        f"BENCH print_cards_{args.cards}_pdf_bytes project={size} baseline={SIZE_GOAL} "
        f"ratio={size / SIZE_GOAL:.4f} goal=≤{SIZE_GOAL} {met}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
