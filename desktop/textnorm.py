"""Text as people type it, folded to one form: full-width to half-width, no blanks
(a person's name keeps one space between Latin words: ``normalise_name``).

Below every layer (storage's search index folds query and document text with it, the
rules of input in ``desktop.models.validation`` and the roster import use it), so the
search index and the registry can never fold the same name two ways.
"""

from __future__ import annotations

import re
import unicodedata

_BLANK = re.compile(r"\s+")
# Latin letters (with their accented forms); a name's words may end in . or ' (O'Neil, F.)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LATIN_END = re.compile(r"[A-Za-z\u00c0-\u024f.']")


def normalise_text(value: str) -> str:
    """Full-width to half-width, trimmed (incl. the ideographic space), no inner blanks.

    Most cells are already normal (ASCII digits, plain hanzi), so the NFKC pass and the
    blank removal run only when a quick check says they would change something: the
    roster importer calls this several times for each of 100k rows.
    """
    if value.isascii():
        if value.isalnum():
            return value
        folded = value
    elif unicodedata.is_normalized("NFKC", value):
        folded = value
    else:
        folded = unicodedata.normalize("NFKC", value)
    if _BLANK.search(folded) is None:
        return folded
    return _BLANK.sub("", folded)


def normalise_name(value: str) -> str:
    """A person's name: ``normalise_text``, except that the blanks between two Latin
    words become one space ("John  Smith" → "John Smith", "ＬＩ　Ｍｉｎｇ" → "LI Ming").

    Blanks between Chinese characters are typing slips (「张 三」 → 「张三」); between
    the words of a foreign name, or of a name written in pinyin, they are part of it.
    """
    if value.isascii() and value.isalnum():
        return value
    if value.isascii() or unicodedata.is_normalized("NFKC", value):
        folded = value
    else:
        folded = unicodedata.normalize("NFKC", value)
    if _BLANK.search(folded) is None:
        return folded
    words = folded.split()
    if not words:
        return ""
    out = [words[0]]
    for word in words[1:]:
        if _LATIN_END.match(out[-1][-1]) and _LATIN.match(word[0]):
            out.append(" ")
        out.append(word)
    return "".join(out)
