"""pypinyin's dictionaries read in slices (``storage.pinyin_data``): exactly what pypinyin's
own loaders make, handed to pypinyin before its import, so names read the same."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from desktop.storage import pinyin_data


def _package() -> Path:
    spec = find_spec("pypinyin")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def test_each_dictionary_read_in_slices_equals_one_read() -> None:
    for name in ("phrases_dict.json", "pinyin_dict.json"):
        path = _package() / name
        whole = json.loads(path.read_text(encoding="utf-8"))
        sliced = pinyin_data.load_sliced(path)
        assert sliced == whole and list(sliced) == list(whole), name
        assert len(whole) > 10 * pinyin_data.SLICE  # many slices, not one


def test_slices_split_only_between_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a key or value holding what looks like an entry's start, and the last entry
    text = '{\n"a\\": b": [\n[\n"x"\n]\n],\n"c": "d, \\"e\\": f",\n"g": "h"\n}\n'
    path = tmp_path / "tiny.json"
    path.write_text(text, encoding="utf-8")
    for size in (1, 2, 5):
        monkeypatch.setattr(pinyin_data, "SLICE", size)
        assert pinyin_data.load_sliced(path) == json.loads(text)


_CHECK = """
import json, sys
from desktop.storage import pinyin
import pypinyin.constants as c
from pypinyin import lazy_pinyin
assert type(sys.modules["pypinyin.phrases_dict"]).__name__ == "module"
assert not hasattr(sys.modules["pypinyin.phrases_dict"], "_load_phrases_dict")  # ours
print(json.dumps([len(c.PHRASES_DICT), len(c.PINYIN_DICT), lazy_pinyin("重庆长江行长"),
                  pinyin.sort_key("曾乐行")]))
"""

_REFERENCE = """
import json
import pypinyin.constants as c
from pypinyin import lazy_pinyin
from desktop.storage import pinyin
assert hasattr(__import__("sys").modules["pypinyin.phrases_dict"], "_load_phrases_dict")
print(json.dumps([len(c.PHRASES_DICT), len(c.PINYIN_DICT), lazy_pinyin("重庆长江行长"),
                  pinyin.sort_key("曾乐行")]))
"""


def test_pypinyin_reads_names_the_same_with_the_sliced_dictionaries() -> None:
    """In fresh interpreters: through ``storage.pinyin`` (sliced), and pypinyin imported
    first (its own loaders); the same dictionaries' sizes, readings and sort keys."""
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for code in (_CHECK, _REFERENCE)
    ]
    ours, reference = (json.loads(r.stdout) for r in runs)
    assert ours == reference
    assert ours[2] == ["chong", "qing", "chang", "jiang", "hang", "zhang"]
