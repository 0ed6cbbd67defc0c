"""The command line's wait for another writer (``storage.write_wait``'s policy).

A command that finds the data dir's database being written by a window or another
command says so once and keeps waiting: a long import in the window must not make a
scheduled ``uniondesk backup`` fail. Ctrl+C stops the wait (the CLI's KeyboardInterrupt
handler says the unfinished operation was undone: nothing was written).
"""

from __future__ import annotations

import sys

WAITING_MESSAGE = "另一个窗口或命令正在写入这个数据目录，正在等待……（按 Ctrl+C 取消）"


class CliWaitPolicy:
    """Print ``WAITING_MESSAGE`` once per command, wait as long as it takes."""

    def __init__(self) -> None:
        self.told = False

    def keep_waiting(self, waited: float) -> bool:
        if not self.told:
            self.told = True
            print(WAITING_MESSAGE, file=sys.stderr, flush=True)
        return True

    def finished(self, waited: float) -> None:
        """Nothing more to say: the command's own output follows."""
