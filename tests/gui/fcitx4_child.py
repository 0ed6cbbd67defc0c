"""Run by ``test_fcitx4.py`` in its own process, on X11 beside a real fcitx 4 daemon.

A window with a name field and a password field; the bridge started as the application
starts it; pinyin typed as key events on the window (what X11 delivers); prints what
reached the fields as JSON. Its own process: the test suite's Qt runs offscreen, and the
bridge works only on X11 with a session bus of the test's own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from desktop.views import fcitx4


def wait_until(app: QApplication, done: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        if done():
            return True
        time.sleep(0.01)
    return done()


def type_keys(app: QApplication, window: QWidget, keys: str) -> None:
    handle = window.windowHandle()
    assert handle is not None
    for char in keys:
        key = Qt.Key.Key_Space if char == " " else Qt.Key(ord(char.upper()))
        QTest.keyClick(handle, key)
        app.processEvents()


def main() -> int:
    app = QApplication([])
    window = QWidget()
    window.setWindowTitle("fcitx4 check")
    name = QLineEdit(window)
    password = QLineEdit(window)
    password.setEchoMode(QLineEdit.EchoMode.Password)
    layout = QVBoxLayout(window)
    layout.addWidget(name)
    layout.addWidget(password)
    window.show()
    window.activateWindow()
    name.setFocus()
    wait_until(app, lambda: app.focusObject() is name)
    bridge = fcitx4.start_if_wanted(app)
    result: dict[str, object] = {"bridge": bridge is not None}
    if bridge is None:
        print(json.dumps(result))
        return 0
    subprocess.run(["fcitx-remote", "-o"], check=False)  # switch to pinyin, as Ctrl+Space
    wait_until(app, lambda: False, 0.3)

    type_keys(app, window, "gonghui ")
    wait_until(app, lambda: name.text() == "工会")
    result["name"] = name.text()

    password.setFocus()
    wait_until(app, lambda: app.focusObject() is password)
    type_keys(app, window, "gonghui ")  # the input method is still on
    wait_until(app, lambda: password.text() == "gonghui ", 2.0)
    result["password"] = password.text()

    name.setFocus()
    wait_until(app, lambda: app.focusObject() is name)
    os.kill(int(os.environ["FCITX_PID"]), signal.SIGKILL)  # the daemon dies mid-session
    time.sleep(0.5)
    type_keys(app, window, "abc")
    wait_until(app, lambda: name.text().endswith("abc"), 3.0)
    result["after_daemon_died"] = name.text()
    result["bridge_active"] = bridge.active
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
