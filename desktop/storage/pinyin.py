"""Pinyin for names, with the surname readings general-purpose dictionaries get wrong.

pypinyin reads 单 as dan, 曾 as ceng, 解 as jie; as surnames they are shan, zeng, xie.
The surname readings below were checked against a public surname table (pinyin-pro's
百家姓 list, which follows 《现代汉语词典》): 乜 nie, 六 lu, 子车 ziju, 万俟 moqi,
尉迟 yuchi. A few surnames are read two ways in use and are found by either (尉 wei/yu,
吕 lv/lu: the ü written either way, 盖 ge/gai, 乐 yue/le).

A given name's character with two readings in use (曾 ceng/zeng, 乐 le/yue, 长
chang/zhang, 行 xing/hang, 重 zhong/chong: ``GIVEN_NAME_READINGS``) cannot be read right
from the name alone, so a name has several readings for search (``name_readings``): the
one pypinyin gives in context first (used for sorting), then, one character at a time,
the other reading of each such character — at most ``MAX_CHAR_READINGS`` per character
and ``MAX_READINGS`` per name, so the search index grows by a bounded number of terms
(17.6 → 17.9 name terms a member on the demo generator's names).
Readings are cached per surname and per given name, because a registry of a million
people draws on a few thousand distinct given names and pypinyin is slow per call (its
phrase segmentation costs ~0.1 ms). A given name whose characters each have one reading
only cannot be read differently as a phrase, so it is put together from cached
per-character readings; pypinyin reads the whole name only when a character has several.
"""

from __future__ import annotations

from functools import cache, lru_cache
from itertools import groupby
from typing import NamedTuple

from desktop.storage import pinyin_data

# before pypinyin's own import: its dictionaries read in slices, so a task that reads the
# first name does not freeze the window (``pinyin_data``)
pinyin_data.install()

from pypinyin import Style, lazy_pinyin  # noqa: E402
from pypinyin.constants import PINYIN_DICT, RE_HANS  # noqa: E402

# Compound surnames first: they are matched before single-character ones.
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
# Each surname's readings, the usual one first (it orders lists); the others are found
# by search too. The ü is written v (lv); its spelling with u is added everywhere.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
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
GIVEN_NAME_READINGS: dict[str, tuple[str, ...]] = {
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
#: Readings kept for one character of a given name (its reading in context first), and
#: for a whole name. Part of the search document format: a change needs a migration.
MAX_CHAR_READINGS = 2
MAX_READINGS = 4


class NamePinyin(NamedTuple):
    """A named tuple, not a frozen dataclass: one is made per distinct name written, and
    a dataclass costs ~1 µs more each (0.08 s of a 100k-member import)."""

    syllables: tuple[str, ...]
    # How many leading syllables read the surname (0 for text that is not a name).
    surname_syllables: int = 0

    @property
    def full(self) -> str:
        return "".join(self.syllables)

    @property
    def initials(self) -> str:
        return "".join(s[0] for s in self.syllables if s)


@lru_cache(maxsize=8192)
def _plain(text: str) -> tuple[str, ...]:
    return tuple(
        s.lower() for s in lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False)
    )


@cache
def _only_reading(char: str) -> str | None:
    """The reading of a character with exactly one (None: several, or not in the dictionary)."""
    readings = PINYIN_DICT.get(ord(char))
    if readings is None or "," in readings:
        return None
    plain = _plain(char)
    return plain[0] if len(plain) == 1 else None


@cache
def _is_hans(char: str) -> bool:
    return RE_HANS.match(char) is not None


@lru_cache(maxsize=65_536)
def given_pinyin(text: str) -> tuple[str, ...]:
    """Pinyin of a given name (or any text), a stretch of Chinese characters at a time.

    pypinyin reads each stretch of Chinese characters on its own (its phrases never
    cross a digit or a letter), and keeps each stretch of other characters (digits,
    Latin letters, the · of 买买提·艾力) as one part, as written. A Chinese stretch whose
    characters each have one reading is put together from cached per-character readings;
    only a stretch with an ambiguous character is read by pypinyin (cached by stretch).
    """
    parts: list[str] = []
    for hans, chars in groupby(text, key=_is_hans):
        run = "".join(chars)
        if not hans:
            parts.append(run.lower())
            continue
        readings = [_only_reading(c) for c in run]
        if None in readings:
            parts.extend(_plain(run))
        else:
            parts.extend(readings)  # type: ignore[arg-type]
    return tuple(parts)


def split_name(name: str) -> tuple[str, tuple[str, ...], str]:
    """(surname, its usual reading as a surname, given name) of a personal name."""
    surname, given = _head(name)
    return surname, _surname(surname)[0], given


