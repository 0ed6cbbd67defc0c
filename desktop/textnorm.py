"""Text as people type it, folded to one form: full-width to half-width, no blanks.

Below every layer (storage's search index folds query and document text with it, the
rules of input in ``desktop.models.validation`` and the roster import use it), so the
search index and the registry can never fold the same name two ways.
"""

from __future__ import annotations

import re
import unicodedata

_BLANK = re.compile(r"\s+")


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
