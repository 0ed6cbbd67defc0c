"""Demo data: reproducible, valid identity numbers and credit codes, one transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from stdnum.cn import uscc

from desktop.demo import generate as demo
from desktop.errors import UnionDeskError
from desktop.models.validation import check_id_number
from desktop.progress import Cancelled, CancelToken
from desktop.services.unions import federations
from desktop.storage.database import Database

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 21)


def _people(db: Database) -> list[tuple[str, str]]:
    with db.connect(write=False) as conn:
        rows = conn.execute(text("SELECT name, id_number FROM members ORDER BY rowid")).all()
    return [(r[0], r[1]) for r in rows]


def _status_changes(db: Database) -> int:
    with db.connect(write=False) as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM member_status_changes").scalar_one())


def test_same_seed_same_people_other_seed_differs(db_factory) -> None:  # type: ignore[no-untyped-def]
    a, b, c = db_factory("a"), db_factory("b"), db_factory("c")
    demo.fill_demo(a, members=400, unions=10, seed=7, today=TODAY)
    demo.fill_demo(b, members=400, unions=10, seed=7, today=TODAY)
    demo.fill_demo(c, members=400, unions=10, seed=8, today=TODAY)
    assert _people(a) == _people(b)
    assert _people(a) != _people(c)
    with a.connect(write=False) as ca, b.connect(write=False) as cb:
        q = "SELECT name, credit_code FROM unions ORDER BY rowid"
        assert ca.execute(text(q)).all() == cb.execute(text(q)).all()


def test_generated_records_are_valid_and_plausible(db: Database) -> None:
    summary = demo.fill_demo(db, members=3000, unions=20, seed=1, today=TODAY)
    assert summary.created_federation and summary.federation_name.endswith("园区工会联合会")
    with db.connect(write=False) as conn:
        members = conn.execute(
            text(
                "SELECT id_number, birth_date, gender, phone, hukou_type, is_migrant_worker, "
                "membership_status, card_no, joined_on, ethnicity FROM members"
            )
        ).all()
        unions = conn.execute(text("SELECT credit_code, industry, ownership FROM unions")).all()
    assert len(members) == 3000 and len(unions) == 20
    ids = [m[0] for m in members]
    assert len(set(ids)) == len(ids)
    for m in members:
        info = check_id_number(m[0], today=TODAY)
        assert info.warning is None, m[0][:6]
        assert info.birth_date == _day(m[1]) and info.gender == m[2]
        age = (
            TODAY.year
            - info.birth_date.year
            - ((TODAY.month, TODAY.day) < (info.birth_date.month, info.birth_date.day))
        )
        assert 18 <= age <= 65
        assert len(m[3]) == 11 and m[3].startswith("1")
        if m[5]:
            assert m[4].endswith("rural")
        assert (m[7] is None) == (m[6] == "applicant") == (m[8] is None)
    migrant = sum(1 for m in members if m[5]) / len(members)
    assert 0.22 < migrant < 0.38
    assert sum(1 for m in members if m[9] == "01") / len(members) > 0.85
    assert len({m[6] for m in members}) >= 5
    cards = [m[7] for m in members if m[7]]
    assert len(set(cards)) == len(cards)
    for credit_code, industry, ownership in unions:
        assert uscc.is_valid(credit_code) and industry and ownership


def test_cancel_writes_nothing(db: Database) -> None:
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int, _text: str) -> None:
        seen.append(done)
        if done >= demo.CHUNK:
            token.cancel()

    with pytest.raises(Cancelled):
        demo.fill_demo(db, members=demo.CHUNK + 10, seed=2, progress=progress, cancel=token)
    assert seen[:2] == [0, demo.CHUNK]
    with db.connect(write=False) as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM unions), "
                "(SELECT count(*) FROM sync_change)"
            )  # fmt: skip
        ).one()
        assert tuple(counts) == (0, 0, 0)
        assert federations.current_id(conn) is None


def test_uses_existing_federation_and_refuses_non_empty_registry(db: Database) -> None:
    fed = federations.create(db, "已有工会联合会", card_prefix="YY")
    summary = demo.fill_demo(db, members=50, unions=10, seed=3, today=TODAY)
    assert summary.federation_id == fed.id and not summary.created_federation
    with db.connect(write=False) as conn:
        cards = [
            r[0]
            for r in conn.execute(text("SELECT card_no FROM members WHERE card_no IS NOT NULL"))
        ]
    assert cards and all(c.startswith("YY2026") for c in cards)
    with pytest.raises(UnionDeskError, match="空的登记库") as refused:
        demo.fill_demo(db, members=10, seed=4)
    # the way out named for the engine: another data dir, or on the hub an empty database
    where = "--data-dir" if db.takes_file_backups else "另建一个空的总库数据库"
    assert where in refused.value.message
    assert db.takes_file_backups or "--data-dir" not in refused.value.message


def test_batch_ids_are_unique_ascending_uuid7() -> None:
    import uuid

    ids = demo._uuid7_batch(5000) + demo._uuid7_batch(5000)
    parsed = [uuid.UUID(i) for i in ids]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert [str(u) for u in parsed] == ids and len(set(ids)) == len(ids)
    assert ids[:5000] == sorted(ids[:5000])


def _member_indexes(db: Database) -> list[tuple[str, str]]:
    with db.connect(write=False) as conn:
        rows = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'members' ORDER BY name"
            )
        ).all()
    return [(str(r[0]), str(r[1])) for r in rows]


@pytest.mark.sqlite_only("deferred indexes: the hub keeps its indexes as rows arrive")
def test_member_indexes_are_rebuilt_after_the_fill_and_kept_on_cancel(db: Database) -> None:
    before = _member_indexes(db)
    assert len(before) >= 5  # id_number, card_no, union, sort key, joined (dashboard)
    token = CancelToken()

    def cancel_after_first_chunk(done: int, _total: int, _text: str) -> None:
        if done:
            token.cancel()

    with pytest.raises(Cancelled):
        demo.fill_demo(db, members=30, seed=2, progress=cancel_after_first_chunk, cancel=token)
    assert _member_indexes(db) == before
    demo.fill_demo(db, members=300, unions=5, seed=2, today=TODAY)
    assert _member_indexes(db) == before
    with db.connect(write=False) as conn:
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM members WHERE id_number = '1'"
        ).all()
        assert "ix_members_id_number" in str(plan)
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"


def test_dates_are_consistent_and_summary_and_search_are_complete(db: Database) -> None:
    """Join/leave dates follow birth (18+), founding and each other; every member is
    captured for sync, indexed for search and counted exactly on the dashboard; the
    activities' attendees are current members (the fill hands them over, unread)."""
    from desktop.services.figures import summary as stats
    from desktop.storage import engines, pg_search, search_index

    demo.fill_demo(db, members=2500, unions=8, seed=5, today=TODAY)
    with db.connect(write=False) as conn:
        hub = engines.is_postgres(conn)
        rows = conn.exec_driver_sql(
            "SELECT m.birth_date, m.joined_on, m.left_on, m.membership_status, u.founded_on "
            "FROM members m JOIN unions u ON u.id = m.union_id"
        ).all()
        for birth, joined, left, status, founded in rows:
            if status == "applicant":
                assert joined is None and left is None
                continue
            born, on, ended = _day(birth), _day(joined), _day(left)
            assert born is not None and on is not None
            age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
            opened = _day(founded)
            assert age >= 18 and opened is not None and opened <= on <= TODAY
            assert (ended is None) == (status == "active")
            assert ended is None or on <= ended <= TODAY
        counts = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM members), "
            "(SELECT count(DISTINCT row_id) FROM sync_change WHERE tbl = 'members'), "
            f"(SELECT count(*) FROM {'member_search_docs' if hub else 'member_search'})"
        ).one()
        n = 2500
        # every member captured once, plus one update per status change of the demo's
        # lifecycle (issue #21), per photo attached, and the one applicant the demo
        # rewrites into a likely duplicate of a member
        assert tuple(counts) == (n, n, n)
        changes, photos = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM sync_change WHERE tbl = 'members'), "
            "(SELECT count(*) FROM members WHERE photo IS NOT NULL)"
        ).one()
        assert changes == n + _status_changes(db) + photos + 1
        assert stats.summary_differences(conn) == 0
        attendees = conn.exec_driver_sql(
            "SELECT DISTINCT m.membership_status FROM attendances t "
            "JOIN members m ON m.id = t.member_id"
        ).scalars().all()  # fmt: skip
        assert attendees and set(attendees) <= {"active", "retained"}
        name, id_number = conn.exec_driver_sql(
            "SELECT name, id_number FROM members ORDER BY rowid DESC LIMIT 1"
        ).one()
        find = pg_search.search if hub else search_index.find_rowids
        assert n in find(conn, name, 50)  # the last member: rowid n
        assert n in find(conn, id_number[-6:], 50)


