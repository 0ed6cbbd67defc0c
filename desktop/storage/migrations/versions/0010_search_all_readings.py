"""search index: every reading of a name (polyphonic given names, surname table)

The 0009 document held one reading of each name: a given name's 曾 only as ceng, 乐 only as
le, and a few surnames read wrong (乜 mie, 六 liu, 子车 ziche). The new document adds the
other reading of a given name's characters read two ways in real names (one change at a
time, at most two readings a character and four a name, the ü also spelt u: 吕 lv and
lu) and reads surnames as a public surname table does. On the demo generator's names,
17.6 → 17.9 name terms a member (29.6 → 29.9 in all). The table itself is unchanged; its documents
are made again from ``members`` in the upgrade's transaction.

Frozen: this migration never imports application code. The document code of this
revision (``search_index.document`` with ``pinyin.name_readings`` and its tables) is
copied below as it was; ``tests/unit/test_search_migration.py`` holds the copy equal to
the live code, and fails when the live format changes without a new migration.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from itertools import groupby
from typing import Any

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLE_0010 = (
    "CREATE VIRTUAL TABLE member_search USING fts5("
    "terms, tokenize = \"ascii tokenchars '_'\", detail = none, columnsize = 0)"
)
SETTINGS_0010 = ("INSERT INTO member_search (member_search, rank) VALUES ('automerge', 16)",)
CHUNK = 50_000
EXACT_BEGINNINGS = 6
MAX_CHAR_READINGS = 2
MAX_READINGS = 4

COMPOUND_0010: dict[str, tuple[str, ...]] = {
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
SURNAMES_0010: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge", "gai"),
    "乐": ("yue", "le"),
    "缪": ("miao",),
    "翟": ("zhai",),
    "秘": ("bi",),
    "种": ("chong",),
    "员": ("yun",),
    "覃": ("qin",),
    "燕": ("yan",),
    "冼": ("xian",),
    "洗": ("xian",),
    "葛": ("ge",),
    "过": ("guo",),
    "任": ("ren",),
    "华": ("hua",),
    "薄": ("bo",),
    "沈": ("shen",),
    "曲": ("qu",),
    "纪": ("ji",),
    "牟": ("mou",),
    "隗": ("wei", "kui"),
    "宓": ("mi",),
    "句": ("gou",),
    "卜": ("bu",),
    "召": ("shao",),
    "粘": ("nian",),
    "适": ("kuo",),
    "贲": ("ben",),
    "能": ("nai",),
    "朝": ("chao",),
    "都": ("du",),
    "校": ("jiao",),
    "藏": ("zang",),
    "禚": ("zhuo",),
    "尉": ("wei", "yu"),
    "繁": ("po",),
    "那": ("na",),
    "黑": ("he",),
    "重": ("chong",),
    "折": ("she",),
    "眭": ("sui",),
    "柏": ("bai",),
    "万": ("wan",),
    "长": ("chang",),
    "蕃": ("pi",),
    "祭": ("zhai",),
    "逄": ("pang",),
    "阚": ("kan",),
    "訾": ("zi",),
    "谌": ("chen",),
    "郇": ("huan",),
    "迮": ("ze",),
    "厍": ("she",),
    "乜": ("nie",),
    "六": ("lu",),
    "吕": ("lv",),
    "相": ("xiang",),
    "宿": ("su",),
    "殷": ("yin",),
    "於": ("yu",),
    "钭": ("tou",),
    "莘": ("shen",),
    "佴": ("nai",),
    "应": ("ying",),
}
# Given-name characters read two ways in real names, both readings in use (checked in
# tests against pypinyin's heteronyms). Not every heteronym pypinyin knows: its lists hold
# archaic readings (明 meng, 月 ru, 红 gong, 英 yang) that would make "meng" list every 明
# and, on the demo generator's names, give 1.42 readings a name instead of 1.08 (the bulk
# insert's ratio to its baseline went from 3.5 to 4.1-4.7; with this list it is as before).
GIVEN_0010: dict[str, tuple[str, ...]] = {
    "曾": ("ceng", "zeng"),
    "乐": ("le", "yue"),
    "长": ("chang", "zhang"),
    "行": ("xing", "hang"),
    "重": ("zhong", "chong"),
    "朝": ("zhao", "chao"),
    "传": ("chuan", "zhuan"),
    "觉": ("jue", "jiao"),
    "单": ("dan", "shan"),
    "解": ("jie", "xie"),
    "茜": ("qian", "xi"),
    "筠": ("yun", "jun"),
    "晟": ("sheng", "cheng"),
    "隽": ("jun", "juan"),
    "珩": ("heng", "hang"),
    "玟": ("wen", "min"),
    "蔚": ("wei", "yu"),
    "尉": ("wei", "yu"),
    "柏": ("bai", "bo"),
    "泊": ("bo", "po"),
    "省": ("sheng", "xing"),
    "还": ("huan", "hai"),
    "藏": ("zang", "cang"),
    "降": ("jiang", "xiang"),
    "参": ("shen", "can"),
    "调": ("tiao", "diao"),
    "都": ("du", "dou"),
    "仇": ("qiu", "chou"),
    "区": ("ou", "qu"),
    "朴": ("piao", "pu"),
    "查": ("zha", "cha"),
    "翟": ("zhai", "di"),
    "秘": ("bi", "mi"),
    "蔓": ("man", "wan"),
    "石": ("shi", "dan"),
    "将": ("jiang", "qiang"),
    "宿": ("su", "xiu"),
    "薄": ("bo", "bao"),
    "率": ("shuai", "lv"),
    "卜": ("bu", "bo"),
    "乘": ("cheng", "sheng"),
    "亲": ("qin", "qing"),
    "奇": ("qi", "ji"),
    "和": ("he", "huo"),
    "盛": ("sheng", "cheng"),
    "娜": ("na", "nuo"),
    "伯": ("bo", "bai"),
    "露": ("lu", "lou"),
    "莎": ("sha", "suo"),
}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ALL_CJK = re.compile(_CJK.pattern + "+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")


@cache
def _pypinyin() -> Any:
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


@cache
def _is_hans(char: str) -> bool:
    return _pypinyin()[2].match(char) is not None


@cache
def _spellings(syllable: str) -> tuple[str, ...]:
    return (syllable, syllable.replace("v", "u")) if "v" in syllable else (syllable,)


@cache
def _char_options(char: str, reading: str) -> tuple[str, ...]:
    others = [r for r in GIVEN_0010.get(char, ()) if r != reading]
    chosen = [reading, *others[: MAX_CHAR_READINGS - 1]]
    return tuple(dict.fromkeys(s for r in chosen for s in _spellings(r)))


@lru_cache(maxsize=65_536)
def _given(text: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(the contextual reading's parts, each part's readings) of a given name."""
    primary: list[str] = []
    options: list[tuple[str, ...]] = []
    for hans, chars in groupby(text, key=_is_hans):
        run = "".join(chars)
        if not hans:
            primary.append(run.lower())
            options.append((run.lower(),))
            continue
        single = [_only_reading(c) for c in run]
        context = _plain(run) if None in single else tuple(single)
        primary.extend(context)  # type: ignore[arg-type]
        if len(context) != len(run):
            options.extend((r,) for r in context if r is not None)
            continue
        for char, reading, only in zip(run, context, single, strict=True):
            assert reading is not None
            some = _spellings(reading) if only is not None else _char_options(char, reading)
            options.append(some)
    return tuple(primary), tuple(options)


