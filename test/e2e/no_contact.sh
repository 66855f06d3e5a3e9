#!/usr/bin/env bash
# A server that never answers (nothing on the port, or a server with
# another key; a daemon that does not know our key): within about a second
# the client says where it is trying and what is likely wrong, never "Last
# contact" (there was none), and exits with 255, as ssh does.
. "$(dirname "$0")/lib.sh"

need tmux || { skip no_contact "tmux is not installed"; finish; }

# A UDP port nothing on this machine is bound to.
free_udp_port() {
	local port
	for port in $(seq 62400 62499); do
		[ -z "$(ss -Huan "sport = :$port" 2>/dev/null)" ] && { echo "$port"; return 0; }
	done
	return 1
}
ms() { echo $(($(date +%s%N) / 1000000)); }

# silent_direct NAME PORT KEY: `connect --direct` to a port that does not
# answer with KEY, in a terminal wide enough for the whole notice.
silent_direct() {
	local name=$1 port=$2 key=$3 start took
	tmux_stop
	start=$(ms)
	start_tmux 160 24 "SSPSH_KEY=$key ${SSPSH@Q} connect --direct 127.0.0.1 $port; echo STATUS=\$?; sleep 600"
	if wait_for "sspsh: nothing from 127.0.0.1:$port yet (no server there, another key, or UDP blocked?)" 5; then
		took=$(($(ms) - start))
		# 1 s by design; the rest is room for tmux and a loaded machine.
		check "$name: the client says where and what is likely wrong within 3 s (${took} ms)" test "$took" -le 3000
	else
		fail_screen "$name: the client says where and what is likely wrong"
	fi
	sleep 7	# past the 6.5 s after which "Last contact" would show
	expect "$name: no 'Last contact' when there never was contact" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -q 'Last contact'"
	expect "$name: the notice is still there" wait_for "nothing from 127.0.0.1:$port yet" 1
	press C-^; type_text '.'
	expect "$name: Ctrl-^ . exits with 255" wait_for 'STATUS=255' 5
	expect "$name: ... leaving one line that says why" \
		wait_for "[sspsh: nothing ever came from 127.0.0.1:$port (no server there, another key, or UDP blocked?).]" 1
}

port=$(free_udp_port) || { fail "a free UDP port"; finish; }
key=$(head -c 32 /dev/urandom | base64)
silent_direct "nothing on the port" "$port" "$key"

# A live server, but the client has another key: the server stays silent.
"$SSPSH" server -i 127.0.0.1 --foreground -p 62400:62499 -- sleep 600 > "$E2E_TMP/line" 2>/dev/null &
e2e_pids+=($!)
wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/line"
read -r _ _ live_port _ < "$E2E_TMP/line"
silent_direct "a server with another key" "$live_port" "$key"

# --udp: the daemon's silence (no daemon there; one that does not know our
# key sounds the same) is said before the handshake gives up.
mkdir -p "$E2E_TMP/home"
HOME=$E2E_TMP/home "$SSPSH" keygen -C nobody >/dev/null 2>&1
port=$(free_udp_port)
start=$(ms)
HOME=$E2E_TMP/home "$SSPSH" connect --udp "127.0.0.1:$port" </dev/null >/dev/null 2>"$E2E_TMP/udp.err" &
udp_client=$!
e2e_pids+=("$udp_client")
if wait_until 5 grep -q "no answer from 127.0.0.1:$port yet" "$E2E_TMP/udp.err"; then
	took=$(($(ms) - start))
	check "--udp: one line names the address and the likely causes within 3 s (${took} ms)" test "$took" -le 3000
	check "... the daemon's absence, the key not authorized, UDP blocked" \
		grep -q "no \`sspsh server --listen\` on that port, .*id_x25519.pub not in its authorized_keys, or UDP blocked" "$E2E_TMP/udp.err"
else
	fail "--udp: one line names the address and the likely causes" "$(cat "$E2E_TMP/udp.err")"
fi
wait "$udp_client"
rc=$?
check "--udp: a daemon that never answers makes the client exit with 255" test "$rc" = 255
check "... after one more line" test "$(wc -l < "$E2E_TMP/udp.err")" = 2

# With the daemon's key pinned the client goes straight to the handshake,
# whose silence is said the same way.
pinned=$(cut -d' ' -f2 "$E2E_TMP/home/.sspsh/id_x25519.pub")
start=$(ms)
HOME=$E2E_TMP/home "$SSPSH" connect --udp --server-key "$pinned" "127.0.0.1:$port" </dev/null >/dev/null \
	2>"$E2E_TMP/pinned.err" &
udp_client=$!
e2e_pids+=("$udp_client")
if wait_until 5 grep -q "no answer from 127.0.0.1:$port yet" "$E2E_TMP/pinned.err"; then
	took=$(($(ms) - start))
	check "--udp with a pinned key: the silence is said within 3 s too (${took} ms)" test "$took" -le 3000
else
	fail "--udp with a pinned key: the silence is said" "$(cat "$E2E_TMP/pinned.err")"
fi
wait "$udp_client"
rc=$?
check "... and the client exits with 255" test "$rc" = 255
finish
