"""The CLI's y/N question before an act that cannot be undone (erase, restore, import).

Asked only at a terminal: a script, a scheduled task or a GUI wrapper has no one to
answer, and a terminal whose input has ended (Ctrl-D) has answered nothing. Either way
the command is refused (exit 1, nothing written) with how to go on: run it at a terminal,
or add ``--yes``. Never an ``EOFError`` reported as an internal error.
"""

from __future__ import annotations

import sys

from desktop.errors import UnionDeskError

NEEDS_CONFIRMATION = "需要确认：请在终端中运行，或加 --yes"
YES = frozenset({"y", "yes", "是"})


def confirm(question: str, *, hint: str = "") -> bool:
    """True if the clerk answers yes (y, yes, 是) to ``question`` at the terminal, False
    for anything else. Not at a terminal, or no answer (end of input): ``UnionDeskError``
    saying 「需要确认：请在终端中运行，或加 --yes」 (``hint``, e.g. 「，或先用 --dry-run
    预览」, follows it), 「未做任何改动。」 after."""
    refusal = f"{NEEDS_CONFIRMATION}{hint}。未做任何改动。"
    if not sys.stdin.isatty():
        raise UnionDeskError(refusal)
    try:
        answer = input(question)
    except EOFError:
        print(file=sys.stderr)  # the prompt's line ends before the refusal
        raise UnionDeskError(refusal) from None
    return answer.strip().lower() in YES
