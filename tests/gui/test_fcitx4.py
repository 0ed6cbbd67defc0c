"""Chinese input with fcitx 4 (``desktop.views.fcitx4``): the pieces, then the real daemon.

The real part starts Xvfb, a D-Bus session and Debian's fcitx 4 (``fcitx-bin``,
``fcitx-pinyin``, ``fcitx-module-dbus``; .ci/run installs them) and drives a child process
(``fcitx4_child.py``) on X11: pinyin typed on the window arrives as 工会 in a name field,
a password field bypasses the input method, and a daemon that dies leaves the keys
reaching the field as typed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent

from desktop.im_session import ROUTED_FROM, wants_fcitx, x_display_number
from desktop.views import fcitx4

ROOT = Path(__file__).resolve().parents[2]
PROFILE = "[Profile]\nIMName=pinyin\nEnabledIMList=fcitx-keyboard-us:True,pinyin:True\n"


# ---- the pieces ------------------------------------------------------------------------


def test_a_session_means_fcitx_by_any_of_its_settings() -> None:
    assert wants_fcitx({"QT_IM_MODULE": "fcitx"})
    assert wants_fcitx({"QT_IM_MODULES": "wayland;fcitx5"})
    assert wants_fcitx({"XMODIFIERS": "@im=fcitx"})
    assert wants_fcitx({"QT_IM_MODULE": "ibus", ROUTED_FROM: "fcitx"})  # the launcher's route
    assert not wants_fcitx({"QT_IM_MODULE": "ibus", "XMODIFIERS": "@im=fcitx"})
    assert not wants_fcitx({})


def test_the_display_number_names_fcitx_on_the_bus() -> None:
    assert x_display_number({"DISPLAY": ":0"}) == 0
    assert x_display_number({"DISPLAY": ":91.0"}) == 91
    assert x_display_number({"DISPLAY": "localhost:10.0"}) == 10
    assert x_display_number({"DISPLAY": "wayland-0"}) is None
    assert x_display_number({}) is None


def test_preedit_cursor_counts_characters_not_utf8_bytes() -> None:
    # fcitx 4 says where the cursor is in bytes: after "工会" (6 bytes) and " gong" (5)
    preedit = fcitx4.Preedit.from_fcitx([("工会", 0), (" gong", 0)], 11)
    assert preedit.text == "工会 gong" and preedit.cursor == 7
    assert preedit.underlined == ((0, 2), (2, 5))
    plain = fcitx4.Preedit.from_fcitx([("ni", fcitx4.FORMAT_NO_UNDERLINE)], -1)
    assert plain.underlined == () and plain.cursor == -1
    event = preedit.event()
    assert event.preeditString() == "工会 gong"
    cursor = [a for a in event.attributes() if a.type == QInputMethodEvent.AttributeType.Cursor]
    assert [(c.start, c.length) for c in cursor] == [(7, 1)]


def test_keys_without_native_codes_get_their_x_keysyms() -> None:
    press = QEvent.Type.KeyPress
    letter = QKeyEvent(press, Qt.Key.Key_G, Qt.KeyboardModifier.NoModifier, "g")
    assert fcitx4.keysym_of(letter) == ord("g") and fcitx4.x_state_of(letter) == 0
    ctrl_space = QKeyEvent(press, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier, " ")
    assert fcitx4.keysym_of(ctrl_space) == 0x20
    assert fcitx4.x_state_of(ctrl_space) == fcitx4.X_CONTROL
    enter = QKeyEvent(press, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert fcitx4.keysym_of(enter) == 0xFF0D
    unknown = QKeyEvent(press, Qt.Key.Key_F35, Qt.KeyboardModifier.NoModifier)
    assert fcitx4.keysym_of(unknown) == 0  # not sent to fcitx


def test_a_key_fcitx_hands_back_becomes_a_qt_key_event() -> None:
    back = fcitx4.key_event_for(0xFF08, 0, fcitx4.PRESS)
    assert back is not None and back.key() == Qt.Key.Key_Backspace
    assert back.type() == QEvent.Type.KeyPress
    shifted = fcitx4.key_event_for(ord("a"), fcitx4.X_SHIFT, fcitx4.RELEASE)
    assert shifted is not None and shifted.text() == "a" and shifted.key() == Qt.Key.Key_A
    assert shifted.modifiers() == Qt.KeyboardModifier.ShiftModifier
    assert shifted.type() == QEvent.Type.KeyRelease
    assert fcitx4.key_event_for(0x1000000, 0, fcitx4.PRESS) is None


def test_the_bridge_is_off_offscreen_and_when_switched_off() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert fcitx4.start_if_wanted(app, {"QT_IM_MODULE": "fcitx"}) is None  # offscreen
    off = {"QT_IM_MODULE": "fcitx", fcitx4.ENV_OFF: "1"}
    assert fcitx4.start_if_wanted(app, off) is None


# ---- the real daemon -------------------------------------------------------------------


def _start_xvfb() -> tuple[subprocess.Popen[bytes], int]:
    """Xvfb on a display number it picks itself (``-displayfd``): CI runs the suite twice at
    once (the calendar run beside it), so a number chosen here could be taken twice."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end, "rb") as chosen:
        number = chosen.readline().strip()  # written once the server is ready
    if not number.isdigit():
        xvfb.kill()
        xvfb.wait()
        pytest.fail("Xvfb did not start")
    return xvfb, int(number)


@pytest.fixture
def fcitx4_session(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Xvfb, a D-Bus session and fcitx 4 with pinyin, in a throw-away HOME."""
    missing = [
        tool for tool in ("Xvfb", "dbus-daemon", "fcitx", "fcitx-remote") if not shutil.which(tool)
    ]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (.ci/run installs them)")
    home = tmp_path / "home"
    (home / ".config" / "fcitx").mkdir(parents=True)
    (home / ".config" / "fcitx" / "profile").write_text(PROFILE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "DBUS_", "XMODIFIERS"))}
    processes: list[subprocess.Popen[bytes]] = []
    try:
        xvfb, number = _start_xvfb()
        processes.append(xvfb)
        env.update(HOME=str(home), DISPLAY=f":{number}", LANG="C.UTF-8")
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        processes.append(bus)
        assert bus.stdout is not None
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
        deadline = time.monotonic() + 10
        daemon = subprocess.Popen(
            ["fcitx", "-D"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        processes.append(daemon)
        while time.monotonic() < deadline:
            probe = subprocess.run(["fcitx-remote"], env=env, capture_output=True, check=False)
            if probe.returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail("fcitx 4 did not come up on the test's session bus")
        env["FCITX_PID"] = str(daemon.pid)
        yield env
    finally:
        for process in reversed(processes):
            process.kill()
            process.wait()
            if process.stdout is not None:
                process.stdout.close()


def test_pinyin_typed_on_the_window_arrives_as_chinese(fcitx4_session: dict[str, str]) -> None:
    env = dict(fcitx4_session)
    env.update(
        QT_QPA_PLATFORM="xcb",
        QT_IM_MODULE="fcitx",
        XMODIFIERS="@im=fcitx",
        PYTHONPATH=str(ROOT),
    )
    child = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("fcitx4_child.py"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["bridge"], child.stderr
    assert result["name"] == "工会"  # gonghui␣ through fcitx's pinyin, first candidate
    assert result["password"] == "gonghui "  # a password field never goes to fcitx
    assert result["after_daemon_died"] == "工会abc"  # keys reach the field as typed
    assert result["bridge_active"] is False