@cache
def _surname_options(surname: str) -> tuple[tuple[str, ...], ...]:
    if surname in COMPOUND_0010:
        return tuple(map(_spellings, COMPOUND_0010[surname]))
    readings = SURNAMES_0010.get(surname) or _plain(surname)
    return (tuple(dict.fromkeys(s for r in readings for s in _spellings(r))),)


def readings(name: str) -> list[tuple[tuple[str, ...], int]]:
    """(syllables, surname syllables) of each reading of a name, the usual one first."""
    name = name.strip()
    if not name:
        return [((), 0)]
    if name[:2] in COMPOUND_0010:
        head, rest = _surname_options(name[:2]), name[2:]
    else:
        head, rest = _surname_options(name[0]), name[1:]
    given_primary, given = _given(rest)
    base = tuple(o[0] for o in head) + given_primary
    out = [(base, len(head))]
    options = head + given
    if len(base) != len(options):
        return out
    for i, choices in enumerate(options):
        for alt in choices[1:]:
            if len(out) == MAX_READINGS:
                return out
            out.append(((*base[:i], alt, *base[i + 1 :]), len(head)))
    return out


def _clean(token: str) -> str:
    token = token.lower()
    return token if token.isascii() and token.isalnum() else _NOT_ALNUM.sub("", token)