def _everything_but_ids(db: Database) -> list[tuple[object, ...]]:
    """Member rows without their UUIDs (drawn from the clock) and card numbers (they carry
    the issuing PC), plus the activities drawn after the members from the same random
    generator."""
    with db.connect(write=False) as conn:
        people = conn.exec_driver_sql(
            "SELECT rowid, name, id_number, gender, birth_date, phone, card_no IS NULL, "
            "joined_on, membership_status, left_on, sort_key FROM members ORDER BY rowid"
        ).all()
        activities = conn.exec_driver_sql(
            "SELECT title, starts_at FROM activities ORDER BY rowid"
        ).all()
        documents = conn.exec_driver_sql(
            "SELECT d.rowid, d.terms = ? FROM member_search d ORDER BY d.rowid", ("",)
        ).all()
    return [*map(tuple, people), *map(tuple, activities), (len(documents),)]


def test_demo_has_a_duplicate_pair_and_photos(db: Database) -> None:
    """Issue #21: the 重复会员 page and photo cards are filled for a trainee."""
    from desktop.services.duplicates import finding

    demo.fill_demo(db, members=300, unions=5, seed=3, today=TODAY)
    reasons = {p.reason for p in finding.find_pairs(db)}
    assert finding.SAME_NAME_BIRTH in reasons
    with db.connect(write=False) as conn:
        with_photo = conn.execute(
            text(
                "SELECT count(*) FROM members m JOIN attachments a ON a.sha256 = m.photo "
                "WHERE m.deleted = 0"
            )
        ).scalar_one()
    assert with_photo >= 10


