"""Honours given to members (or to a team, for a team title such as 工人先锋号).

The one writer of ``honours``. The year may not lie after the caller's ``today``; the
level comes from a code list (国家/省/市/区); a personal title needs a member and a team
title a team or union name — never both, and never a team name dropped unseen. One
honour (the same holder, title, level and year) is recorded once. Messages name the
field, never the member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from desktop.errors import NotFoundError, ValidationError
from desktop.models.codes import HONOUR_LEVEL
from desktop.models.ids import new_id
from desktop.models.validation import check_no_control_chars
from desktop.services.activities.inputs import opt_text
from desktop.services.honours import titles
from desktop.storage import redaction
from desktop.storage.database import Database
from desktop.textnorm import normalise_text

# The oldest year an honour may carry (劳动模范 were first named in the 1950s).
FIRST_YEAR = 1949


@dataclass(frozen=True)
class HonourRecord:
    id: str
    member_id: str | None
    holder: str  # the member's name, or the team's
    team_name: str | None
    title_code: str
    title: str
    level: str
    level_label: str
    year: int
    awarding_body: str | None
    notes: str | None


_SELECT = (
    "SELECT h.id, h.member_id, coalesce(m.name, h.team_name, '') AS holder, h.team_name, "
    "h.title_code, h.level, h.year, h.awarding_body, h.notes "
    "FROM honours h LEFT JOIN members m ON m.id = h.member_id "
)


def _records(conn: Connection, where: str, params: dict[str, Any]) -> list[HonourRecord]:
    labels = titles.labels_in(conn)
    rows = conn.execute(
        text(_SELECT + f"WHERE h.deleted = 0 AND {where} ORDER BY h.year DESC, h.rowid"), params
    ).all()
    return [
        HonourRecord(
            id=str(r.id),
            member_id=r.member_id,
            holder=str(r.holder),
            team_name=r.team_name,
            title_code=str(r.title_code),
            title=labels.get(str(r.title_code), str(r.title_code)),
            level=str(r.level),
            level_label=HONOUR_LEVEL.label(r.level),
            year=int(r.year),
            awarding_body=r.awarding_body,
            notes=r.notes,
        )
        for r in rows
    ]


def list_honours(
    db: Database, *, title: str | None = None, year: int | None = None
) -> list[HonourRecord]:
    """Every honour, newest year first; by title (code or name) and/or year."""
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    with db.connect(write=False) as conn:
        if title:
            where.append("h.title_code = :t")
            params["t"] = _title_code(conn, title)
        if year is not None:
            where.append("h.year = :y")
            params["y"] = year
        return _records(conn, " AND ".join(where), params)


def honours_of_member(db: Database, member_id: str) -> list[HonourRecord]:
    """A member's honours (for the member page)."""
    with db.connect(write=False) as conn:
        return _records(conn, "h.member_id = :m", {"m": member_id})


def _title_code(conn: Connection, value: str) -> str:
    """A title for filtering: retired ones too (old honours are still searchable)."""
    raw = value.strip()
    for t in titles.list_in(conn, include_inactive=True):
        if raw in (t.code, t.name):
            return t.code
    raise ValidationError(f"未知的荣誉称号「{raw}」", field="title")


def _year(value: Any, today: date) -> int:
    raw = str(value if value is not None else "").strip().removesuffix("年")
    if not raw:
        raise ValidationError("获得年份不能为空", field="year")
    try:
        year = int(raw)
    except ValueError as exc:
        raise ValidationError(
            f"获得年份应为四位数字年份（如 {today.year}），当前为「{raw}」", field="year"
        ) from exc
    if year > today.year:
        raise ValidationError(
            f"获得年份 {year} 晚于今年（{today.year}），请填写已获得的荣誉", field="year"
        )
    if year < FIRST_YEAR:
        raise ValidationError(f"获得年份不能早于 {FIRST_YEAR} 年", field="year")
    return year


def _refuse_repeat(
    conn: Connection,
    member_id: str | None,
    team_name: str | None,
    title: titles.TitleRecord,
    level: str,
    year: int,
) -> None:
    """One honour is recorded once: the same holder, title, level and year again is the
    same award typed twice. A team is the same team whatever its blanks or letter case."""
    if member_id is not None:
        holder, params = "h.member_id = :m", {"m": member_id}
    else:
        holder, params = "h.team_name IS NOT NULL AND h.member_id IS NULL", {}
    rows = conn.execute(
        text(
            "SELECT h.team_name FROM honours h WHERE h.deleted = 0 AND h.title_code = :t "
            f"AND h.level = :l AND h.year = :y AND {holder}"
        ),
        {"t": title.code, "l": level, "y": year, **params},
    ).all()
    if member_id is None:
        same = normalise_text(team_name or "").casefold()
        rows = [r for r in rows if normalise_text(str(r.team_name)).casefold() == same]
    if rows:
        who = "该会员 " if member_id is not None else f"「{team_name}」"
        raise ValidationError(
            f"{who}{year} 年的{HONOUR_LEVEL.label(level)}「{title.name}」已登记，不能重复登记",
            field="title",
        )


