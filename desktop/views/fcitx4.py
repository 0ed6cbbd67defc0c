"""Chinese input with fcitx 4 (UOS 20, Kylin V10), which Qt as bundled cannot reach.

Why this exists: Qt reaches an input method through a platform-input-context plugin built
against the exact Qt it loads into. PySide6 ships only the ibus and compose plugins; the
system's fcitx plugin is built for the system's Qt and will not load into ours. fcitx 5
answers the ibus protocol (the launcher routes to it, ``installer/launcher.py``), fcitx 4
does not, and the fcitx plugin that speaks fcitx 4's protocol cannot be built here for the
bundled Qt (docs/installers.md). So, on a fcitx 4 session, the window speaks fcitx 4's
D-Bus protocol itself, as that plugin would:

- one input context per application (``CreateICv3``), told when a text field gains or
  loses focus and where its cursor is (the candidate window follows it);
- every key press and release on a text field goes to fcitx first
  (``ProcessKeyEvent``, answered in about a millisecond); a key fcitx takes never reaches
  the field;
- fcitx's answers arrive as D-Bus signals: ``CommitString`` (the chosen characters),
  ``UpdateFormattedPreedit`` (the pinyin being typed, shown underlined in the field) and
  ``ForwardKey`` (a key fcitx hands back), turned into ``QInputMethodEvent``/``QKeyEvent``
  for the focused widget.

Only where no Qt plugin serves the session: X11 (``xcb``), a session that asks for fcitx,
no fcitx plugin in Qt's plugin folders, no ibus portal that the launcher's route reaches,
and fcitx 4's ``org.fcitx.Fcitx-<display>`` on the session bus. A password field (Qt turns
input methods off for it) and fields that say they hold sensitive data never go to fcitx.
If fcitx stops answering, the bridge stops and keys reach the fields as typed;
``UNIONDESK_NO_FCITX4=1`` keeps it off altogether. Nothing typed is logged.

The D-Bus side is jeepney (pure Python, explicit signatures: fcitx 4 refuses a key event
whose numbers are not ``uint32``, which PySide6's QtDBus cannot send from Python).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, MatchRule, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, Proxy, open_dbus_connection
from jeepney.low_level import HeaderFields
from jeepney.wrappers import unwrap_msg
from PySide6.QtCore import QEvent, QLibraryInfo, QObject, QRect, QSocketNotifier, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QInputMethodEvent,
    QInputMethodQueryEvent,
    QKeyEvent,
    QTextCharFormat,
)
from PySide6.QtWidgets import QApplication, QWidget

from desktop.im_session import has_fcitx_plugin, wants_fcitx, x_display_number

log = logging.getLogger(__name__)

IM_INTERFACE = "org.fcitx.Fcitx.InputMethod"
IC_INTERFACE = "org.fcitx.Fcitx.InputContext"
IBUS_PORTAL = "org.freedesktop.portal.IBus"
CALL_TIMEOUT_S = 0.5
ENV_OFF = "UNIONDESK_NO_FCITX4"  # 1: never start the bridge (a way out, and the check's control)

# fcitx 4's frontend.h: FcitxCapacityFlags, FcitxKeyEventType, and the preedit formats.
CAPACITY_PREEDIT = 1 << 1
CAPACITY_FORMATTED_PREEDIT = 1 << 4
PRESS, RELEASE = 0, 1
FORMAT_NO_UNDERLINE = 1 << 3

# X11 modifier state bits (what ``ProcessKeyEvent`` and ``ForwardKey`` carry).
X_SHIFT, X_CONTROL, X_ALT, X_SUPER = 0x1, 0x4, 0x8, 0x40
_MODIFIER_BITS = (
    (Qt.KeyboardModifier.ShiftModifier, X_SHIFT),
    (Qt.KeyboardModifier.ControlModifier, X_CONTROL),
    (Qt.KeyboardModifier.AltModifier, X_ALT),
    (Qt.KeyboardModifier.MetaModifier, X_SUPER),
)

# X keysyms of the keys that carry no text (X11's keysymdef.h), both ways.
_KEYSYMS: dict[Qt.Key, int] = {
    Qt.Key.Key_Backspace: 0xFF08,
    Qt.Key.Key_Tab: 0xFF09,
    Qt.Key.Key_Return: 0xFF0D,
    Qt.Key.Key_Escape: 0xFF1B,
    Qt.Key.Key_Home: 0xFF50,
    Qt.Key.Key_Left: 0xFF51,
    Qt.Key.Key_Up: 0xFF52,
    Qt.Key.Key_Right: 0xFF53,
    Qt.Key.Key_Down: 0xFF54,
    Qt.Key.Key_PageUp: 0xFF55,
    Qt.Key.Key_PageDown: 0xFF56,
    Qt.Key.Key_End: 0xFF57,
    Qt.Key.Key_Enter: 0xFF8D,
    Qt.Key.Key_Shift: 0xFFE1,
    Qt.Key.Key_Control: 0xFFE3,
    Qt.Key.Key_Alt: 0xFFE9,
    Qt.Key.Key_Meta: 0xFFEB,
    Qt.Key.Key_Delete: 0xFFFF,
}
_KEYS_BY_SYM = {sym: key for key, sym in _KEYSYMS.items()}


def keysym_of(event: QKeyEvent) -> int:
    """The X keysym fcitx expects: X11 gives it with the event; a synthetic event (a test,
    another program's ``sendEvent``) has none, so it is derived from the key and text."""
    native = event.nativeVirtualKey()
    if native:
        return native
    text = event.text()
    if len(text) == 1 and 0x20 <= ord(text) <= 0xFF:
        return ord(text)  # Latin-1 keysyms are the code points
    return _KEYSYMS.get(Qt.Key(event.key()), 0)


def x_state_of(event: QKeyEvent) -> int:
    if event.nativeVirtualKey():
        return event.nativeModifiers()
    modifiers = event.modifiers()
    return sum(bit for flag, bit in _MODIFIER_BITS if modifiers & flag)


def key_event_for(keysym: int, state: int, kind: int) -> QKeyEvent | None:
    """The Qt key event for a key fcitx hands back (``ForwardKey``); None if unknown."""
    modifiers = Qt.KeyboardModifier.NoModifier
    for flag, bit in _MODIFIER_BITS:
        if state & bit:
            modifiers |= flag
    event_type = QEvent.Type.KeyPress if kind == PRESS else QEvent.Type.KeyRelease
    if keysym in _KEYS_BY_SYM:
        return QKeyEvent(event_type, _KEYS_BY_SYM[keysym], modifiers)
    if 0x20 <= keysym <= 0x7E:
        text = chr(keysym)
        return QKeyEvent(event_type, ord(text.upper()), modifiers, text)
    return None


@dataclass(frozen=True)
class Preedit:
    """What fcitx shows in the field while pinyin is typed: text, its underlined spans
    and the cursor as a character index (fcitx 4 counts the cursor in UTF-8 bytes)."""

    text: str
    underlined: tuple[tuple[int, int], ...]
    cursor: int

    @classmethod
    def from_fcitx(cls, segments: Sequence[tuple[str, int]], cursor_bytes: int) -> Preedit:
        text = "".join(s for s, _ in segments)
        spans: list[tuple[int, int]] = []
        start = 0
        for segment, fmt in segments:
            if segment and not fmt & FORMAT_NO_UNDERLINE:
                spans.append((start, len(segment)))
            start += len(segment)
        if cursor_bytes < 0:
            cursor = -1
        else:
            cursor = len(text.encode("utf-8")[:cursor_bytes].decode("utf-8", errors="ignore"))
        return cls(text, tuple(spans), cursor)

    def event(self) -> QInputMethodEvent:
        underline = QTextCharFormat()
        underline.setFontUnderline(True)
        kind = QInputMethodEvent.AttributeType
        attributes = [
            QInputMethodEvent.Attribute(kind.TextFormat, s, n, underline)
            for s, n in self.underlined
        ]
        visible = 1 if self.cursor >= 0 else 0
        attributes.append(QInputMethodEvent.Attribute(kind.Cursor, max(self.cursor, 0), visible, 0))
        return QInputMethodEvent(self.text, attributes)


def fcitx_plugin_bundled(env: Mapping[str, str]) -> bool:
    """Is there a fcitx platform-input-context plugin Qt could load? (Then Qt serves it.)"""
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))]
    folders += [Path(p) for p in env.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    return any(has_fcitx_plugin(folder) for folder in folders)


def accepts_input_method(target: QObject | None) -> bool:
    """Does the focused object take input-method text? (Qt says no for a password field.)"""
    if target is None:
        return False
    query = QInputMethodQueryEvent(Qt.InputMethodQuery.ImEnabled | Qt.InputMethodQuery.ImHints)
    QApplication.sendEvent(target, query)
    if not query.value(Qt.InputMethodQuery.ImEnabled):
        return False
    hints = query.value(Qt.InputMethodQuery.ImHints)
    sensitive = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhHiddenText
    return not (int(hints or 0) & sensitive.value)


class Fcitx4Bridge(QObject):
    """One fcitx 4 input context serving every text field of the application."""

    def __init__(
        self,
        app: QGuiApplication,
        connection: DBusConnection,
        service: str,
        app_name: str = "uniondesk",
    ) -> None:
        super().__init__(app)
        self._app = app
        self._conn = connection
        methods = DBusAddress("/inputmethod", service, IM_INTERFACE)
        reply = self._call(methods, "CreateICv3", "si", (app_name, os.getpid()))
        self._ic = DBusAddress(f"/inputcontext_{reply[0]}", service, IC_INTERFACE)
        path = self._ic.object_path
        # The bus matches a well-known sender name; the local filter sees only the
        # sender's unique name, so it matches on the input context's path alone.
        wanted = MatchRule(type="signal", sender=service, interface=IC_INTERFACE, path=path)
        Proxy(message_bus, connection, timeout=CALL_TIMEOUT_S).AddMatch(wanted)
        local = MatchRule(type="signal", interface=IC_INTERFACE, path=path)
        self._filter = connection.filter(local, bufsize=10_000)
        self._signals = self._filter.queue
        self._call(self._ic, "SetCapacity", "u", (CAPACITY_PREEDIT | CAPACITY_FORMATTED_PREEDIT,))
        self._notifier = QSocketNotifier(connection.sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._pump)
        self._focused: QObject | None = None
        self._preedit_shown = False
        self._cursor_rect = QRect()
        self.active = True
        app.installEventFilter(self)
        app.focusObjectChanged.connect(self._focus_changed)
        app.aboutToQuit.connect(self.stop)
        self._focus_changed(app.focusObject())

    # ---- D-Bus ---------------------------------------------------------------------

    def _call(
        self, address: DBusAddress, method: str, signature: str = "", body: tuple[Any, ...] = ()
    ) -> tuple[Any, ...]:
        message = new_method_call(address, method, signature, body)
        reply = self._conn.send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
        return tuple(unwrap_msg(reply))

    def _ic_call(
        self, method: str, signature: str = "", body: tuple[Any, ...] = ()
    ) -> tuple[Any, ...] | None:
        """Call the input context; on any failure stop the bridge (keys then reach the
        fields as typed) and return None."""
        if not self.active:
            return None
        try:
            return self._call(self._ic, method, signature, body)
        except Exception as exc:  # a dead daemon, a timeout, a refused call: never a traceback
            log.warning(
                "fcitx 4 stopped answering (%s: %s); Chinese input by fcitx is off",
                method,
                type(exc).__name__,
            )
            self.stop()
            return None

    def _pump(self, *_: object) -> None:
        """Read what fcitx sent and act on its signals, in order."""
        while self.active:
            try:
                self._conn.recv_messages(timeout=0)
            except TimeoutError:
                break
            except Exception as exc:
                log.warning("fcitx 4 connection lost (%s)", type(exc).__name__)
                self.stop()
                return
        while self._signals:
            message = self._signals.popleft()
            self._on_signal(message.header.fields.get(HeaderFields.member), message.body)

    def _on_signal(self, member: str | None, body: tuple[Any, ...]) -> None:
        target = self._app.focusObject()
        if target is None:
            return
        if member == "CommitString":
            commit = QInputMethodEvent()
            commit.setCommitString(str(body[0]))
            self._preedit_shown = False
            QApplication.sendEvent(target, commit)
        elif member == "UpdateFormattedPreedit":
            preedit = Preedit.from_fcitx([(str(s), int(f)) for s, f in body[0]], int(body[1]))
            if preedit.text or self._preedit_shown:
                self._preedit_shown = bool(preedit.text)
                QApplication.sendEvent(target, preedit.event())
        elif member == "ForwardKey":
            forwarded = key_event_for(int(body[0]), int(body[1]), int(body[2]))
            if forwarded is not None:
                QApplication.sendEvent(target, forwarded)

    # ---- Qt side -------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        # A key event reaches the window first, then the focused widget: take it once, at
        # the window. (A key fcitx forwards is sent to the widget: it passes.)
        if not self.active or not watched.isWindowType() or not isinstance(event, QKeyEvent):
            return False
        if self._focused is None or not accepts_input_method(self._focused):
            return False
        keysym = keysym_of(event)
        if not keysym:
            return False
        reply = self._ic_call(
            "ProcessKeyEvent",
            "uuuiu",
            (
                keysym,
                event.nativeScanCode(),
                x_state_of(event),
                PRESS if kind == QEvent.Type.KeyPress else RELEASE,
                event.timestamp() & 0xFFFFFFFF,
            ),
        )
        self._pump()
        self._update_cursor_rect()
        return bool(reply and reply[0] > 0)

    def _focus_changed(self, target: QObject | None) -> None:
        previous, self._focused = self._focused, target
        if previous is not None and self._preedit_shown:
            self._preedit_shown = False
            try:
                QApplication.sendEvent(previous, QInputMethodEvent())  # clears the stale pinyin
            except RuntimeError:
                pass  # the widget is already gone
            self._ic_call("Reset")
        if accepts_input_method(target):
            self._ic_call("FocusIn")
            self._cursor_rect = QRect()
            self._update_cursor_rect()
        else:
            self._ic_call("FocusOut")

    def _update_cursor_rect(self) -> None:
        """Tell fcitx where the text cursor is on screen (device pixels): the candidate
        window opens beside it."""
        target = self._focused
        if not self.active or not isinstance(target, QWidget):
            return
        query = QInputMethodQueryEvent(Qt.InputMethodQuery.ImCursorRectangle)
        QApplication.sendEvent(target, query)
        rect = query.value(Qt.InputMethodQuery.ImCursorRectangle)
        local = rect.toRect() if hasattr(rect, "toRect") else QRect()
        ratio = target.devicePixelRatioF()
        origin = target.mapToGlobal(local.topLeft())
        screen = QRect(
            round(origin.x() * ratio),
            round(origin.y() * ratio),
            max(1, round(local.width() * ratio)),
            max(1, round(local.height() * ratio)),
        )
        if screen != self._cursor_rect:
            self._cursor_rect = screen
            self._ic_call(
                "SetCursorRect", "iiii", (screen.x(), screen.y(), screen.width(), screen.height())
            )

    def stop(self) -> None:
        """End the input context and close the connection (at exit or when fcitx is gone)."""
        if not self.active:
            return
        self.active = False
        self._notifier.setEnabled(False)
        self._app.removeEventFilter(self)
        try:
            self._app.focusObjectChanged.disconnect(self._focus_changed)
        except (RuntimeError, TypeError):
            pass
        try:
            self._conn.send(new_method_call(self._ic, "DestroyIC"))
        except Exception:
            pass
        try:
            self._conn.close()
        except Exception:
            pass


def owned_names(connection: DBusConnection, names: Sequence[str]) -> list[str]:
    bus = Proxy(message_bus, connection, timeout=CALL_TIMEOUT_S)
    return [name for name in names if bus.NameHasOwner(name)[0]]


def start_if_wanted(
    app: QGuiApplication, env: Mapping[str, str] | None = None
) -> Fcitx4Bridge | None:
    """Start the bridge when a fcitx 4 session has nothing else serving Qt (see the module
    docstring); None otherwise, and whenever anything on the way fails."""
    env = os.environ if env is None else env
    if env.get(ENV_OFF, "") not in ("", "0"):
        return None
    if not sys.platform.startswith("linux") or app.platformName() != "xcb":
        return None
    if not wants_fcitx(env) or fcitx_plugin_bundled(env):
        return None
    try:
        connection = open_dbus_connection(bus="SESSION", enable_fds=False)
    except Exception as exc:  # no session bus (a bare X session): nothing to talk to
        log.info("no D-Bus session for fcitx 4 (%s)", type(exc).__name__)
        return None
    try:
        return start_on(app, connection, env)
    except Exception as exc:
        log.warning("fcitx 4 input context not made (%s)", type(exc).__name__)
        connection.close()
        return None


def start_on(
    app: QGuiApplication, connection: DBusConnection, env: Mapping[str, str]
) -> Fcitx4Bridge | None:
    """The decision and the start, on an open session-bus connection (tests pass theirs)."""
    routed_to_ibus = env.get("QT_IM_MODULE", "").strip().lower() == "ibus"
    if routed_to_ibus and owned_names(connection, [IBUS_PORTAL]):
        connection.close()  # fcitx 5 (or ibus) answers Qt's own ibus plugin
        return None
    number = x_display_number(env)
    candidates = [f"org.fcitx.Fcitx-{number}"] if number is not None else []
    candidates.append("org.fcitx.Fcitx")
    owned = owned_names(connection, candidates)
    if not owned:
        connection.close()
        return None
    bridge = Fcitx4Bridge(app, connection, owned[0])
    log.info("Chinese input through fcitx 4 (%s)", owned[0])
    return bridge
