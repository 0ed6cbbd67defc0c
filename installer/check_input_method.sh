#!/bin/sh
# Does Chinese typed with fcitx5, fcitx 4 (or ibus) reach the frozen app? Run on a machine
# with Xvfb, xdotool, dbus-x11, fcitx5 and fcitx5-chinese-addons (for IM=fcitx4: fcitx-bin,
# fcitx-pinyin and fcitx-module-dbus; for IM=ibus: ibus and ibus-libpinyin) (Debian:
# apt-get install xvfb xdotool dbus-x11 fcitx5 fcitx5-chinese-addons):
#
#     installer/check_input_method.sh /opt/uniondesk/UnionDesk      # or dist/UnionDesk/UnionDesk
#     IM=fcitx4 installer/check_input_method.sh /opt/uniondesk/UnionDesk
#     IM=ibus installer/check_input_method.sh /opt/uniondesk/UnionDesk
#
# Starts Xvfb, a D-Bus session and fcitx5 (or fcitx 4; pinyin as the default input method,
# cloud pinyin off) in a throw-away HOME; starts the app on an empty data dir with the environment a
# UOS/Kylin session gives it (QT_IM_MODULE=fcitx, XMODIFIERS=@im=fcitx); activates the input
# method on the first-run dialog's name field and types "gonghui", space (commits the
# first candidate, 工会), "lianhehui", space, Return (creates the federation and closes the
# dialog). Today's first run shows the new registry's recovery key first (ticked and closed
# here) and asks for the office's first administrator: user name typed with the input
# method off, the name 张三 (zhangsan, space) with it on, and the password with it still
# on. Passes when the database then holds a federation and an administrator whose names
# are Chinese text only the input method can have produced, and the administrator signs in
# with the password as typed (a password field must bypass the input method). Exit code 0
# on success.
# IM_ALSO_DISABLE=ibusfrontend is the control: with fcitx5's ibus frontend off, no Chinese
# reaches the bundle (it has no fcitx plugin of its own) and the check fails. For fcitx 4,
# UNIONDESK_NO_FCITX4=1 is the control: the window's fcitx 4 bridge stays off and the check
# fails.
set -u
APP=${1:?usage: $0 path/to/UnionDesk}
IM=${IM:-fcitx5}
PASSWORD=mima2026x
WORK=$(mktemp -d /tmp/uniondesk-im-XXXXXX)
export HOME="$WORK/home" DISPLAY=":${IM_DISPLAY:-87}"
mkdir -p "$HOME/.config/fcitx5" "$HOME/.config/fcitx"
printf '[Profile]\nIMName=pinyin\nEnabledIMList=fcitx-keyboard-us:True,pinyin:True\n' \
    > "$HOME/.config/fcitx/profile"
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
elif [ "$IM" = fcitx4 ]; then
    fcitx -D >"$WORK/fcitx.log" 2>&1 &
    FPID=$!
    for _ in $(seq 1 40); do fcitx-remote >/dev/null 2>&1 && break; sleep 0.5; done
    echo "fcitx $(fcitx -v 2>/dev/null) running"
    SESSION_IM=fcitx
else
    fcitx5 --disable="cloudpinyin,notificationitem${IM_ALSO_DISABLE:+,$IM_ALSO_DISABLE}" >"$WORK/fcitx5.log" 2>&1 &
    FPID=$!
    for _ in $(seq 1 40); do fcitx5-remote >/dev/null 2>&1 && break; sleep 0.5; done
    echo "fcitx5 $(fcitx5 --version 2>/dev/null) running: fcitx5-remote says $(fcitx5-remote)"
    SESSION_IM=fcitx
fi

im_on() {
    case "$IM" in
        ibus) ibus engine libpinyin ;;
        fcitx4) fcitx-remote -o ;;
        *) fcitx5-remote -o ;;
    esac
    sleep 0.5
}
im_off() {
    case "$IM" in
        ibus) ibus engine xkb:us::eng ;;
        fcitx4) fcitx-remote -c ;;
        *) fcitx5-remote -c ;;
    esac
    sleep 0.5
}

