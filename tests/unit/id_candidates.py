"""How many full ID numbers fit what a masked output shows: the attacker's count.

Independent of the code under test: stdnum's own area table, plain ``date`` arithmetic
and the GB 11643 weights. The hidden positions are enumerated segment by segment (area
code, birth date, sequence) and combined through their check-digit remainders, which is
the same count as trying every filling of the ``*`` positions, without 10¹¹ tries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from itertools import product

from stdnum import numdb

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


@cache
def _listed(code: str) -> bool:
    """A 6-digit area code stdnum's table lists (in any year): the attacker's filter."""
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


@cache
def _days(today: date) -> list[tuple[date, str]]:
    """Every possible birth date (1900 to today) with its 8 ID digits."""
    first = date(1900, 1, 1)
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    return [(d, d.strftime("%Y%m%d")) for d in days]


def _fill(pattern: str) -> list[str]:
    """Every digit string matching ``pattern`` (``*`` = any digit)."""
    choices = ["0123456789" if c == "*" else c for c in pattern]
    return ["".join(p) for p in product(*choices)]


def _residues(values: list[str], offset: int) -> Counter[int]:
    return Counter(sum(int(d) * WEIGHTS[offset + i] for i, d in enumerate(v)) % 11 for v in values)


def candidates(
    masked: str,
    *,
    born: Callable[[date], bool] = lambda _: True,
    gender: str | None = None,
    area: str | None = None,
    today: date = date(2026, 11, 21),
) -> int:
    """Full numbers consistent with ``masked`` (18 characters, ``*`` hidden) and the rest
    shown beside it: ``born`` (a birth date/year/age test), ``gender`` ("M"/"F"), ``area``
    (a known 6-digit area code)."""
    assert len(masked) == 18, masked
    areas = [area] if area else [a for a in _fill(masked[:6]) if _listed(a)]
    areas = [a for a in areas if all(m in ("*", c) for m, c in zip(masked[:6], a, strict=True))]
    shown = [(i, c) for i, c in enumerate(masked[6:14]) if c != "*"]
    dates = [
        text for day, text in _days(today) if all(text[i] == c for i, c in shown) and born(day)
    ]
    seqs = [
        s for s in _fill(masked[14:17]) if gender is None or (int(s[2]) % 2 == 1) == (gender == "M")
    ]
    ra, rd, rs = _residues(areas, 0), _residues(dates, 6), _residues(seqs, 14)
    total = 0
    for (a, na), (d, nd), (s, ns) in product(ra.items(), rd.items(), rs.items()):
        check = (12 - (a + d + s) % 11) % 11
        digit = "X" if check == 10 else str(check)
        if masked[17] in ("*", digit):
            total += na * nd * ns
    return total


def born_in(year: int) -> Callable[[date], bool]:
    return lambda d: d.year == year


def born_on(day: date) -> Callable[[date], bool]:
    return lambda d: d == day


def aged(age: int, today: date) -> Callable[[date], bool]:
    def test(d: date) -> bool:
        return today.year - d.year - ((today.month, today.day) < (d.month, d.day)) == age

    return test
