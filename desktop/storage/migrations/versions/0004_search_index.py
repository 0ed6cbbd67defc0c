"""search index: exact terms for names and pinyin, no positions, no prefix index

The member search table of 0001 answered pinyin by prefix queries (``wang*``, ``x*``),
which FTS5 evaluates by merging the doclists of every matching term — ~100 ms at a
million members. From here on a document holds every substring of the name and every
leading part of every pinyin token, so those queries read one term; positions
(``detail=full``), per-column sizes and the 2/3-character prefix index are no longer
needed.

Frozen (issue 19): this migration imports no application code. The upgrade only
recreates the table, empty: every upgrade runs on to head, 0007 drops this table again
before anything reads it (0005 and 0006 never touch it), and 0010 indexes every member
from its own frozen copy of the document code, so filling it here was work thrown away
(a full pinyin pass over the registry). ``members.sort_key`` is not touched by any
migration: it keeps what the application wrote. The downgrades still need documents (an
older version of the application reads the table as it was left: 0007's downgrade
writes this revision's documents, this one's writes 0001's), so the pinyin they read
names by is frozen below as ``desktop.storage.pinyin.name_pinyin`` read them on
2026-12-06 (the usual reading of 0010's tables; ``tests/unit/test_frozen_migrations.py``
holds the two copies equal).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import groupby
from typing import Any

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the table definitions before and after this revision.
TABLE_0004 = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "name, pinyin, idrev, phone, card, cardrev, "
    "tokenize = 'unicode61 remove_diacritics 0', detail = column, columnsize = 0)"
)
TABLE_0001 = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "name, pinyin, idrev, phone, card, cardrev, "
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
)

# Frozen copy of the pinyin the documents are made with (see the module docstring).
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "长孙": ("zhang", "sun"),
    "令狐": ("ling", "hu"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "司徒": ("si", "tu"),
    "夏侯": ("xia", "hou"),
    "宇文": ("yu", "wen"),
    "轩辕": ("xuan", "yuan"),
    "子车": ("zi", "ju"),
    "乐正": ("yue", "zheng"),
    "仉督": ("zhang", "du"),
    "夹谷": ("jia", "gu"),
    "拓跋": ("tuo", "ba"),
    "羊舌": ("yang", "she"),
    "第五": ("di", "wu"),
    "闾丘": ("lv", "qiu"),
    "钟离": ("zhong", "li"),
    "赫连": ("he", "lian"),
    "呼延": ("hu", "yan"),
}
# Each single-character surname's usual reading (the first of pinyin.SURNAME_READINGS).
SURNAMES: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "种": "chong",
    "员": "yun",
    "覃": "qin",
    "燕": "yan",
    "冼": "xian",
    "洗": "xian",
    "葛": "ge",
    "过": "guo",
    "任": "ren",
    "华": "hua",
    "薄": "bo",
    "沈": "shen",
    "曲": "qu",
    "纪": "ji",
    "牟": "mou",
    "隗": "wei",
    "宓": "mi",
    "句": "gou",
    "卜": "bu",
    "召": "shao",
    "粘": "nian",
    "适": "kuo",
    "贲": "ben",
    "能": "nai",
    "朝": "chao",
    "都": "du",
    "校": "jiao",
    "藏": "zang",
    "禚": "zhuo",
    "尉": "wei",
    "繁": "po",
    "那": "na",
    "黑": "he",
    "重": "chong",
    "折": "she",
    "眭": "sui",
    "柏": "bai",
    "万": "wan",
    "长": "chang",
    "蕃": "pi",
    "祭": "zhai",
    "逄": "pang",
    "阚": "kan",
    "訾": "zi",
    "谌": "chen",
    "郇": "huan",
    "迮": "ze",
    "厍": "she",
    "乜": "nie",
    "六": "lu",
    "吕": "lv",
    "相": "xiang",
    "宿": "su",
    "殷": "yin",
    "於": "yu",
    "钭": "tou",
    "莘": "shen",
    "佴": "nai",
    "应": "ying",
}
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"


@cache
def _pypinyin() -> Any:
    """pypinyin, loaded only when a downgrade needs it (an upgrade never does)."""
    import pypinyin
    from pypinyin.constants import PINYIN_DICT, RE_HANS

    return pypinyin, PINYIN_DICT, RE_HANS


@lru_cache(maxsize=8192)
def _plain(text: str) -> tuple[str, ...]:
    pypinyin = _pypinyin()[0]
    return tuple(
        s.lower()
        for s in pypinyin.lazy_pinyin(
            text, style=pypinyin.Style.NORMAL, errors="default", v_to_u=False
        )
    )


@cache
def _only_reading(char: str) -> str | None:
    readings = _pypinyin()[1].get(ord(char))
    if readings is None or "," in readings:
        return None
    plain = _plain(char)
    return plain[0] if len(plain) == 1 else None


def _given(text: str) -> tuple[str, ...]:
    """A given name's syllables, a stretch of Chinese characters (or of others) at a time."""
    parts: list[str] = []
    for hans, chars in groupby(text, key=lambda c: _pypinyin()[2].match(c) is not None):
        run = "".join(chars)
        if not hans:
            parts.append(run.lower())
            continue
        single = [_only_reading(c) for c in run]
        parts.extend(_plain(run) if None in single else single)  # type: ignore[arg-type]
    return tuple(parts)