def test_demo_has_applications_in_every_state_and_status_history(db: Database) -> None:
    """Issue #21: a trainee sees the review queue filled (one flagged) and member pages
    with a history, including one who left and re-joined (leave fields cleared)."""
    from desktop.services.applications import queries

    demo.fill_demo(db, members=300, unions=5, seed=3, today=TODAY)
    counts = queries.counts(db)
    assert all(counts[s] > 0 for s in ("submitted", "approved", "rejected")), counts
    assert any(r.current_member for r in queries.queue(db, status="submitted"))
    with db.connect(write=False) as conn:
        steps = conn.exec_driver_sql(
            "SELECT h.to_status, m.membership_status, m.left_on FROM member_status_changes h "
            "JOIN members m ON m.id = h.member_id WHERE h.from_status = 'withdrawn'"
        ).all()
    assert [tuple(s) for s in steps] == [("active", "active", None)]


def _day(stored: object) -> date | None:
    """A stored date as a ``date``: SQLite keeps ISO text, the hub's driver a ``date``."""
    if stored is None or isinstance(stored, date):
        return stored
    return date.fromisoformat(str(stored))


def test_demo_honours_are_awarded_by_the_park_s_own_province() -> None:
    """QA: a Chengdu demo park listed 南粤工匠 from 广东省总工会 (Guangdong's own titles)."""
    import random
    from datetime import date

    from desktop.demo.care_records import _honour_rows

    members = [f"m{i}" for i in range(20)]
    sichuan = _honour_rows(random.Random(1), date(2026, 11, 21), members, "51")
    provincial = {r["awarding_body"] for r in sichuan if r["level"] == "provincial"}
    assert provincial == {"四川省总工会"}
    assert not [r for r in sichuan if r["title_code"].startswith("nanyue")]
    guangdong = _honour_rows(random.Random(1), date(2026, 11, 21), members, "44")
    assert {r["title_code"] for r in guangdong} >= {"nanyue_craftsman", "nanyue_best_worker"}
    assert len(sichuan) == len(guangdong)
