#!/usr/bin/env bash
# The client's locale and terminal: a locale that does not use UTF-8 and a
# terminal without cursor addressing are refused in one line before anything
# starts; in the SSH-free mode the client's LANG and LC_* reach the
# session's program (inside the session, as they do over ssh on the
# server's command line), not the daemon's own.
. "$(dirname "$0")/lib.sh"

# refused NAME PATTERN ENV...: connect --local with that environment exits
# 1 at once with one line on stderr that matches PATTERN, starting nothing.
refused() {
	local name=$1 pattern=$2 out rc lines; shift 2
	out=$(env -u LC_ALL -u LC_CTYPE -u LANG "$@" timeout 10 "$SSPSH" connect --local -- true 2>&1 </dev/null)
	rc=$?
	lines=$(printf '%s\n' "$out" | wc -l)
	if [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -qE -- "$pattern" <<<"$out"; then
		pass "$name"
	else
		fail "$name" "status $rc: $out"
	fi
}

refused "a Latin-1 locale is refused in one line naming it" \
	'LANG=en_US.ISO-8859-1.*UTF-8' LANG=en_US.ISO-8859-1 TERM=xterm
refused "no locale at all (ASCII) is refused in one line" \
	'no locale is set.*LANG=C.UTF-8' TERM=xterm
refused "LC_ALL=C wins over a UTF-8 LANG and is refused" \
	'LC_ALL=C\).*UTF-8' LANG=C.UTF-8 LC_ALL=C TERM=xterm
refused "TERM=dumb (no cursor addressing) is refused in one line" \
	'TERM=dumb.*cannot move its cursor' LANG=C.UTF-8 TERM=dumb

# A UTF-8 locale the C library here does not have still counts by its name.
out=$(env -u LC_ALL -u LC_CTYPE LANG=en_US.UTF-8 TERM=dumb "$SSPSH" connect --local -- true 2>&1 </dev/null)
check "a UTF-8 locale not installed here is taken by its name" grep -q 'TERM=dumb' <<<"$out"

# ---- The SSH-free mode: the program gets the client's locale.
if ! need tmux; then skip "locale over --udp" "tmux is not installed"; finish; fi
PORT=$((62400 + ($$ % 200)))
chmod 755 "$E2E_TMP"
TEST_USER=
if [ "$(id -u)" = 0 ]; then
	if ! need useradd; then skip "locale over --udp" "root without useradd"; finish; fi
	TEST_USER=sspshl$$
	useradd -M -d "$E2E_TMP/server" -s /bin/bash "$TEST_USER" || { skip "locale over --udp" "useradd failed"; finish; }
fi
locale_cleanup() {
	e2e_cleanup
	[ -n "$TEST_USER" ] && userdel "$TEST_USER" 2>/dev/null
}
trap locale_cleanup EXIT

mkdir -p "$E2E_TMP/server/.sspsh" "$E2E_TMP/client"
HOME=$E2E_TMP/client "$SSPSH" keygen >/dev/null 2>&1
cp "$E2E_TMP/client/.sspsh/id_x25519.pub" "$E2E_TMP/server/.sspsh/authorized_keys"
run_as=()
if [ -n "$TEST_USER" ]; then
	chown -R "$TEST_USER" "$E2E_TMP/server"
	run_as=(--user "$TEST_USER")
fi
env -u LC_ALL -u LC_CTYPE -u LC_TIME LANG=C.UTF-8 HOME="$E2E_TMP/server" \
	"$SSPSH" server --listen "127.0.0.1:$PORT" "${run_as[@]}" --foreground 2> "$E2E_TMP/daemon.log" &
e2e_pids+=($!)
if ! wait_until 10 grep -q "listening on UDP port $PORT" "$E2E_TMP/daemon.log"; then
	fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"
	finish
fi
HOME=$E2E_TMP/client "$SSPSH" connect --udp --accept-new "127.0.0.1:$PORT" --list >/dev/null 2>&1	# pins its key

seen=$E2E_TMP/server/locale-seen
start_tmux 80 24 "env -u LC_ALL -u LC_CTYPE HOME=${E2E_TMP@Q}/client LANG=en_US.UTF-8 LC_TIME=en_GB.UTF-8 \
	${SSPSH@Q} connect --udp 127.0.0.1:$PORT -- sh -c 'env | grep -E \"^(LANG|LC_)\" | sort > $seen; echo LOCALE-WRITTEN; sleep 600'"
expect "a session starts" wait_for LOCALE-WRITTEN 10
check "the program gets the client's LANG, not the daemon's C.UTF-8" grep -qx 'LANG=en_US.UTF-8' "$seen"
check "and its LC_* variables" grep -qx 'LC_TIME=en_GB.UTF-8' "$seen"
finish
