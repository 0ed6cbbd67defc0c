"""个人信息删除 travels and holds (issue #23 part 3): erase on A; a package made on B
before B heard of it arrives at A after the erasure; A and B converge with no personal
value left in their databases (every table's text, the raw file bytes), their change
logs, or the next packages they send."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from desktop.models.base import new_id
from desktop.models.erasure import ERASED_NAME
from desktop.services.erasure import records as erasure
from desktop.storage.database import Database
from desktop.sync import export as ex
from desktop.sync import importer
from tests.unit.sync.helpers import (
    add_federation,
    add_member,
    add_union,
    get_field,
    mesh,
    node_of,
    set_field,
    state_hash,
    valid_id,
)

NAME = "欧阳娜娜"
ID_NUMBER = valid_id("erase-me")
PHONE = "13812345678"
NEW_PHONE = "13987654321"  # set on B before B hears of the erasure
HOUSEHOLD_ID = valid_id("erase-me-child")
PHOTO = b"\xff\xd8 photo of the person PHOTO-BYTES-7f3a \xff\xd9"
SECRETS = (NAME, ID_NUMBER, PHONE, NEW_PHONE, HOUSEHOLD_ID, ID_NUMBER[::-1], "PHOTO-BYTES-7f3a")


@pytest.fixture
def pcs(db_factory, tmp_path):  # type: ignore[no-untyped-def]
    dbs = [db_factory(n) for n in ("a", "b")]
    mesh(dbs, tmp_path)
    return dbs


_sent = [0]


def package(src: Database, folder: Path) -> Path:
    _sent[0] += 1
    path = folder / f"p{_sent[0]}.udsync"
    ex.export(src, path)
    return path


def send(src: Database, dst: Database, folder: Path) -> None:
    importer.import_file(dst, package(src, folder))


def send_to(src: Database, dst: Database, folder: Path) -> None:
    """A package for ``dst`` alone (what the others hold does not matter to it)."""
    _sent[0] += 1
    path = folder / f"p{_sent[0]}.udsync"
    ex.export(src, path, to=[node_of(dst)])
    importer.import_file(dst, path)


def _insert(db: Database, table: str, row: dict[str, Any]) -> str:
    row = {"id": new_id(), **row}
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    with db.connect() as conn:
        conn.exec_driver_sql(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))
    return str(row["id"])


def _person(a: Database) -> dict[str, str]:
    """The person on A: member, application, hardship file and household, legal-aid
    applicant, a guest attendance under the same name; and someone else."""
    uid = add_union(a, add_federation(a))
    member = add_member(a, uid, NAME, ID_NUMBER)
    set_field(a, "members", member, "phone", PHONE)
    sha = hashlib.sha256(PHOTO).hexdigest()
    with a.connect() as conn:  # the photo travels content-addressed (members.photo)
        conn.exec_driver_sql(
            "INSERT INTO attachments (sha256, mime, size, data) VALUES (?, 'image/jpeg', ?, ?)",
            (sha, len(PHOTO), PHOTO),
        )
    set_field(a, "members", member, "photo", sha)
    other = add_member(a, uid, "王小二", "someone-else")
    rows = {"member": member, "other": other, "union": uid}
    rows["application"] = _insert(
        a,
        "applications",
        {
            "union_id": uid,
            "name": NAME,
            "id_number": ID_NUMBER,
            "phone": PHONE,
            "submitted_on": "2026-11-01",
            "status": "submitted",
            "deleted": 0,
        },
    )
    rows["case"] = _insert(
        a,
        "hardship_cases",
        {
            "member_id": member,
            "level": "deep",
            "opened_on": "2026-01-01",
            "review_due_on": "2027-01-01",
            "notes": f"{NAME} 家庭困难",
            "deleted": 0,
        },
    )
    rows["household"] = _insert(
        a,
        "hardship_household",
        {"case_id": rows["case"], "name": "欧阳小小", "id_number": HOUSEHOLD_ID, "deleted": 0},
    )
    rows["legal"] = _insert(
        a,
        "legal_cases",
        {
            "intake_on": "2026-10-01",
            "applicant_name": NAME,
            "applicant_phone": PHONE,
            "case_type": "wage_arrears",
            "status": "accepted",
            "deleted": 0,
        },
    )
    activity = _insert(
        a,
        "activities",
        {
            "title": "冬季慰问",
            "category": "culture",
            "starts_at": "2026-11-01 09:00:00",
            "ends_at": "2026-11-01 11:00:00",
            "deleted": 0,
        },
    )
    rows["guest"] = _insert(
        a,
        "attendances",
        {
            "activity_id": activity,
            "guest_name": NAME,
            "method": "manual",
            "checked_in_at": "2026-11-01 09:10:00",
            "deleted": 0,
        },
    )
    return rows


def _text_hits(db: Database) -> list[str]:
    """Every text value of every table holding one of the secrets: table.column."""
    db.checkpoints.flush()
    hits: list[str] = []
    with db.connect(write=False) as conn:
        tables = [
            str(t)
            for t in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).scalars()
        ]
        for table in tables:
            cols = conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
            for col in cols:
                values = conn.exec_driver_sql(
                    f'SELECT "{col.name}" FROM "{table}" WHERE typeof("{col.name}") = \'text\''
                ).scalars()
                for value in values:
                    if any(s in str(value) for s in SECRETS):
                        hits.append(f"{table}.{col.name}")
                        break
    return hits


def _file_hits(db: Database) -> list[str]:
    db.checkpoints.flush()
    hits = []
    for path in db.paths.database.parent.glob(db.paths.database.name + "*"):
        data = path.read_bytes()
        hits += [f"{path.name}:{s}" for s in SECRETS if s.encode("utf-8") in data]
    return hits


def _package_hits(src: Database, dst: Database, folder: Path) -> list[str]:
    """Open the next package ``src`` sends with the package reader and look in every
    change it carries (and its attachments)."""
    path = package(src, folder)
    with dst.connect(write=False) as conn:
        pkg = importer.decrypt_and_verify(conn, path)
    hits = []
    for seg in pkg.segments:
        for change in seg.changes:
            text = json.dumps(change.fields, ensure_ascii=False)
            hits += [f"{change.tbl}:{s}" for s in SECRETS if s in text]
    assert not pkg.attachments
    return hits


def test_erasure_converges_and_a_stale_package_brings_nothing_back(pcs, tmp_path) -> None:
    a, b = pcs
    rows = _person(a)
    send(a, b, tmp_path)
    assert get_field(b, "members", rows["member"], "phone") == PHONE
    with b.connect(write=False) as conn:  # the photo's bytes reached B
        assert conn.exec_driver_sql("SELECT count(*) FROM attachments").scalar() == 1
    # B's clerk edits the person before B hears of the erasure; B sends a package
    set_field(b, "members", rows["member"], "phone", NEW_PHONE)
    set_field(b, "applications", rows["application"], "phone", NEW_PHONE)
    stale = package(b, tmp_path)

    result = erasure.erase(a, rows["member"], "本人申请")
    assert result.rows["members"] == 1
    assert _text_hits(a) == []

    importer.import_file(a, stale)  # made on B before the erasure, arrives after it
    assert _text_hits(a) == []
    send(a, b, tmp_path)  # B receives the tombstone and erases the same person
    send(b, a, tmp_path)
    send(a, b, tmp_path)

    assert state_hash(a) == state_hash(b)
    for pc in (a, b):
        assert get_field(pc, "members", rows["member"], "name") == ERASED_NAME
        assert get_field(pc, "members", rows["member"], "phone") is None
        assert get_field(pc, "members", rows["member"], "deleted") == 1
        assert get_field(pc, "members", rows["other"], "name") == "王小二"
        assert _text_hits(pc) == [], pc.paths.database
        assert _file_hits(pc) == [], pc.paths.database
    assert _package_hits(a, b, tmp_path) == []
    assert _package_hits(b, a, tmp_path) == []
    # the other person's record still travels and is untouched
    assert get_field(b, "members", rows["other"], "deleted") == 0


def test_a_relay_recovers_the_range_it_dropped(db_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """C hears of A only through B. B drops A's segment that held the person's values
    when it erases; it asks A for the range again, keeps A's clean re-sealed copy, and
    relays it: C gets everyone else A registered, and nothing of the erased person."""
    a, b, c = (db_factory(n) for n in ("a", "b", "c"))
    mesh([a, b, c], tmp_path)
    rows = _person(a)
    send_to(a, b, tmp_path)
    later = add_member(a, rows["union"], "赵六", "later")  # a segment of its own, clean
    send_to(a, b, tmp_path)
    send_to(b, a, tmp_path)  # A learns B holds both: it will not send them to B again unasked
    erasure.erase(a, rows["member"], "request")
    send_to(a, b, tmp_path)  # B erases too: A's first segment held the values, B drops it
    with b.connect(write=False) as conn:
        dropped = conn.exec_driver_sql("SELECT count(*) FROM sync_dropped_segment").scalar()
    assert dropped
    send_to(b, c, tmp_path)
    send_to(b, a, tmp_path)  # asks A for the range again
    send_to(a, b, tmp_path)  # A's clean copy: kept by B though all its changes are held
    send_to(b, c, tmp_path)
    send_to(c, b, tmp_path)
    send_to(b, c, tmp_path)
    assert get_field(c, "members", rows["other"], "name") == "王小二"
    assert get_field(c, "members", later, "name") == "赵六"
    assert get_field(c, "members", rows["member"], "name") == ERASED_NAME
    assert state_hash(a) == state_hash(b) == state_hash(c)
    for pc in (a, b, c):
        assert _text_hits(pc) == [], pc.paths.database
    with b.connect(write=False) as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_dropped_segment").scalar() == 0
