#!/usr/bin/env bash
# `sspsh relay`: a real session's sealed datagrams carried through it (a
# client on UDP to a bridge that frames them into the relay's stdin, as ssh
# would carry them; test/e2e/relay_bridge.py), and relays fed garbage,
# oversize frames and a closed stdin, which exit at once while the server
# and its session carry on unharmed.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "relay" "tmux is not installed"; finish; fi
if ! need python3; then skip "relay" "python3 is not installed"; finish; fi
here=$(cd "$(dirname "$0")" && pwd)

"$SSPSH" server -i 127.0.0.1 --foreground --timeout 60 -- "${E2E_SHELL[@]}" \
	> "$E2E_TMP/connect" 2> "$E2E_TMP/server.log" &
server=$!
e2e_pids+=("$server")
wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/connect" || { fail "the server starts"; finish; }
read -r _ _ port key _ < "$E2E_TMP/connect"

python3 "$here/relay_bridge.py" "$E2E_TMP/bridge_port" "$SSPSH" relay -v "127.0.0.1:$port" \
	2> "$E2E_TMP/relay.log" &
bridge=$!
e2e_pids+=("$bridge")
wait_until 5 test -s "$E2E_TMP/bridge_port" || { fail "the bridge starts"; finish; }
bridge_port=$(cat "$E2E_TMP/bridge_port")
relay=$(ps -o pid= --ppid "$bridge" | tr -d ' ')
e2e_pids+=("$relay")

umask 077
printf 'export SSPSH_KEY=%q\nexec %q connect --direct 127.0.0.1 %q\n' "$key" "$SSPSH" "$bridge_port" \
	> "$E2E_TMP/client.sh"
start_tmux 80 24 "bash $E2E_TMP/client.sh"
expect "a session through the relay shows the prompt" wait_for '$' 10
type_text 'echo relayed-$((6 * 7))'; press Enter
expect "typing reaches the shell and its echo comes back" wait_for 'relayed-42' 5

# The server's peer is the relay's socket, not the client's or the bridge's.
# peer_is PORT: the server's counters line (SIGUSR1) names 127.0.0.1:PORT.
counter_lines() { grep -c 'counters:' "$E2E_TMP/server.log"; }
more_counter_lines() { [ "$(counter_lines)" -gt "$1" ]; }
peer_is() {
	local before
	before=$(counter_lines)
	kill -USR1 "$server"
	wait_until 3 more_counter_lines "$before" &&
		grep 'counters:' "$E2E_TMP/server.log" | tail -1 | grep -q "peer 127.0.0.1:$1\$"
}
relay_port=$(ss -Huanp 2>/dev/null | grep "pid=$relay," | awk '{print $4}' | sed 's/.*://' | head -1)
check "the server hears the session from the relay's port" peer_is "${relay_port:-none}"

seq 1 300000 | sed 's/$/ the quick brown fox/' > "$E2E_TMP/big"
type_text "clear; cat $E2E_TMP/big; echo cat-done"; press Enter
expect "the end of a $(($(stat -c %s "$E2E_TMP/big") / 1000000)) MB cat shows through the relay" wait_for 'cat-done' 30
type_text 'yes flood'; press Enter
wait_for 'flood' 5
press C-c
type_text 'echo stopped-$((6 * 7))'; press Enter
expect "Ctrl-C stops a flood through the relay" wait_for 'stopped-42' 15

# Hostile input: each relay exits by itself, quickly, with the status given.
# relay_exits NAME STATUS INPUT_FILE
relay_exits() {
	local name=$1 want=$2 input=$3 rc
	timeout 5 "$SSPSH" relay "127.0.0.1:$port" < "$input" > "$E2E_TMP/out" 2> "$E2E_TMP/err"
	rc=$?
	if [ "$rc" = "$want" ] && head -c 14 "$E2E_TMP/out" | grep -q '^SSPSH RELAY 1$'; then
		pass "$name"
	else
		fail "$name" "status $rc (expected $want): $(cat "$E2E_TMP/err")"
	fi
}
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' > "$E2E_TMP/text"
head -c 100000 /dev/urandom > "$E2E_TMP/random"
printf '\000\005hello\000\000' > "$E2E_TMP/empty_frame"
printf '\377\377' > "$E2E_TMP/oversize"
{ printf '\010\001'; head -c 2049 /dev/zero; } > "$E2E_TMP/just_over"
relay_exits "a relay fed text exits with status 1" 1 "$E2E_TMP/text"
relay_exits "a relay fed random bytes exits with status 1" 1 "$E2E_TMP/random"
relay_exits "a relay fed an empty frame exits with status 1" 1 "$E2E_TMP/empty_frame"
relay_exits "a relay fed a 65535-byte frame exits with status 1" 1 "$E2E_TMP/oversize"
relay_exits "a relay fed a frame one byte over the limit exits with status 1" 1 "$E2E_TMP/just_over"
relay_exits "a relay whose stdin is closed exits with status 0" 0 /dev/null
check "the relay's complaint is one line" sh -c "[ \$(wc -l < '$E2E_TMP/err') -le 1 ]"
"$SSPSH" relay 127.0.0.1 < /dev/null > /dev/null 2>&1
check "a relay without a port is a usage error (status 2)" test $? -eq 2

check "the server is still running" kill -0 "$server"
type_text 'echo still-$((6 * 7))'; press Enter
expect "the session through the relay is unaffected" wait_for 'still-42' 5
# Random frames reached the server as datagrams from other relays' ports:
# none authenticated, so the server still follows the session's relay.
check "the server's peer is still the session's relay" peer_is "${relay_port:-none}"
finish
