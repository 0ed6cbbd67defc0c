"""The import's messages as the wizard shows them: its own fields, not CLI options.

The services write one text for both front ends, naming the command line's options
(``--sheet``, ``--map``, ``--union``); the wizard has a field for each, so each hint is
rewritten here, in one place, before it is shown.
"""

from __future__ import annotations

import re

_PLAIN = (
    ("请用 --map 列名=字段 指定对应关系", "请在下表中指定"),
    ("；或用 --union 指定工会", "，或在上一步选择默认工会"),
    ("或用 --map 指定哪一列导入", "或在下表中指定哪一列导入"),
    ("请用 --sheet 工作表名称 指定", "请在第一步的「工作表」一栏填写工作表名称"),
    (
        "用 --sheet 工作表名称 指定（导入向导中填写「工作表」）",
        "在第一步的「工作表」一栏填写工作表名称",
    ),
    ("或用 --map 列名=字段 指定。", "或在下一步指定每一列导入为哪个字段。"),
    (
        "或在命令行用 --max-rows 行数 调高上限",
        "或用命令行 uniondesk roster import --max-rows 调高上限",
    ),
)
_ANOTHER_SHEET = re.compile(r"请再用 --sheet (.+?) 导入一次")


def for_wizard(message: str) -> str:
    """``message`` with every command-line hint replaced by the wizard's own field."""
    for cli, wizard in _PLAIN:
        message = message.replace(cli, wizard)
    return _ANOTHER_SHEET.sub(r"请在第一步的「工作表」一栏填写「\1」再导入一次", message)
