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
# This build's protocol, as core/sysoptions.h sets it.
PROTOCOL=$(sed -n 's/^#define SSPSH_PROTOCOL_VERSION \([0-9]*\)$/\1/p' "$SSPSH_SRC/core/sysoptions.h")
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
	out=$(HOME=$E2E_TMP/client "$2" connect --udp --accept-new "127.0.0.1:$PORT" --list 2>&1); rc=$?
	check "$1: the client fails" test "$rc" -ne 0
	check "$1: and says in one line that both ends must match, naming both protocols" \
		sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c 'this daemon is sspsh $3 speaking protocol $4, the client protocol $5') -eq 1 ]" _ "$out"
}

if daemon "$SSPSH"; then
	out=$(HOME=$E2E_TMP/client "$SSPSH" connect --udp --accept-new "127.0.0.1:$PORT" --list 2>&1)
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

# ---- connect over ssh ----
# A stand-in for ssh: runs the remote command here, with the "remote" home
# and PATH (REMOTE_HOME, REMOTE_PATH), as a login would; control-master
# requests (-O) have nothing to do.
cat > "$E2E_TMP/fake_ssh" <<'FAKE'
#!/bin/sh
while [ $# -gt 0 ]; do
	case $1 in
	-O) exit 0 ;;
	-o | -p | -i | -l | -F) shift 2 ;;
	--) shift 2; break ;;
	*) shift ;;
	esac
done
exec env HOME="$REMOTE_HOME" PATH="$REMOTE_PATH" sh -c "$1"
FAKE
chmod 755 "$E2E_TMP/fake_ssh"
export REMOTE_HOME=$E2E_TMP/remote REMOTE_PATH=/usr/bin:/bin
mkdir -p "$REMOTE_HOME/.local/bin" "$E2E_TMP/remote-path"
ours=$("$SSPSH" --version | cut -d' ' -f2)
# The servers of the other protocol wait for a client that never comes.
stop_remote_servers() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in "$E2E_TMP"/*) kill -TERM "${p#/proc/}" 2>/dev/null ;; esac
	done
}
skew_cleanup_all() { stop_remote_servers; skew_cleanup; }
trap skew_cleanup_all EXIT

# one_line_says TEXT OUTPUT: OUTPUT has exactly one line, holding TEXT.
one_line_says() { [ "$(printf '%s\n' "$2" | wc -l)" -eq 1 ] && grep -qF -- "$1" <<<"$2"; }

cp "$SKEW" "$REMOTE_HOME/.local/bin/sspsh"
out=$("$SSPSH" connect --ssh="$E2E_TMP/fake_ssh" localhost 2>&1 < /dev/null); rc=$?
check "an older ~/.local/bin/sspsh of another protocol: connect fails" test "$rc" -ne 0
check "and says so in one line with both versions and the fix" one_line_says \
	"localhost's ~/.local/bin/sspsh is sspsh 0.0.9 (protocol 99), this client sspsh $ours (protocol $PROTOCOL): --install replaces it with this one" "$out"
check "and leaves it alone" cmp -s "$SKEW" "$REMOTE_HOME/.local/bin/sspsh"

if need tmux; then
	start_tmux 80 24 "$SSPSH connect --install --ssh=$E2E_TMP/fake_ssh localhost -- ${E2E_SHELL[*]@Q} 2>$E2E_TMP/install.err; echo CONNECT-EXIT:\$?; sleep 600"
	expect "with --install it replaces that copy and the session starts" wait_for '$' 20
	check "the copy is now this client's sspsh" cmp -s "$SSPSH" "$REMOTE_HOME/.local/bin/sspsh"
	check "and it said what it replaced" grep -q "replacing it with this one" "$E2E_TMP/install.err"
	type_text 'echo skew-$((6 * 7))-fixed'; press Enter
	expect "the session works" wait_for 'skew-42-fixed' 10
	type_text exit; press Enter
	expect "and ends with status 0" wait_for 'CONNECT-EXIT:0' 10
else
	skip "--install replacing an older copy" "tmux is not installed"
fi

rm -f "$REMOTE_HOME/.local/bin/sspsh"
cp "$SKEW" "$E2E_TMP/remote-path/sspsh"
REMOTE_PATH=$E2E_TMP/remote-path:/usr/bin:/bin
out=$("$SSPSH" connect --install --ssh="$E2E_TMP/fake_ssh" localhost 2>&1 < /dev/null); rc=$?
check "an old sspsh elsewhere on PATH: connect --install fails" test "$rc" -ne 0
check "and says in one line what to do instead" one_line_says \
	"localhost's $E2E_TMP/remote-path/sspsh is sspsh 0.0.9 (protocol 99), this client sspsh $ours (protocol $PROTOCOL): update it there, or run this one from ~/.local/bin with --install --server=.local/bin/sspsh" "$out"
check "and replaces nothing" sh -c "cmp -s '$SKEW' '$E2E_TMP/remote-path/sspsh' && [ ! -e '$REMOTE_HOME/.local/bin/sspsh' ]"
finish
