"""会员证号: issued on registration, unique and never reused, even across offline PCs.

A number is ``{prefix}{year}{issuer}{seq}`` by default. ``issuer`` is this node's code,
derived from its signing key (33 million values), so two PCs that never talk still issue
disjoint series; ``seq`` only ever goes up per (issuer, year), and a restored backup
gets a new node identity (hence a new issuer code) before it can issue again.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Connection, text

from desktop.errors import ValidationError

DEFAULT_PATTERN = "{prefix}{year}{issuer}{seq:05}"
SETTING_KEY = "card_pattern"
_TOKEN = re.compile(r"\{(prefix|year|issuer|seq(?::0?(\d))?)\}")


def check_pattern(pattern: str) -> str:
    tokens = {m.group(1).split(":")[0] for m in _TOKEN.finditer(pattern)}
    leftovers = _TOKEN.sub("", pattern)
    if "{" in leftovers or "}" in leftovers:
        raise ValidationError(
            "卡号规则只能使用 {prefix} {year} {issuer} {seq} 这几个占位符", field="card_pattern"
        )
    if not {"issuer", "seq"} <= tokens:
        raise ValidationError(
            "卡号规则必须包含本机编码 {issuer} 和序号 {seq}，否则两台电脑可能发出相同卡号",
            field="card_pattern",
        )
    return pattern


def render(pattern: str, *, prefix: str, year: int, issuer: str, seq: int) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "prefix":
            return prefix
        if name == "year":
            return f"{year:04d}"
        if name == "issuer":
            return issuer
        width = int(match.group(2) or 5)
        return f"{seq:0{width}d}"

    return _TOKEN.sub(sub, pattern)


def current_pattern(conn: Connection) -> str:
    value = conn.execute(
        text("SELECT value FROM app_settings WHERE key = :k"), {"k": SETTING_KEY}
    ).scalar_one_or_none()
    return str(value) if value else DEFAULT_PATTERN


def set_pattern(conn: Connection, pattern: str) -> None:
    conn.execute(
        text(
            "INSERT INTO app_settings (key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ),
        {"k": SETTING_KEY, "v": check_pattern(pattern)},
    )


def issue(conn: Connection, prefix: str, count: int = 1, on: date | None = None) -> list[str]:
    """Reserve ``count`` new card numbers inside the caller's transaction."""
    year = (on or date.today()).year
    issuer = conn.execute(
        text(
            "SELECT n.issuer_code FROM sync_clock c JOIN sync_node n ON n.node_id = c.node_id "
            "WHERE c.id = 1"
        )
    ).scalar_one()
    pattern = current_pattern(conn)
    last = conn.execute(
        text("SELECT last_seq FROM card_sequences WHERE issuer_code = :i AND year = :y"),
        {"i": issuer, "y": year},
    ).scalar_one_or_none()
    seq = int(last or 0)
    numbers: list[str] = []
    while len(numbers) < count:
        # Candidates are checked against existing cards 500 at a time (one query each).
        batch = []
        for _ in range(min(count - len(numbers), 500)):
            seq += 1
            batch.append(render(pattern, prefix=prefix, year=year, issuer=str(issuer), seq=seq))
        marks = ", ".join(f":c{i}" for i in range(len(batch)))
        taken = {
            str(r[0])
            for r in conn.execute(
                text(f"SELECT card_no FROM members WHERE card_no IN ({marks})"),
                {f"c{i}": number for i, number in enumerate(batch)},
            )
        }
        numbers.extend(number for number in batch if number not in taken)
    conn.execute(
        text(
            "INSERT INTO card_sequences (issuer_code, year, last_seq) VALUES (:i, :y, :s) "
            "ON CONFLICT(issuer_code, year) DO UPDATE SET last_seq = excluded.last_seq"
        ),
        {"i": issuer, "y": year, "s": seq},
    )
    return numbers
