"""The frozen executable's script: the same entry point as the ``uniondesk`` console script.

Before Qt loads, it points Qt at an input method the bundle can talk to (Chinese input on
UOS and Kylin, where fcitx is the input method): see ``route_input_method``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

from desktop.__main__ import main
from desktop.im_session import FCITX, ROUTED_FROM, has_fcitx_plugin, wants_fcitx


def route_input_method(env: MutableMapping[str, str], plugins: Path) -> str | None:
    """Send Qt's fcitx input to fcitx's ibus-compatible frontend when the bundle has no
    fcitx plugin of its own; return the new ``QT_IM_MODULE`` (None: nothing changed).

    im-config and the UOS/Kylin sessions set ``QT_IM_MODULE=fcitx``; Qt then looks for
    ``platforminputcontexts/libfcitx*platforminputcontextplugin.so`` next to *its* Qt.
    The system's copy is built against the system's Qt and cannot load into the bundled
    one, and PySide6 ships only the ibus and compose plugins: without a fcitx plugin Qt
    falls back to compose and not one Chinese character can be typed. fcitx5 answers the
    ibus D-Bus protocol itself (its ``ibusfrontend`` addon, on by default, registers
    ``org.freedesktop.portal.IBus``), so Qt's bundled ibus plugin reaches fcitx5 through
    that portal (``IBUS_USE_PORTAL=1``). fcitx 4 has no ibus frontend: the window talks
    to it itself (``desktop.views.fcitx4``), told by ``UNIONDESK_IM_ROUTED_FROM`` that the
    session meant fcitx. A bundle that does ship a fcitx plugin is left alone.
    """
    if not wants_fcitx(env):
        return None
    if has_fcitx_plugin(plugins):
        return None
    modules = env.get("QT_IM_MODULES", "")  # Qt 6.8+: an ordered list, e.g. "wayland;fcitx"
    env[ROUTED_FROM] = "fcitx"
    env["QT_IM_MODULE"] = "ibus"
    if modules:
        routed = ["ibus" if m.strip().lower() in FCITX else m for m in modules.split(";")]
        env["QT_IM_MODULES"] = ";".join(dict.fromkeys(routed))
    env.setdefault("IBUS_USE_PORTAL", "1")
    return "ibus"


if __name__ == "__main__":
    if getattr(sys, "frozen", False) and sys.platform.startswith("linux"):
        route_input_method(os.environ, Path(sys._MEIPASS) / "PySide6" / "Qt" / "plugins")  # type: ignore[attr-defined]
    sys.exit(main())