QT_IM_MODULE=$SESSION_IM XMODIFIERS=@im=$SESSION_IM GTK_IM_MODULE=$SESSION_IM \
    "$APP" --data-dir "$WORK/data" >"$WORK/app.log" 2>&1 &
APID=$!
# A new registry is encrypted: its recovery key is shown first, over the first-run dialog.
KEY=$(timeout 90 xdotool search --sync --onlyvisible --name "请保存恢复密钥" | head -1)
[ -n "$KEY" ] || { echo "FAILED: the recovery key was not shown"; cat "$WORK/app.log"; exit 1; }
sleep 2
xdotool windowfocus --sync "$KEY"
xdotool key Tab Tab space; sleep 0.5; xdotool key Tab Return  # tick "kept", press 完成
WID=$(timeout 30 xdotool search --sync --onlyvisible --name "欢迎使用" | head -1)
[ -n "$WID" ] || { echo "FAILED: the first-run dialog did not appear"; cat "$WORK/app.log"; exit 1; }
sleep 1
xdotool windowactivate --sync "$WID" 2>/dev/null || xdotool windowfocus --sync "$WID"
sleep 1
# The federation's name, in pinyin: gonghui␣lianhehui␣ -> 工会联合会
im_on
case "$IM" in
    ibus) echo "ibus engine: $(ibus engine)" ;;
    fcitx4) echo "input method state after activation: $(fcitx-remote) (2 = active)" ;;
    *) echo "input method state after activation: $(fcitx5-remote) (2 = active)" ;;
esac
xdotool type --delay 150 gonghui; sleep 0.5; xdotool key space; sleep 0.5
xdotool type --delay 150 lianhehui; sleep 0.5; xdotool key space; sleep 0.5
xdotool key Tab; sleep 0.3; xdotool key Tab; sleep 0.3      # past the prefix, to the user name
im_off
xdotool type --delay 100 admin; xdotool key Tab; sleep 0.3
im_on                                                       # the administrator's name: 张三
xdotool type --delay 150 zhangsan; sleep 0.5; xdotool key space; sleep 0.5
xdotool key Tab; sleep 0.3
# The password is typed with the input method still on: a password field must not send
# keys to it (else the pinyin would turn into characters and the sign-in below fails).
xdotool type --delay 100 "$PASSWORD"; xdotool key Tab; sleep 0.3
xdotool type --delay 100 "$PASSWORD"; sleep 0.3
xdotool key Return
sleep 8
kill "$APID" 2>/dev/null; wait "$APID" 2>/dev/null
[ "$IM" = ibus ] && ibus exit 2>/dev/null
kill ${FPID:-} "$DBUS_SESSION_BUS_PID" "$XPID" 2>/dev/null

as_admin() { printf '%s\n' "$PASSWORD" | "$APP" --data-dir "$WORK/data" --user admin --password-stdin "$@"; }
ADMIN=$(as_admin users list 2>&1 | grep admin)
NAME=$(as_admin settings show 2>/dev/null | sed -n 's/^ *本会名称（name）：//p')
echo "federation name in the database: ${NAME:-<none>}"
echo "administrator, signed in with the typed password: ${ADMIN:-<none>}"
# The administrator's 姓名 must be Chinese characters (张三 with fcitx; ibus-libpinyin's
# first candidate is 章三), and the sign-in above proves the password arrived as typed.
SHOWN=$(printf '%s' "$ADMIN" | cut -f2)
if python3 -c 'import re,sys; sys.exit(not re.fullmatch("[\u4e00-\u9fff]{2,}", sys.argv[1]))' "$SHOWN"; then
    ADMIN_OK=yes
else
    ADMIN_OK=no
fi
case "$NAME|$ADMIN_OK" in
    *工会*"|yes") echo "input method check passed"; rm -rf "$WORK"; exit 0 ;;
    *) echo "FAILED: Chinese did not arrive, or the password was changed (logs in $WORK)"
       cat "$WORK/app.log"; exit 1 ;;
esac
