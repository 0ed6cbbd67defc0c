"""Facts about 公民身份号码 from public tables: provinces, area codes in force, 15 → 18.

``check_id_number`` (``validation``) applies them; they live here so the rules and the
reasons for them sit in one small module.

Area codes come from python-stdnum's table (``stdnum/cn/loc.dat``, taken from the
Wikipedia lists of 中华人民共和国行政区划代码). Each county line holds one or more
``[start-end]name`` periods, either end open (``[1997-]通州区``, ``[-2010]崇文区``), or a
bare name for a code in force throughout. stdnum's own ``get_birth_place`` accepts a code
only if it was in force *in the birth year*; that refuses real numbers, because a number
is assigned when the person is first registered or issued a card (1984 onward for
people born before), and kept when the county is later renamed. So here a code is
questioned only when it is not listed at all, or when every period of it had ended
before the person was born (nobody can be registered in a county abolished before their
birth). A code in force today never draws a warning.
"""

from __future__ import annotations

from functools import lru_cache

from stdnum import numdb

#: The province-level codes (GB/T 2260) an ID number can start with: 83 is used by the
#: residence permits of Taiwan residents (2018 on), 81/82 by those of Hong Kong and Macao.
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
# Codes in use but missing from stdnum's table: 台湾居民居住证 (830000, since 2018).
_UNLISTED_IN_FORCE = frozenset({"830000"})

Period = tuple[int | None, int | None]


@lru_cache(maxsize=8192)
def area_periods(code: str) -> tuple[Period, ...] | None:
    """The periods a 6-digit area code was in force ((start, end) years, None = open);
    None when the code is not listed."""
    if code in _UNLISTED_IN_FORCE:
        return ((None, None),)
    county = None
    for _, props in numdb.get("cn/loc").info(code):
        county = props.get("county", county)
    if county is None:
        return None
    periods: list[Period] = []
    for entry in county.split(","):
        if not entry.startswith("["):
            periods.append((None, None))
            continue
        start, end = entry[1:].split("]", 1)[0].split("-")
        periods.append((int(start) if start else None, int(end) if end else None))
    return tuple(periods)


def area_warning(code: str, birth_year: int) -> str | None:
    """Why an area code is doubtful for someone born in ``birth_year``, or None.

    A warning, never a refusal: the table may lag behind a new county, and the clerk has
    the card in hand.
    """
    periods = area_periods(code)
    if periods is None:
        return f"行政区划代码 {code}（身份证号前 6 位）在行政区划代码表中查不到，请对照身份证核对"
    ends = [end for _, end in periods]
    if None in ends or max(e for e in ends if e is not None) >= birth_year:
        return None
    last = max(e for e in ends if e is not None)
    return (
        f"行政区划代码 {code}（身份证号前 6 位）已于 {last} 年停用，"
        f"早于出生年份 {birth_year} 年，不可能在出生后分配；"
        "可能是录入错误，请对照身份证核对"
    )


def check_digit(body: str) -> str:
    """The GB 11643 check digit of 17 digits."""
    checksum = (1 - 2 * int(body, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def upgrade_15(number: str) -> str | None:
    """The 18-digit form of a 15-digit number (GB 11643-1999), or None if not 15 digits.

    First-generation cards (issued until 1999) wrote the birth year with two digits and
    had no check digit: the 18-digit number inserts "19" before the year (every holder
    was born in the 1900s) and appends the check digit.
    """
    if len(number) != 15 or not number.isdigit():
        return None
    body = number[:6] + "19" + number[6:]
    return body + check_digit(body)


def upgrade_note(upgraded: str) -> str:
    """What the clerk is told about a converted number (the number itself is not repeated:
    warnings reach terminals and reports)."""
    return (
        "已将 15 位身份证号转换为 18 位：在出生年份前补「19」，"
        f"末位补校验码「{upgraded[-1]}」，请核对"
    )