def _head(name: str) -> tuple[str, str]:
    """(surname, given name): a compound surname when the name starts with one."""
    name = name.strip()
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@cache
def _surname(
    surname: str,
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], bool]:
    """(usual reading, each syllable's readings, whether there is more than one)."""
    if not surname:
        return (), (), False
    if surname in COMPOUND_SURNAMES:
        options = tuple(map(_spellings, COMPOUND_SURNAMES[surname]))
    else:
        readings = SURNAME_READINGS.get(surname) or _plain(surname)
        options = (tuple(dict.fromkeys(s for r in readings for s in _spellings(r))),)
    return tuple(o[0] for o in options), options, any(len(o) > 1 for o in options)


@cache
def _spellings(syllable: str) -> tuple[str, ...]:
    """A syllable and, for the ü (lv, nve), its spelling with u that people also type."""
    return (syllable, syllable.replace("v", "u")) if "v" in syllable else (syllable,)


@cache
def _char_options(char: str, reading: str) -> tuple[str, ...]:
    """``reading`` (the one in context) and, for a character of ``GIVEN_NAME_READINGS``,
    its other reading (``MAX_CHAR_READINGS`` in all), each with its u spelling of the ü."""
    others = [r for r in GIVEN_NAME_READINGS.get(char, ()) if r != reading]
    chosen = [reading, *others[: MAX_CHAR_READINGS - 1]]
    return tuple(dict.fromkeys(s for r in chosen for s in _spellings(r)))


@lru_cache(maxsize=65_536)
def given_options(text: str) -> tuple[tuple[str, ...], ...]:
    """For each part of ``given_pinyin(text)``: its readings, the contextual one first.

    Only a character pypinyin knows several readings for (or an ü) gets more than one.
    """
    parts: list[tuple[str, ...]] = []
    for hans, chars in groupby(text, key=_is_hans):
        run = "".join(chars)
        if not hans:
            parts.append((run.lower(),))
            continue
        single = [_only_reading(c) for c in run]
        context = _plain(run) if None in single else tuple(single)
        if len(context) != len(run):  # pypinyin kept unknown characters together
            parts.extend((r,) for r in context if r is not None)
            continue
        for char, reading, only in zip(run, context, single, strict=True):
            assert reading is not None
            parts.append(_spellings(reading) if only is not None else _char_options(char, reading))
    return tuple(parts)


@lru_cache(maxsize=65_536)
def _given_alternatives(text: str) -> tuple[tuple[str, ...], ...] | None:
    """``given_options(text)``, or None when every part has one reading (most names).

    Only a character of ``GIVEN_NAME_READINGS`` or an ü gives a part a second reading, so
    a name with neither skips ``given_options`` (a tenth of a sync apply's Python when
    every given name is new to the caches).
    """
    if not any(char in GIVEN_NAME_READINGS for char in text) and not any(
        "v" in syllable for syllable in given_pinyin(text)
    ):
        return None
    options = given_options(text)
    return options if any(len(o) > 1 for o in options) else None


@lru_cache(maxsize=200_000)
def name_pinyin(name: str) -> NamePinyin:
    """Syllables of a personal name, surname first, read as a surname."""
    surname, rest = _head(name)
    head = _surname(surname)[0]
    return NamePinyin(head + given_pinyin(rest), len(head))


@lru_cache(maxsize=200_000)
def name_readings(name: str) -> tuple[NamePinyin, ...]:
    """The readings a clerk may search a name by: ``name_pinyin`` first, then each other
    reading of one syllable at a time (surname or given name), at most ``MAX_READINGS``.

    One change at a time rather than every combination: a name with three ambiguous
    characters would otherwise have 8 readings or more, each ~6 terms in the index.
    """
    primary = name_pinyin(name)
    surname, rest = _head(name)
    _, head, several = _surname(surname)
    given = _given_alternatives(rest)
    if given is None and not several:
        return (primary,)
    options = head + (given if given is not None else given_options(rest))
    base = primary.syllables
    if len(base) != len(options):  # cannot happen for names; keep the one reading
        return (primary,)
    readings = [primary]
    for i, choices in enumerate(options):
        for alt in choices[1:]:
            if len(readings) == MAX_READINGS:
                return tuple(readings)
            readings.append(NamePinyin((*base[:i], alt, *base[i + 1 :]), len(head)))
    return tuple(readings)


def text_pinyin(text: str) -> NamePinyin:
    """Pinyin of ordinary text (union names): no surname rule."""
    return NamePinyin(_plain(text.strip()) if text.strip() else ())


def sort_key(name: str) -> str:
    """Pinyin order for lists (张三 between 詹 and 赵), stable for equal readings."""
    return " ".join(name_pinyin(name).syllables) + "\x00" + name
