"""Pinyin for names, with the surname readings general-purpose dictionaries get wrong.

pypinyin reads 单 as dan, 曾 as ceng, 解 as jie; as surnames they are shan, zeng, xie.
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

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT, RE_HANS

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
}
SURNAME_READINGS: dict[str, str] = {
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
    "尉": "yu",
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
}


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
    """(surname, its reading as a surname, given name) of a personal name."""
    name = name.strip()
    if not name:
        return "", (), ""
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2], COMPOUND_SURNAMES[name[:2]], name[2:]
    if name[0] in SURNAME_READINGS:
        return name[0], (SURNAME_READINGS[name[0]],), name[1:]
    return name[0], _plain(name[0]), name[1:]


@lru_cache(maxsize=200_000)
def name_pinyin(name: str) -> NamePinyin:
    """Syllables of a personal name, surname first, read as a surname."""
    _, head, rest = split_name(name)
    return NamePinyin(head + given_pinyin(rest), len(head))


def text_pinyin(text: str) -> NamePinyin:
    """Pinyin of ordinary text (union names): no surname rule."""
    return NamePinyin(_plain(text.strip()) if text.strip() else ())


def sort_key(name: str) -> str:
    """Pinyin order for lists (张三 between 詹 and 赵), stable for equal readings."""
    return " ".join(name_pinyin(name).syllables) + "\x00" + name
