"""The search documents' terms and a query's lookups, for every engine.

What a member is found by (the terms of a document) and what a typed query asks of the
terms (exact terms, term prefixes, a phone fragment to check) are the same whether the
terms sit in SQLite's FTS5 table (``search_index``) or in the hub's PostgreSQL table
(``pg_search``); only how each engine stores and reads them differs. The document format
is described in ``search_index``'s docstring; it is part of the schema there (migrations
0007-0010), so a change here needs a migration that rebuilds the index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING

from desktop.textnorm import normalise_text

if TYPE_CHECKING:
    from desktop.storage.pinyin import NamePinyin

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_ALL_CJK = re.compile(_CJK.pattern + "+")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")

Document = tuple[int, str]

# Beginnings of the full reading up to this many letters are exact terms; a longer query
# is a prefix query on the ``f_`` reading (see the module docstring). Part of the document
# format: changing it needs a migration that rebuilds the index.
EXACT_BEGINNINGS = 6


def _clean(token: str) -> str:
    token = token.lower()
    return token if token.isascii() and token.isalnum() else _NOT_ALNUM.sub("", token)


@cache
def _pinyin_reader() -> Callable[[str], tuple[NamePinyin, ...]]:
    # Imported on first use, not at module level: pypinyin's phrase dictionary costs
    # ~0.2-0.5 s, and searching (the start-up path) never needs it; only writing a
    # document does. Not an import inside ``name_terms``: that costs ~2 µs a name.
    from desktop.storage.pinyin import name_readings

    return name_readings


# Mapping ``text.__getitem__`` over precomputed slices makes a name's or a phone's terms
# without a Python loop per term; the slices depend only on the length.
_BEGINNINGS = tuple(slice(0, end) for end in range(1, EXACT_BEGINNINGS + 1))
_first_letter = itemgetter(0)


@cache
def _substrings(n: int) -> tuple[slice, ...]:
    """Every substring of a string of length ``n``, shortest-first from each start."""
    return tuple(slice(i, j) for i in range(n) for j in range(i + 1, n + 1))


@cache
def _longer_beginnings(n: int) -> tuple[slice, ...]:
    """The beginnings of 2 … ``n`` characters."""
    return tuple(slice(0, end) for end in range(2, n + 1))


@cache
def _pieces(n: int) -> tuple[slice, ...]:
    """The three-character windows of a string of length ``n``."""
    return tuple(slice(i, i + 3) for i in range(n - 2))


@lru_cache(maxsize=262_144)
def name_terms(name: str) -> str:
    """The name's part of a document; cached because names repeat a lot.

    Every substring of the Chinese characters (duplicates, as in 丽丽, go with the final
    de-duplication), then the pinyin terms of each of the name's readings
    (``pinyin.name_readings``: one for most names, at most four). Syllables that are
    plain lower-case letters and digits, as nearly all are, skip the per-syllable
    cleaning.
    """
    hans = name if _ALL_CJK.fullmatch(name) else "".join(_CJK.findall(name))
    terms = list(map(hans.__getitem__, _substrings(len(hans))))
    for py in _pinyin_reader()(name):
        _reading_terms(py, terms)
    return " ".join(dict.fromkeys(terms))


def _reading_terms(py: NamePinyin, terms: list[str]) -> None:
    """Add one reading's terms: beginnings, the whole reading, initials, given words."""
    syllables = py.syllables
    full = "".join(syllables)
    if not (full.isascii() and full.isalnum() and full.islower() and all(syllables)):
        syllables = tuple([s for s in map(_clean, syllables) if s])
        full = "".join(syllables)
    if syllables:
        initials = "".join(map(_first_letter, syllables))
        given = syllables[py.surname_syllables :]
        terms += map(full.__getitem__, _BEGINNINGS[: len(full)])
        if len(full) > EXACT_BEGINNINGS:
            terms.append("f_" + full)
        terms += map(initials.__getitem__, _longer_beginnings(len(initials)))
        terms += given
        terms.append("".join(given))


def plain(value: str | None) -> str:
    """Lower-case letters and digits only (the common case costs no regex)."""
    if not value:
        return ""
    value = value.lower()
    return value if value.isascii() and value.isalnum() else _NOT_ALNUM.sub("", value)


def document(
    rowid: int, name: str, id_number: str | None, phone: str | None, card_no: str | None
) -> Document:
    terms = [name_terms(name)]
    digits = plain(phone)
    if len(digits) >= 3:
        terms.append("p_" + " p_".join(phone_pieces(digits)))
    id_clean = plain(id_number)
    if id_clean:
        terms.append("i_" + id_clean[::-1])
    card = plain(card_no)
    if card:
        terms.append(f"k_{card} r_{card[::-1]}")
    return rowid, " ".join(terms)


def phone_pieces(digits: str) -> list[str]:
    """The three-digit pieces of a phone number or fragment, in order."""
    return list(map(digits.__getitem__, _pieces(len(digits))))


@dataclass(frozen=True)
class Lookup:
    """One term a query looks up: exactly, or every term it begins (``prefix``)."""

    term: str
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """What a query asks of the index: members holding any of ``lookups``, and, for a
    fragment of 4+ digits (``phone``), members whose phone holds all of its three-digit
    pieces (``phone_pieces``) and, checked against the phone itself, the fragment."""

    lookups: tuple[Lookup, ...]
    phone: str | None = None


def parse(query: str) -> Query | None:
    """What a clerk typed, as lookups; None when nothing searchable remains."""
    q = normalise_text(query).lower()
    if not q:
        return None
    chars = _CJK.findall(q)
    if chars:
        return Query((Lookup("".join(chars)),))
    q = _NOT_ALNUM.sub("", q)
    if not q:
        return None
    if q.isalpha():
        # a pinyin word, or a whole card number (never a card's beginning: every card of
        # a federation starts with the same letters, so that would list arbitrary members)
        word = (Lookup(q), Lookup("k_" + q))
        if len(q) > EXACT_BEGINNINGS:
            return Query((*word, Lookup("f_" + q, prefix=True)))
        return Query(word)
    parts: list[Lookup] = []
    id_like = q.isdigit() or (q[:-1].isdigit() and q.endswith("x"))
    if id_like and len(q) >= 4:
        parts.append(Lookup("i_" + q[::-1], prefix=True))
    if q.isdigit() and len(q) == 3:
        parts.append(Lookup("p_" + q))
    parts.append(Lookup("k_" + q, prefix=True))
    if len(q) >= 3:
        parts.append(Lookup("r_" + q[::-1], prefix=True))
    return Query(tuple(parts), q if q.isdigit() and len(q) > 3 else None)
