"""会员证号: issued on registration, unique and never reused, even across offline PCs.

A number is ``{prefix}{year}{issuer}{seq}`` by default. ``issuer`` is this node's code,
derived from its signing key (33 million values), so two PCs that never talk still issue
disjoint series; ``seq`` only ever goes up per (issuer, year), and a restored backup
gets a new node identity (hence a new issuer code) before it can issue again.

Concurrent issue (several clerks on one hub, issue #25): numbers are reserved with one
statement on the counter row, ``INSERT … ON CONFLICT DO UPDATE SET last_seq = last_seq
+ :n RETURNING last_seq``, inside the transaction that writes the member. It reads and
moves the counter in one step, so two transactions never get the same range: on SQLite
the write transaction already holds the file's write lock (``BEGIN IMMEDIATE``); on
PostgreSQL the upsert takes the counter row's lock until commit, so a second issuer
waits a moment and then reads the moved counter. (A read of ``last_seq`` followed by a
write of it, as before, would hand both PostgreSQL transactions the same numbers.) A
rolled-back registration leaves its numbers unused: a gap, never a duplicate.
``tests/unit/test_concurrent_numbers.py`` issues from parallel processes.
"""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import Connection, text

from desktop import clock
from desktop.errors import ValidationError
from desktop.storage import engines

DEFAULT_PATTERN = "{prefix}{year}{issuer}{seq:05}"
SETTING_KEY = "card_pattern"
_TOKEN = re.compile(r"\{(prefix|year|issuer|seq(?::0?(\d))?)\}")


#: Longest ``{prefix}`` a federation may set (the ``federations.card_prefix`` column).
PREFIX_MAX = 12


def check_prefix(raw: str) -> str:
    """The card prefix as stored: folded, upper case, letters and digits only (or empty).

    Why here: the prefix is the ``{prefix}`` of every number issued; the first-run dialog
    and the settings page refuse the same values."""
    from desktop.textnorm import normalise_text

    prefix = normalise_text(raw).upper()
    if len(prefix) > PREFIX_MAX or not prefix.isalnum() and prefix:
        raise ValidationError(
            f"卡号前缀只能是 {PREFIX_MAX} 位以内的字母或数字", field="card_prefix"
        )
    return prefix


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


def _formatter(pattern: str, *, prefix: str, year: int, issuer: str) -> str:
    """``pattern`` as a ``str.format`` template of the sequence number alone.

    Why: ``render`` runs the token regex for every number, which cost more than the rest
    of issuing 100k numbers for a roster import; the fixed parts are the same for all of
    them, so they are put in once and only the sequence is formatted per number (a
    property test holds the two equal).
    """
    parts: list[str] = []
    end = 0

    def literal(value: str) -> str:
        return value.replace("{", "{{").replace("}", "}}")

    for match in _TOKEN.finditer(pattern):
        parts.append(literal(pattern[end : match.start()]))
        name = match.group(1)
        if name == "prefix":
            parts.append(literal(prefix))
        elif name == "year":
            parts.append(literal(f"{year:04d}"))
        elif name == "issuer":
            parts.append(literal(issuer))
        else:
            parts.append(f"{{0:0{int(match.group(2) or 5)}d}}")
        end = match.end()
    parts.append(literal(pattern[end:]))
    return "".join(parts)


def issue(conn: Connection, prefix: str, count: int = 1, on: date | None = None) -> list[str]:
    """Reserve ``count`` new card numbers inside the caller's transaction.

    The candidates are checked against the cards already held in one query (a JSON
    array joined with ``json_each``); only if some are taken (cards typed in by hand that
    happen to match the series) is another, smaller round needed.
    """
    year = (on or clock.current().today()).year
    issuer = conn.execute(
        text(
            "SELECT n.issuer_code FROM sync_clock c JOIN sync_node n ON n.node_id = c.node_id "
            "WHERE c.id = 1"
        )
    ).scalar_one()
    template = _formatter(current_pattern(conn), prefix=prefix, year=year, issuer=str(issuer))
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        seq = _reserve(conn, str(issuer), year, wanted)
        batch = [template.format(n) for n in range(seq - wanted + 1, seq + 1)]
        taken = {
            str(r[0])
            for r in conn.execute(
                text(
                    "SELECT card_no FROM members "
                    f"WHERE card_no IN ({engines.json_values(conn, 'cards')})"
                ),
                {"cards": json.dumps(batch)},
            )
        }
        numbers.extend(number for number in batch if number not in taken)
    return numbers


def _reserve(conn: Connection, issuer: str, year: int, count: int) -> int:
    """Move the (issuer, year) counter on by ``count`` in one statement; the new last
    sequence (``last - count + 1`` … ``last`` are the caller's). Plain SQL for SQLite
    (3.35+) and PostgreSQL alike; see the module docstring for why one statement."""
    return int(
        conn.execute(
            text(
                "INSERT INTO card_sequences (issuer_code, year, last_seq) VALUES (:i, :y, :n) "
                "ON CONFLICT (issuer_code, year) "
                "DO UPDATE SET last_seq = card_sequences.last_seq + excluded.last_seq "
                "RETURNING last_seq"
            ),
            {"i": issuer, "y": year, "n": count},
        ).scalar_one()
    )


def federation_prefix(conn: Connection, federation_id: str) -> str:
    """The federation's card prefix (``{prefix}`` of the pattern)."""
    return str(
        conn.execute(
            text("SELECT card_prefix FROM federations WHERE id = :f"), {"f": federation_id}
        ).scalar_one()
    )


def issue_for_federation(
    conn: Connection, federation_id: str, count: int = 1, on: date | None = None
) -> list[str]:
    """``issue`` with the federation's own prefix (registration, roster import)."""
    return issue(conn, federation_prefix(conn, federation_id), count, on)