def add_honour(db: Database, values: dict[str, Any], *, today: date | None = None) -> HonourRecord:
    """Record an honour: ``title`` (code or name), ``level``, ``year``,
    ``awarding_body``, ``notes``, and ``member_id`` or (team title) ``team_name``."""
    now = today if today is not None else db.clock.today()
    unknown = (
        set(values)
        - {"member_id", "team_name", "title", "level", "year"}
        - {
            "awarding_body",
            "notes",
        }
    )
    if unknown:
        raise ValidationError(f"未知的荣誉字段：{'、'.join(sorted(unknown))}")
    level = HONOUR_LEVEL.lookup(str(values.get("level") or ""))
    if level is None:
        raw = str(values.get("level") or "").strip()
        what = f"「{raw}」不在代码表中" if raw else "不能为空"
        raise ValidationError(
            f"荣誉级别{what}，可选：{'、'.join(HONOUR_LEVEL.labels)}", field="level"
        )
    year = _year(values.get("year"), now)
    body = opt_text(values.get("awarding_body"), "awarding_body", "授予单位", 100)
    notes = opt_text(values.get("notes"), "notes", "备注", 100_000)
    team_name = opt_text(values.get("team_name"), "team_name", "集体名称", 100)
    for value, field, label in (
        (body, "awarding_body", "授予单位"),
        (team_name, "team_name", "集体名称"),
    ):
        if value is not None:
            check_no_control_chars(value, field, label)
    member_id = str(values.get("member_id") or "").strip() or None
    with db.connect() as conn:
        title = titles.resolve_in(conn, values.get("title"))
        if member_id is not None and team_name is not None:
            if not title.team:
                raise ValidationError(
                    f"「{title.name}」是个人荣誉，不填写获奖集体：请清空集体名称",
                    field="team_name",
                )
            raise ValidationError(
                f"「{title.name}」的获奖者是一位会员还是一个集体，只能二选一："
                "请清空获奖会员或集体名称中的一项",
                field="team_name",
            )
        if member_id is not None and title.team:
            raise ValidationError(
                f"「{title.name}」是集体荣誉，请填写获奖的班组、团队或工会名称，不选择会员",
                field="team_name",
            )
        if member_id is not None:
            found = conn.execute(
                text("SELECT birth_date FROM members WHERE id = :id AND deleted = 0"),
                {"id": member_id},
            ).first()
            if found is None:
                raise ValidationError("获奖会员不存在或已删除，请重新选择", field="member_id")
            born = str(found.birth_date or "")[:4]
            if born.isdigit() and year < int(born) + 16:
                raise ValidationError(
                    f"获得年份 {year} 早于该会员年满 16 周岁的年份（{int(born) + 16}），"
                    "请核对获得年份或获奖会员",
                    field="year",
                )
        elif not title.team:
            raise ValidationError(f"「{title.name}」是个人荣誉，请选择获奖会员", field="member_id")
        elif team_name is None:
            raise ValidationError(
                f"「{title.name}」是集体荣誉，请填写获奖的班组、团队或工会名称", field="team_name"
            )
        _refuse_repeat(conn, member_id, team_name, title, level, year)
        honour_id = new_id()
        conn.execute(
            text(
                "INSERT INTO honours (id, member_id, team_name, title_code, level, year, "
                "awarding_body, notes) VALUES (:id, :m, :team, :t, :l, :y, :b, :n)"
            ),
            {
                "id": honour_id,
                "m": member_id,
                "team": team_name,
                "t": title.code,
                "l": level,
                "y": year,
                "b": body,
                "n": notes,
            },
        )
        return _records(conn, "h.id = :id", {"id": honour_id})[0]


def remove_honour(db: Database, honour_id: str) -> None:
    """A tombstone that travels by sync (an honour entered by mistake)."""
    with db.connect() as conn:
        done = conn.execute(
            text("UPDATE honours SET deleted = 1 WHERE id = :id AND deleted = 0"),
            {"id": honour_id},
        )
        if done.rowcount == 0:
            raise NotFoundError("该荣誉记录不存在或已删除", field="honour")


def insert_prepared(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert honours the caller has already made whole and valid (the demo generator),
    in one statement on its transaction: this module stays the table's one writer."""
    from sqlalchemy import insert

    from desktop.models.honours import Honour

    if rows:
        conn.execute(insert(Honour), rows)


def reassign_member(conn: Connection, from_member: str, to_member: str) -> int:
    """会员合并: the 荣誉 of ``from_member`` become ``to_member``'s, in the caller's
    transaction (captured: the move travels); returns how many moved. Called by the
    duplicates service, so this module stays the one writer of ``honours``."""
    moved = conn.exec_driver_sql(
        "UPDATE honours SET member_id = ? WHERE member_id = ? AND deleted = 0",
        (to_member, from_member),
    )
    return int(moved.rowcount)


def erase_personal_in(conn: Connection, row_ids: list[str], blanks: dict[str, Any]) -> None:
    """个人信息删除: blank the free text of these honours (``services.erasure`` calls it
    with ``models.erasure.PERSONAL``), in the caller's transaction; captured, so the
    blanking travels. The title, level and year stay: an honour count is a figure."""
    redaction.blank_fields(conn, "honours", row_ids, blanks)
