#!/usr/bin/env bash
# connect -L: downloads from a python3 HTTP server through the session, over
# loopback, over a bad link (delay 100 ms, jitter 20, 5 % loss), and across
# a 12 s SIGSTOP of the server during which the client moves to a new port.
# (The 20 MB and 50-connection versions are test/soak/forward_soak.sh.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux python3 curl ss; do
	need "$tool" || { skip "forward_local" "$tool is not installed"; finish; }
done
http_start 1 3

# ---- Loopback.
lport=$(free_port)
session_with -L "$lport:127.0.0.1:$HTTP_PORT"
expect "the client listens on the -L port" wait_until 10 listening "$lport"
curl -sf --max-time 60 "http://127.0.0.1:$lport/blob-3" -o "$E2E_TMP/got-loopback"
check "3 MB through -L arrive intact" same_file blob-3 "$E2E_TMP/got-loopback"
fetches=()
for i in 1 2 3 4 5 6 7 8; do
	curl -sf --max-time 60 "http://127.0.0.1:$lport/blob-1" -o "$E2E_TMP/got-par-$i" &
	fetches+=($!)
done
wait "${fetches[@]}"
ok=0
for i in 1 2 3 4 5 6 7 8; do same_file blob-1 "$E2E_TMP/got-par-$i" && ok=$((ok + 1)); done
check "8 concurrent 1 MB downloads through -L arrive intact ($ok of 8)" test "$ok" = 8
type_text 'echo still-$((6 * 7))'; press Enter
expect "the session answers after the transfers" wait_for 'still-42' 10
tmux_stop

# ---- A bad link.
lport=$(free_port)
session_with --link delay=100,jitter=20,loss=5% -L "$lport:127.0.0.1:$HTTP_PORT"
wait_until 10 listening "$lport"
start=$SECONDS
curl -sf --max-time 90 "http://127.0.0.1:$lport/blob-3" -o "$E2E_TMP/got-link"
check "3 MB through -L over delay=100,jitter=20,loss=5% arrive intact ($((SECONDS - start)) s)" \
	same_file blob-3 "$E2E_TMP/got-link"
tmux_stop

# ---- The server stopped for 12 s mid-transfer; the client hops ports.
udp_port_of() { ss -H -uanp 2>/dev/null | grep "pid=$1," | awk '{print $4}' | sed 's/.*://' | head -1; }
lport=$(free_port)
session_with -L "$lport:127.0.0.1:$HTTP_PORT"
wait_until 10 listening "$lport"
client=$(client_pid) server=$(server_pid)
if [ -z "$client" ] || [ -z "$server" ]; then
	fail_screen "client and server processes found"
	finish
fi
e2e_pids+=("$server")
port_before=$(udp_port_of "$client")
curl -sf --max-time 120 --limit-rate 300k "http://127.0.0.1:$lport/blob-3" -o "$E2E_TMP/got-stop" &
fetch=$!
sleep 2
kill -STOP "$server"
sleep 12
kill -CONT "$server"
wait "$fetch"
check "a download through -L completes intact across a 12 s SIGSTOP of the server" \
	same_file blob-3 "$E2E_TMP/got-stop"
port_after=$(udp_port_of "$client")
check "meanwhile the client moved to a new UDP port ($port_before -> $port_after)" \
	test -n "$port_before" -a -n "$port_after" -a "$port_before" != "$port_after"
finish
