#!/bin/sh
# Does Chinese typed with fcitx5 (or ibus) reach the frozen app? Run on a machine with
# Xvfb, xdotool, dbus-x11, fcitx5 and fcitx5-chinese-addons (for IM=ibus: ibus and
# ibus-libpinyin) (Debian: apt-get install xvfb xdotool dbus-x11 fcitx5 fcitx5-chinese-addons):
#
#     installer/check_input_method.sh /opt/uniondesk/UnionDesk      # or dist/UnionDesk/UnionDesk
#     IM=ibus installer/check_input_method.sh /opt/uniondesk/UnionDesk
#
# Starts Xvfb, a D-Bus session and fcitx5 (pinyin as the default input method, cloud pinyin
# off) in a throw-away HOME; starts the app on an empty data dir with the environment a
# UOS/Kylin session gives it (QT_IM_MODULE=fcitx, XMODIFIERS=@im=fcitx); activates the input
# method on the first-run dialog's name field and types "gonghui", space (commits the
# first candidate, 工会), "lianhehui", space, Return (creates the federation and closes the
# dialog). Passes when the database then holds a federation whose name is Chinese text
# that only the input method can have produced. Exit code 0 on success.
# IM_ALSO_DISABLE=ibusfrontend is the control: with fcitx5's ibus frontend off, no Chinese
# reaches the bundle (it has no fcitx plugin of its own) and the check fails.
set -u
APP=${1:?usage: $0 path/to/UnionDesk}
IM=${IM:-fcitx5}
WORK=$(mktemp -d /tmp/uniondesk-im-XXXXXX)
export HOME="$WORK/home" DISPLAY=":${IM_DISPLAY:-87}"
mkdir -p "$HOME/.config/fcitx5"
cat > "$HOME/.config/fcitx5/profile" <<PROFILE
[Groups/0]
Name=Default
Default Layout=us
DefaultIM=pinyin

[Groups/0/Items/0]
Name=keyboard-us
Layout=

[Groups/0/Items/1]
Name=pinyin
Layout=

[GroupOrder]
0=Default
PROFILE
Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XPID=$!
sleep 1
eval "$(dbus-launch --sh-syntax)"
if [ "$IM" = ibus ]; then
    ibus-daemon --xim --replace --daemonize --panel=disable 2>"$WORK/ibus.log"
    for _ in $(seq 1 40); do ibus engine >/dev/null 2>&1 && break; sleep 0.5; done
    ibus engine libpinyin
    echo "ibus $(ibus version 2>/dev/null) running, engine $(ibus engine)"
    SESSION_IM=ibus
else
    fcitx5 --disable="cloudpinyin,notificationitem${IM_ALSO_DISABLE:+,$IM_ALSO_DISABLE}" >"$WORK/fcitx5.log" 2>&1 &
    FPID=$!
    for _ in $(seq 1 40); do fcitx5-remote >/dev/null 2>&1 && break; sleep 0.5; done
    echo "fcitx5 $(fcitx5 --version 2>/dev/null) running: fcitx5-remote says $(fcitx5-remote)"
    SESSION_IM=fcitx
fi

QT_IM_MODULE=$SESSION_IM XMODIFIERS=@im=$SESSION_IM GTK_IM_MODULE=$SESSION_IM \
    "$APP" --data-dir "$WORK/data" >"$WORK/app.log" 2>&1 &
APID=$!
WID=$(timeout 90 xdotool search --sync --onlyvisible --name "欢迎使用" | head -1)
[ -n "$WID" ] || { echo "FAILED: the first-run dialog did not appear"; cat "$WORK/app.log"; exit 1; }
sleep 2
xdotool windowactivate --sync "$WID" 2>/dev/null || xdotool windowfocus --sync "$WID"
sleep 1
if [ "$IM" = ibus ]; then
    ibus engine libpinyin
else
    fcitx5-remote -o
    sleep 0.5
    echo "input method state after activation: $(fcitx5-remote) (2 = active)"
fi
xdotool type --delay 150 gonghui; sleep 0.5; xdotool key space; sleep 0.5
xdotool type --delay 150 lianhehui; sleep 0.5; xdotool key space; sleep 0.5
xdotool key Return
sleep 8
kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null
[ "$IM" = ibus ] && ibus exit 2>/dev/null
kill ${FPID:-} "$DBUS_SESSION_BUS_PID" "$XPID" 2>/dev/null

NAME=$("$APP" --data-dir "$WORK/data" stats --json 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("federation", ""))' 2>/dev/null)
if [ -z "$NAME" ] && [ -f "$WORK/data/uniondesk.db" ]; then
    NAME=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select name from federations").fetchone()[0])' "$WORK/data/uniondesk.db" 2>/dev/null)
fi
echo "federation name in the database: ${NAME:-<none>}"
case "$NAME" in
    *工会*) echo "input method check passed"; rm -rf "$WORK"; exit 0 ;;
    *) echo "FAILED: no Chinese text arrived (logs in $WORK)"; cat "$WORK/app.log"; exit 1 ;;
esac