@lru_cache(maxsize=65_536)
def name_syllables(name: str) -> tuple[str, ...]:
    """A personal name's syllables, surname first and read as a surname."""
    name = name.strip()
    if name[:2] in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[name[:2]] + _given(name[2:])
    if not name:
        return ()
    surname = SURNAMES.get(name[0]) or _plain(name[0])[0]
    return (surname, *_given(name[1:]))


def _document_0004(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> tuple[int, str, str, str, str, str, str]:
    """The 0004 document format (a frozen copy: the service's format moved on in 0007)."""
    cjk = "".join(re.findall(_CJK, name))
    names = [cjk[i:j] for i in range(len(cjk)) for j in range(i + 1, len(cjk) + 1)]
    syllables = name_syllables(name)
    initials = "".join(s[0] for s in syllables if s)
    words = (*syllables, "".join(syllables), initials)
    tokens = [re.sub(r"[^0-9a-z]", "", t.lower()) for t in words]
    parts = [t[:end] for t in (tokens if syllables else []) for end in range(1, len(t) + 1)]
    digits = phone or ""
    card = (card_no or "").lower()
    return (
        rowid,
        " ".join(dict.fromkeys(names)),
        " ".join(dict.fromkeys(parts)),
        (id_number or "").lower()[::-1],
        " ".join([digits[i:] for i in range(0, len(digits) - 2)]),
        card,
        card[::-1],
    )


def _fill(table_sql: str, document: Callable[..., tuple[Any, ...]]) -> None:
    """Recreate the table and index every live member with the given document format."""
    conn = op.get_bind()
    op.execute("DROP TABLE IF EXISTS member_search")
    op.execute(table_sql)
    rows = conn.exec_driver_sql(
        "SELECT rowid, name, id_number, phone, card_no FROM members WHERE deleted = 0"
    ).all()
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO member_search (rowid, name, pinyin, idrev, phone, card, cardrev) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [document(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows],
        )


def upgrade() -> None:
    # Empty: 0010 indexes every member (see the module docstring).
    if _on_postgres():
        return
    op.execute("DROP TABLE IF EXISTS member_search")
    op.execute(TABLE_0004)


def _on_postgres() -> bool:
    """The federation hub (PostgreSQL): SQLite-only SQL is skipped there (docs/HUB.md)."""
    return op.get_bind().dialect.name == "postgresql"


def fill() -> None:
    """The table of this revision with its documents: what 0007's downgrade leaves."""
    _fill(TABLE_0004, _document_0004)


def _document_0001(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> tuple[int, str, str, str, str, str, str]:
    """The 0001 document format (a frozen copy, for the downgrade)."""
    syllables = name_syllables(name)
    initials = "".join(s[0] for s in syllables if s)
    pinyin = " ".join((*syllables, "".join(syllables), initials)) if syllables else ""
    digits = phone or ""
    card = (card_no or "").lower()
    return (
        rowid,
        " ".join(name),
        pinyin,
        (id_number or "").lower()[::-1],
        " ".join(digits[i:] for i in range(0, len(digits) - 2)),
        card,
        card[::-1],
    )


def downgrade() -> None:
    _fill(TABLE_0001, _document_0001)
