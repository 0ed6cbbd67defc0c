"""What the desktop session asks of Qt for Chinese input, read from the environment.

Shared by the frozen launcher (which runs before Qt loads) and the window's fcitx 4
bridge (``desktop.views.fcitx4``), so both agree on when a session means fcitx. Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

FCITX = ("fcitx", "fcitx5")
ROUTED_FROM = "UNIONDESK_IM_ROUTED_FROM"
"""Set by the launcher when it sends a fcitx session's Qt input to ibus: the session's
own ``QT_IM_MODULE`` is gone by the time the window reads the environment."""


def wants_fcitx(env: Mapping[str, str]) -> bool:
    """Does the session's input-method setting name fcitx (4 or 5)?

    im-config and the UOS/Kylin sessions set ``QT_IM_MODULE=fcitx`` (Qt 6.8+ may read the
    ordered list ``QT_IM_MODULES``); a session that configured only XIM and GTK for fcitx
    says so in ``XMODIFIERS=@im=fcitx``.
    """
    if env.get(ROUTED_FROM, "").strip().lower() in FCITX:
        return True
    single = env.get("QT_IM_MODULE", "").strip().lower()
    modules = [m.strip().lower() for m in env.get("QT_IM_MODULES", "").split(";") if m.strip()]
    if single in FCITX or any(m in FCITX for m in modules):
        return True
    return not single and not modules and "fcitx" in env.get("XMODIFIERS", "").lower()


def x_display_number(env: Mapping[str, str]) -> int | None:
    """The X display's number (``:0``, ``:91.0``, ``localhost:10.0``): fcitx 4 registers
    its D-Bus name per display, ``org.fcitx.Fcitx-<number>``."""
    display = env.get("DISPLAY", "")
    _, sep, rest = display.rpartition(":")
    if not sep:
        return None
    number = rest.split(".", 1)[0]
    return int(number) if number.isdigit() else None


def has_fcitx_plugin(plugins: Path) -> bool:
    """Does this Qt plugin folder hold a fcitx platform-input-context plugin (then Qt
    itself reaches fcitx, and neither the launcher's route nor the window's bridge is
    wanted)?"""
    return any((plugins / "platforminputcontexts").glob("lib*fcitx*platforminputcontextplugin*.so"))