@lru_cache(maxsize=262_144)
def name_terms(name: str) -> str:
    hans = name if _ALL_CJK.fullmatch(name) else "".join(_CJK.findall(name))
    n = len(hans)
    terms = [hans[i:j] for i in range(n) for j in range(i + 1, n + 1)]
    for syllables, surname_syllables in readings(name):
        full = "".join(syllables)
        if not (full.isascii() and full.isalnum() and full.islower() and all(syllables)):
            syllables = tuple([s for s in map(_clean, syllables) if s])
            full = "".join(syllables)
        if not syllables:
            continue
        initials = "".join(s[0] for s in syllables)
        given = syllables[surname_syllables:]
        terms += [full[:end] for end in range(1, min(len(full), EXACT_BEGINNINGS) + 1)]
        if len(full) > EXACT_BEGINNINGS:
            terms.append("f_" + full)
        terms += [initials[:end] for end in range(2, len(initials) + 1)]
        terms += given
        terms.append("".join(given))
    return " ".join(dict.fromkeys(terms))


def _plain_id(value: str | None) -> str:
    if not value:
        return ""
    value = value.lower()
    return value if value.isascii() and value.isalnum() else _NOT_ALNUM.sub("", value)


def document(name: str, id_number: str | None, phone: str | None, card_no: str | None) -> str:
    """A member's search document as this revision writes it."""
    terms = [name_terms(name)]
    digits = _plain_id(phone)
    if len(digits) >= 3:
        terms.append("p_" + " p_".join(digits[i : i + 3] for i in range(len(digits) - 2)))
    id_clean = _plain_id(id_number)
    if id_clean:
        terms.append("i_" + id_clean[::-1])
    card = _plain_id(card_no)
    if card:
        terms.append(f"k_{card} r_{card[::-1]}")
    return " ".join(terms)


def upgrade() -> None:
    # Dropped and made again rather than emptied: a DELETE reads every document back.
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        return  # the hub's index is storage/pg_search (documents written by the member writer)
    conn.exec_driver_sql("DROP TABLE IF EXISTS member_search")
    conn.exec_driver_sql(TABLE_0010)
    for statement in SETTINGS_0010:
        conn.exec_driver_sql(statement)
    last = 0
    while True:
        rows = conn.exec_driver_sql(
            "SELECT rowid, name, id_number, phone, card_no FROM members "
            "WHERE deleted = 0 AND rowid > ? ORDER BY rowid LIMIT ?",
            (last, CHUNK),
        ).all()
        if not rows:
            return
        conn.exec_driver_sql(
            "INSERT INTO member_search (rowid, terms) VALUES (?, ?)",
            [(int(r[0]), document(r[1], r[2], r[3], r[4])) for r in rows],
        )
        last = int(rows[-1][0])


def downgrade() -> None:
    # The documents are kept: 0009's search reads them as they are (same tags, same
    # table). They hold more readings than 0009 wrote, and no longer 乜's "mie" or 六's
    # "liu": remaking 0009's exact documents would need a frozen copy of its pinyin too.
    pass
