"""Demo data for issue #21's duplicates and photos: one duplicate pair (the same person
registered again, as a second office would before syncing) and drawn portraits for a
few members, so a trainee sees the 重复会员 page and photo cards filled. Called inside
the demo's one transaction, after the members exist; reproducible for a seed."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw
from sqlalchemy import Connection, text

from desktop.services.members import photos
from desktop.services.members import writer as member_writer

PHOTOS = 12  # members given a portrait
_BACKGROUNDS = ("#dbe9f6", "#f3f3f3", "#e8f1e4", "#fbeee0")
_CLOTHES = ("#2f4f6f", "#555555", "#7a3b2e", "#1f5f4a", "#3b3b7a")
_SKIN = ("#f1c9a5", "#e5b38c", "#d9a07a")
_HAIR = ("#1b1b1b", "#2b2118", "#3a2a1a")


def portrait(rng: random.Random) -> bytes:
    """A plain drawn head-and-shoulders picture (PNG), 380 × 500 like a stored photo."""
    image = Image.new("RGB", (380, 500), rng.choice(_BACKGROUNDS))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 330, 340, 640), fill=rng.choice(_CLOTHES))  # shoulders
    draw.rectangle((160, 270, 220, 350), fill=rng.choice(_SKIN))  # neck
    skin = rng.choice(_SKIN)
    draw.ellipse((110, 90, 270, 300), fill=skin)  # face
    draw.chord((100, 70, 280, 240), 180, 360, fill=rng.choice(_HAIR))  # hair
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _near_id(conn: Connection, id_number: str) -> str | None:
    """An unused valid ID number with the same area, birth date and gender as
    ``id_number`` (another sequence number: what a clerk's typing slip makes)."""
    from stdnum.cn import ric

    for seq in range(int(id_number[16]) % 2, 1000, 2):  # the gender digit's parity kept
        body = f"{id_number[:14]}{seq:03d}"
        if body == id_number[:17]:
            continue
        candidate = body + ric.calc_check_digit(body + "0")
        used = conn.execute(
            text("SELECT 1 FROM members WHERE id_number = :n"), {"n": candidate}
        ).first()
        if used is None:
            return candidate
    return None


def fill_duplicates_and_photos(
    conn: Connection, rng: random.Random, *, current_members: list[str]
) -> None:
    """One likely duplicate and portraits for up to ``PHOTOS`` current members, through
    the member writer and the photo store.

    The duplicate is made of a demo applicant (入会申请中): the same person as a current
    member applying again — same name, birth date and phone, an ID number one typing
    slip away — so the 重复会员 page lists the pair and merging it shows the second
    question that different ID numbers ask. The demo's member count stays as asked.
    """
    if not current_members:
        return
    applicant = conn.execute(
        text(
            "SELECT id FROM members WHERE membership_status = 'applicant' AND deleted = 0 "
            "ORDER BY rowid LIMIT 1"
        )
    ).scalar()
    if applicant is not None:
        original = conn.execute(
            text("SELECT name, id_number, gender, birth_date, phone FROM members WHERE id = :i"),
            {"i": current_members[rng.randrange(len(current_members))]},
        ).one()
        near = _near_id(conn, str(original.id_number))
        if near is not None:
            member_writer.update_fields(
                conn,
                str(applicant),
                {
                    "name": original.name,
                    "id_number": near,
                    "gender": original.gender,
                    "birth_date": original.birth_date,
                    "phone": original.phone,
                    "notes": "演示：已是会员的同一人再次申请，身份证号录错一位",
                },
            )
    for member_id in rng.sample(current_members, min(PHOTOS, len(current_members))):
        photo = photos.prepare("演示照片", portrait(rng))
        photos.store_in(conn, photo)
        member_writer.set_photo(conn, member_id, photo.sha256)
