"""One window per data dir: a second start brings the running window to the front.

Two windows on one database would each hold their own view of it, and the clerk would
type into the one that is behind. So the first window listens on a local socket named
after its data dir (a hash of the resolved path: ``server_name``); a second start on the
same data dir asks it to come to the front (``ask_running``) and exits without opening
the database. If the first window does not answer (hung), the second says so in Chinese
and exits. A socket left behind by a crashed window answers nothing and refuses the
connection: it is removed and the new window takes the name (``claim``).

The protocol is one line each way: ``raise\\n`` → ``ok\\n``. A CLI command is not a
window and never asks: it cooperates through the write wait (``storage.write_wait``).
"""

from __future__ import annotations

import hashlib
import os
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

REQUEST = b"raise\n"
REPLY = b"ok\n"
#: How long a second start waits for the first window to answer.
ANSWER_MS = 3000
NOT_ANSWERING = (
    "这个数据目录的工会桌面通窗口已经打开，但它没有响应，所以没有再打开一个窗口。"
    "请切换到已打开的窗口；如果它卡住了，请等它完成，或在任务管理器中结束它后再打开。"
)


class Answer(Enum):
    NONE = "none"  # nobody listens (or a crashed window's socket is left)
    ANSWERED = "answered"  # the running window comes to the front
    SILENT = "silent"  # somebody listens but does not answer


def server_name(data_dir: Path) -> str:
    """The socket's name for ``data_dir``: the same folder however it was spelt."""
    try:
        resolved = data_dir.resolve()
    except OSError:
        resolved = data_dir.absolute()
    key = os.path.normcase(str(resolved)).encode("utf-8", "surrogatepass")
    return "uniondesk-" + hashlib.sha256(key).hexdigest()[:24]


def ask_running(name: str, timeout_ms: int = ANSWER_MS) -> Answer:
    """Ask the window listening on ``name`` to come to the front (blocking)."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return Answer.NONE
    try:
        sock.write(REQUEST)
        if not sock.waitForBytesWritten(timeout_ms):
            return Answer.SILENT
        reply = b""
        while not reply.endswith(b"\n"):
            arrived = sock.waitForReadyRead(timeout_ms)
            # the answer may come with the first window's hang-up: read what is there
            reply += bytes(sock.readAll().data())
            if not arrived:
                break
        return Answer.ANSWERED if reply == REPLY else Answer.SILENT
    finally:
        sock.abort()


class InstanceServer(QObject):
    """Listens on the data dir's name; ``activate`` when a second start asks."""

    activate = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self, name: str) -> bool:
        """Take ``name``, removing a socket a crashed window left behind."""
        if self.server.listen(name):
            return True
        QLocalServer.removeServer(name)
        return self.server.listen(name)

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            buffer = bytearray()

            def read(sock: QLocalSocket = sock, buffer: bytearray = buffer) -> None:
                buffer.extend(bytes(sock.readAll().data()))
                if not buffer.endswith(b"\n"):
                    return
                if bytes(buffer) == REQUEST:
                    sock.write(REPLY)
                    sock.flush()
                    self.activate.emit()
                sock.disconnectFromServer()

            # The socket stays a child of the server until the server closes (a few
            # bytes per second start): deleting it from its own ``disconnected`` raced
            # with the server's deletion and crashed.
            sock.readyRead.connect(read)


class Claim:
    """The outcome of a start: this process's server, or the answer that ends it."""

    def __init__(self, answer: Answer, server: InstanceServer | None = None) -> None:
        self.answer = answer
        self.server = server

    @property
    def exit_code(self) -> int:
        """For a start that does not open a window: 0 when the running one came to the
        front, 1 when it did not answer."""
        return 0 if self.answer is Answer.ANSWERED else 1


def claim(data_dir: Path, *, name: str | None = None, timeout_ms: int = ANSWER_MS) -> Claim:
    """Ask a running window first; if there is none, listen as the first one."""
    name = name or server_name(data_dir)
    answer = ask_running(name, timeout_ms)
    if answer is not Answer.NONE:
        return Claim(answer)
    server = InstanceServer()
    if not server.listen(name):
        # another start took it between our question and our listen: ask that one
        server.deleteLater()
        again = ask_running(name, timeout_ms)
        return Claim(again if again is not Answer.NONE else Answer.SILENT)
    _held.append(server)
    return Claim(Answer.NONE, server)


_held: list[InstanceServer] = []


def release() -> None:
    """Give the data dir's name back (the window closed, or its start failed)."""
    while _held:
        server = _held.pop()
        server.close()
        server.deleteLater()


def bring_to_front() -> QWidget | None:
    """Raise the window the clerk works in: an open dialog first, else the main window."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    shown = [w for w in app.topLevelWidgets() if w.isWindow() and w.isVisible()]
    target = app.activeModalWidget() or next(
        (w for w in shown if isinstance(w, QMainWindow)), shown[0] if shown else None
    )
    if target is None:
        return None
    if target.isMinimized():
        target.showNormal()
    target.raise_()
    target.activateWindow()
    return target
