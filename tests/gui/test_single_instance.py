"""One window per data dir: the socket protocol, a crashed window's socket, a window
that does not answer, and a real second start that raises the first and exits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtWidgets import QApplication, QMainWindow

from desktop.views import single_instance
from desktop.views.single_instance import Answer, InstanceServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def name() -> str:
    return f"uniondesk-test-{uuid.uuid4().hex[:12]}"


def _socket_path(name: str) -> str:
    return os.path.join(QDir.tempPath(), name)


def test_the_same_folder_gets_the_same_name_however_spelt(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    spelt = tmp_path / "data" / ".." / "data"
    assert single_instance.server_name(folder) == single_instance.server_name(spelt)
    assert single_instance.server_name(folder) != single_instance.server_name(tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix-domain socket file")
def test_the_first_window_answers_and_comes_to_the_front(qtbot, name: str) -> None:  # type: ignore[no-untyped-def]
    """The server half. The second start is played by a plain socket: a PySide client
    blocking in a thread of this process would hold the interpreter the server needs."""
    server = InstanceServer()
    assert server.listen(name)
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        with qtbot.waitSignal(server.activate, timeout=5000):
            client.connect(_socket_path(name))
            client.sendall(single_instance.REQUEST)
        client.setblocking(False)
        got = bytearray()

        def answered() -> bool:
            try:
                got.extend(client.recv(16))
            except BlockingIOError:
                pass
            return got.endswith(b"\n")

        qtbot.waitUntil(answered, timeout=5000)
        assert bytes(got) == single_instance.REPLY
    finally:
        client.close()
        server.close()


def test_nobody_listening_is_none(name: str) -> None:
    assert single_instance.ask_running(name, 300) is Answer.NONE


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix-domain socket file")
def test_a_crashed_windows_socket_is_cleaned_and_taken(name: str) -> None:
    path = _socket_path(name)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # the file stays, nobody listens: what a killed window leaves
    assert os.path.exists(path)
    assert single_instance.ask_running(name, 300) is Answer.NONE
    claimed = single_instance.claim(Path("unused"), name=name)
    try:
        assert claimed.server is not None and claimed.answer is Answer.NONE
    finally:
        single_instance.release()


@pytest.mark.skipif(sys.platform == "win32", reason="a Unix-domain socket file")
def test_a_window_that_does_not_answer_is_silent(name: str) -> None:
    hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    hung.bind(_socket_path(name))
    hung.listen(1)  # accepts the connection, never reads or answers
    try:
        claimed = single_instance.claim(Path("unused"), name=name, timeout_ms=300)
        assert claimed.server is None and claimed.answer is Answer.SILENT
        assert claimed.exit_code == 1
    finally:
        hung.close()
        os.unlink(_socket_path(name))


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_bring_to_front_restores_the_main_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    for other in QApplication.topLevelWidgets():  # windows an earlier test left open
        if other.isVisible():
            other.hide()
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    window.showMinimized()
    assert single_instance.bring_to_front() is window
    assert not window.isMinimized()


@pytest.mark.slow  # a second Python process starts the GUI entry (~2-5 s)
def test_a_real_second_start_exits_without_opening_the_database(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    claimed = single_instance.claim(data)
    assert claimed.server is not None
    try:
        with qtbot.waitSignal(claimed.server.activate, timeout=60000):
            proc = subprocess.Popen(
                [sys.executable, "-m", "desktop", "--data-dir", str(data)],
                cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    finally:
        single_instance.release()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert not (data / "uniondesk.db").exists()
