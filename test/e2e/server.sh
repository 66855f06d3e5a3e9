#!/usr/bin/env bash
# `sspsh server` on its own: the CONNECT line, detaching, --timeout, signals,
# bad arguments, and `sspsh connect --direct` with the key in SSPSH_KEY.
. "$(dirname "$0")/lib.sh"

# start_server FILE ARGS...: a foreground server whose stdout goes to FILE.
start_server() {
	local out=$1; shift
	"$SSPSH" server -i 127.0.0.1 --foreground "$@" > "$out" 2> "$out.log" &
	server=$!
	e2e_pids+=("$server")
	wait_until 5 grep -qs '^SSPSH CONNECT' "$out"
}

# A UDP port nothing on this machine is bound to (a fixed one may be taken).
free_udp_port() {
	local port
	for _ in $(seq 100); do
		port=$((61000 + RANDOM % 4000))
		if [ -z "$(ss -Huan "sport = :$port" 2>/dev/null)" ]; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# A range of our own: other tests on this machine take ports of the default
# range at any moment.
range_low=$(free_udp_port)
range="$range_low:$((range_low + 30))"

start_server "$E2E_TMP/line" -p "$range" -- sleep 100
check "the server prints exactly one line SSPSH CONNECT <port> <key>" \
	sh -c "[ \$(wc -l < '$E2E_TMP/line') -eq 1 ] && grep -Eq '^SSPSH CONNECT 6[0-9]{4} [A-Za-z0-9+/]{43}= proto=[0-9]+ version=[0-9.]+ machine=[a-z0-9_]+ exe=[^ ]+\$' '$E2E_TMP/line'"
start_server "$E2E_TMP/line2" -p "$range" -- sleep 100
check "a second server takes the next free port" \
	test "$(cut -d' ' -f3 "$E2E_TMP/line2")" -gt "$(cut -d' ' -f3 "$E2E_TMP/line")"
kill -TERM "$server"
check "SIGTERM ends the server" wait_until 5 sh -c "! kill -0 $server 2>/dev/null"

# A program that ignores SIGHUP and SIGTERM: SIGTERM still ends the server
# (the program is SIGKILLed after the hangup grace), program and all.
start_server "$E2E_TMP/line5" -- sh -c 'trap "" HUP TERM; sleep 1000'
program=
wait_until 2 test -n "$(ps -o pid= --ppid "$server")" && program=$(ps -o pid= --ppid "$server" | tr -d ' ')
kill -TERM "$server"
check "SIGTERM ends a server whose program ignores SIGHUP and SIGTERM, within 3 s" \
	wait_until 3 sh -c "! kill -0 $server 2>/dev/null"
check "... and the program is gone, its process group too" \
	wait_until 1 sh -c "[ -n '$program' ] && ! ps -o stat= -s '$program' | grep -qv '^Z'"
[ -n "$program" ] && kill -KILL -- "-$program" 2>/dev/null

chosen=$(free_udp_port)
start_server "$E2E_TMP/line3" -p "$chosen" --timeout 2 -- sleep 100
check "-p chooses the port" grep -q "^SSPSH CONNECT $chosen " "$E2E_TMP/line3"
check "--timeout ends a server no client reaches" wait_until 6 sh -c "! kill -0 $server 2>/dev/null"

# Detaching: the command returns at once, long before the server's
# --timeout (a loaded machine may take a few seconds); the daemon keeps the port.
start=$SECONDS
line=$("$SSPSH" server -i 127.0.0.1 --timeout 30 -- sleep 100 < /dev/null)
port=$(echo "$line" | cut -d' ' -f3)
daemon=$(ss -H -uanp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
[ -n "$daemon" ] && e2e_pids+=("$daemon")
check "without --foreground the server detaches and keeps serving" \
	test $((SECONDS - start)) -le 10 -a -n "$daemon"
check "the detached server is a session leader" \
	sh -c "[ -n '$daemon' ] && [ \$(ps -o sid= -p $daemon) -eq $daemon ]"

"$SSPSH" server -p 0 >/dev/null 2>&1; rc=$?
check "a bad port is a usage error" test $rc -eq 2
"$SSPSH" server --timeout soon >/dev/null 2>&1; rc=$?
check "a bad --timeout is a usage error" test $rc -eq 2
out=$(env -u SSPSH_KEY "$SSPSH" connect --direct 127.0.0.1 60001 2>&1 < /dev/null); rc=$?
check "connect --direct without SSPSH_KEY fails with a message" \
	sh -c "[ $rc -eq 2 ] && echo '$out' | grep -q SSPSH_KEY"

if ! need tmux; then skip "connect --direct" "tmux is not installed"; finish; fi

# connect --direct, the key passed in the environment from a private file.
start_server "$E2E_TMP/line4" --timeout 3 -l SSPSH_TEST_SETTING=from-l -- "${E2E_SHELL[@]}"
read -r _ _ port key _ < "$E2E_TMP/line4"
umask 077
printf 'export SSPSH_KEY=%q\nexec %q connect --direct 127.0.0.1 %q\n' "$key" "$SSPSH" "$port" > "$E2E_TMP/direct.sh"
start_tmux 80 24 "bash $E2E_TMP/direct.sh"
expect "connect --direct reaches the server" wait_for '$' 10
type_text 'echo "[$SSPSH_TEST_SETTING] [${SSPSH_KEY-unset}] [$TERM]"'; press Enter
expect "-l sets the environment, TERM is xterm-256color, the key is not passed on" \
	wait_for '[from-l] [unset] [xterm-256color]' 5
client=$(sspsh_pids | head -1)
check "the client wiped the key from its environment block" \
	sh -c "[ -n '$client' ] && ! grep -qF '$key' /proc/$client/environ"
[ -n "$client" ] && kill -KILL "$client"
check "--timeout ends a server whose client vanished" wait_until 8 sh -c "! kill -0 $server 2>/dev/null"
finish
