"""pypinyin's two dictionaries read in slices, before pypinyin is first imported.

Why: pypinyin loads its phrase dictionary (2.5 MB of JSON, ~47,000 phrases) and its
character dictionary (0.8 MB) each with one ``json.loads`` at import: one C call that
holds the GIL for ~150–300 ms and ~50–100 ms on this machine. The first name a background
task reads (a roster import, a sync apply) imported pypinyin on the task's thread, and the
window froze for as long (docs/benchmarks.md, "Window pauses": 146 and 152 ms against
≤ 100). Read here a thousand entries at a time, each slice one short ``json.loads``, the
GUI thread gets the GIL between slices and the window keeps painting.

The files are pypinyin's own, read from its package folder, and the dictionaries are
exactly what its loaders make (tests/unit/test_pinyin_data.py compares them). They are
handed to pypinyin as its ``pypinyin.phrases_dict`` and ``pypinyin.pinyin_dict`` modules
(each module's one attribute, as pypinyin's ``constants`` reads it); the pypinyin
versions this relies on are bounded in pyproject.toml. If the files are not where a
pypinyin of those versions keeps them, nothing is installed and pypinyin loads them itself.
"""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

#: Entries per ``json.loads``: a few milliseconds each.
SLICE = 1000

# A top-level entry of pypinyin's pretty-printed JSON: a key at the start of a line,
# followed by its colon (the nested lines are values: a string without a colon after it).
_ENTRY = re.compile(r'^"(?:[^"\\\n]|\\.)*": ', re.MULTILINE)

_FILES = (("phrases_dict", "phrases_dict.json"), ("pinyin_dict", "pinyin_dict.json"))


def _slices(text: str) -> Iterator[str]:
    """The object's entries as JSON objects of at most ``SLICE`` entries each."""
    body_end = text.rindex("}")
    starts = [m.start() for i, m in enumerate(_ENTRY.finditer(text)) if i % SLICE == 0]
    for start, end in zip(starts, [*starts[1:], body_end], strict=True):
        yield "{" + text[start:end].rstrip().rstrip(",") + "}"


def load_sliced(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``, parsed a slice at a time."""
    merged: dict[str, Any] = {}
    for piece in _slices(path.read_text(encoding="utf-8")):
        merged.update(json.loads(piece))
    return merged


def _folder() -> Path | None:
    spec = find_spec("pypinyin")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    return folder if all((folder / name).is_file() for _, name in _FILES) else None


def install() -> bool:
    """Load both dictionaries in slices and hand them to pypinyin, unless it is imported
    already (then nothing is left to spare). Returns whether they were installed."""
    if "pypinyin" in sys.modules:
        return False
    folder = _folder()
    if folder is None:
        return False
    phrases = load_sliced(folder / "phrases_dict.json")
    characters = {
        int(code): reading for code, reading in load_sliced(folder / "pinyin_dict.json").items()
    }
    for (name, _file), value in zip(_FILES, (phrases, characters), strict=True):
        module = types.ModuleType(f"pypinyin.{name}")
        setattr(module, name, value)
        sys.modules[f"pypinyin.{name}"] = module
    return True
