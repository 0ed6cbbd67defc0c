"""The pinyin order of union and federation names, without the ORM.

Apart from the union writer (which stores ``union_sort_key`` with every name it writes)
because the window's federation filter orders federations the same way, and the
dashboard that shows it is built on the cold start, where neither the ORM models (~0.3 s)
nor pypinyin's dictionaries (~0.35 s) may load (docs/benchmarks.md, eighteenth session).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def union_sort_key(name: str) -> str:
    """Pinyin order of a union's name (pypinyin imported on first use: it is heavy)."""
    from desktop.storage.pinyin import text_pinyin

    return text_pinyin(name).full
