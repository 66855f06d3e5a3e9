#!/usr/bin/env bash
# Version skew: a second build of this tree that reports another protocol
# (99) and an older version (0.0.9) meets this one. Each side says in one line that
# the versions differ, naming both, instead of starting a session that
# misbehaves: the SSH-free daemon refusing a client of the other protocol
# (either way round), and `connect` over ssh meeting a server of the other
# protocol.
. "$(dirname "$0")/lib.sh"

if [[ $SSPSH != */sspsh ]] || [ ! -f "$SSPSH_SRC/Makefile" ]; then
	skip "version skew" "needs the source tree to build a second sspsh"; finish
fi
# Kept between runs under the build directory: make only redoes what changed.
skew_build=$SSPSH_BUILD/skew-proto99
if ! make -s -j2 -C "$SSPSH_SRC" BUILD="$skew_build" \
	CPPFLAGS='-D_GNU_SOURCE -I. -DSSPSH_PROTOCOL_VERSION=99 -DSSPSH_VERSION="\"0.0.9\""' \
	"$skew_build/sspsh" > "$E2E_TMP/build.log" 2>&1; then
	fail "the second build (protocol 99) builds" "$(tail -3 "$E2E_TMP/build.log")"; finish
fi
SKEW=$skew_build/sspsh
# This build's protocol, as core/options.h sets it.
PROTOCOL=$(sed -n 's/^#define SSPSH_PROTOCOL_VERSION \([0-9]*\)$/\1/p' "$SSPSH_SRC/core/options.h")
check "the second build reports version 0.0.9" sh -c "'$SKEW' --version | grep -qx 'sspsh 0.0.9'"

# ---- The SSH-free daemon ----
PORT=$((61900 + $$ % 90))
while [ -n "$(ss -Huan "sport = :$PORT" 2>/dev/null)" ]; do PORT=$((PORT + 1)); done
chmod 755 "$E2E_TMP"
mkdir -p "$E2E_TMP/server/.sspsh" "$E2E_TMP/client"
HOME=$E2E_TMP/client "$SSPSH" keygen -C client >/dev/null 2>&1
cp "$E2E_TMP/client/.sspsh/id_x25519.pub" "$E2E_TMP/server/.sspsh/authorized_keys"
# As root (CI), the daemon runs as a throwaway user made here.
run_as=() TEST_USER=
if [ "$(id -u)" = 0 ] && need useradd; then
	TEST_USER=sspshv$$
	useradd -M -d "$E2E_TMP/server" -s /bin/bash "$TEST_USER" || TEST_USER=
fi
skew_cleanup() {
	e2e_cleanup
	[ -n "$TEST_USER" ] && userdel "$TEST_USER" 2>/dev/null
}
trap skew_cleanup EXIT
if [ -n "$TEST_USER" ]; then
	chown -R "$TEST_USER" "$E2E_TMP/server"
	run_as=(--user "$TEST_USER")
fi

# daemon BINARY: starts that build's daemon on PORT.
daemon() {
	HOME=$E2E_TMP/server "$1" server --listen "127.0.0.1:$PORT" "${run_as[@]}" --foreground \
		2> "$E2E_TMP/daemon.log" &
	daemon_pid=$!
	e2e_pids+=("$daemon_pid")
	wait_until 10 grep -q "listening on UDP port $PORT" "$E2E_TMP/daemon.log"
}
stop_daemon() {
	kill -TERM "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
}

expect_skew_refusal() {	# NAME CLIENT DAEMON_VERSION DAEMON_PROTO CLIENT_PROTO
	local out rc
	out=$(HOME=$E2E_TMP/client "$2" connect --udp "127.0.0.1:$PORT" --list 2>&1); rc=$?
	check "$1: the client fails" test "$rc" -ne 0
	check "$1: and says in one line that both ends must match, naming both protocols" \
		sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c 'this daemon is sspsh $3 speaking protocol $4, the client protocol $5') -eq 1 ]" _ "$out"
}

if daemon "$SSPSH"; then
	out=$(HOME=$E2E_TMP/client "$SSPSH" connect --udp "127.0.0.1:$PORT" --list 2>&1)
	check "a client of the same protocol lists sessions" grep -q "no sessions" <<<"$out"
	expect_skew_refusal "a protocol 99 client meets this daemon" "$SKEW" \
		"$("$SSPSH" --version | cut -d' ' -f2)" "$PROTOCOL" 99
	stop_daemon
else
	fail "this build's daemon starts" "$(cat "$E2E_TMP/daemon.log")"
fi
if daemon "$SKEW"; then
	expect_skew_refusal "this client meets a protocol 99 daemon" "$SSPSH" 0.0.9 99 "$PROTOCOL"
	stop_daemon
else
	fail "the protocol 99 daemon starts" "$(cat "$E2E_TMP/daemon.log")"
fi
finish
