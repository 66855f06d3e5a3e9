#!/usr/bin/env bash
# connect -R and -D end to end (-D with curl --socks5-hostname, names
# resolved by the server), and what refused forwards look like: a port in
# use, an unknown host through -D, a refused connection; each is one line
# on the client's screen naming the forward, and the session carries on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux python3 curl ss; do
	need "$tool" || { skip "forward_remote" "$tool is not installed"; finish; }
done
http_start 2

# ---- -R: the server listens, connections come back to this side.
rport=$(free_port)
session_with -R "$rport:127.0.0.1:$HTTP_PORT"
expect "the server listens on the -R port" wait_until 10 listening "$rport"
server=$(server_pid)
check "... and it is the server's socket, on loopback" \
	sh -c "ss -Hltnp 'sport = :$rport' | grep -q '127.0.0.1:$rport.*pid=$server,'"
curl -sf --max-time 60 "http://127.0.0.1:$rport/blob-2" -o "$E2E_TMP/got-r"
check "2 MB through -R arrive intact" same_file blob-2 "$E2E_TMP/got-r"
tmux_stop
check "the -R port closes with the session" wait_until 10 sh -c "! ss -Hltn 'sport = :$rport' | grep -q ."

# ---- -D: SOCKS5, names resolved on the server.
dport=$(free_port)
session_with -D "$dport"
expect "the client listens on the -D port" wait_until 10 listening "$dport"
curl -sf --max-time 60 --socks5-hostname "127.0.0.1:$dport" "http://localhost:$HTTP_PORT/blob-2" \
	-o "$E2E_TMP/got-d"
check "2 MB through -D (curl --socks5-hostname) arrive intact" same_file blob-2 "$E2E_TMP/got-d"
curl -s --max-time 30 --socks5-hostname "127.0.0.1:$dport" "http://no-such-host.invalid/" \
	-o /dev/null
rc=$?
check "an unknown host through -D fails curl's SOCKS request (curl status $rc)" test "$rc" = 97
expect "... and the client says so in one line naming the forward" \
	wait_for "sspsh: -D $dport: no-such-host.invalid:80: unknown host" 10
closed=$(free_port)
curl -s --max-time 30 --socks5-hostname "127.0.0.1:$dport" "http://127.0.0.1:$closed/" -o /dev/null
expect "a refused connection through -D is a line too" \
	wait_for "sspsh: -D $dport: 127.0.0.1:$closed: connection refused" 10
type_text 'echo carries-$((40 + 2))'; press Enter
expect "the session carries on" wait_for 'carries-42' 10
tmux_stop

# ---- -L on a port in use: a line (over the top line, the prompt's, for
# 5 s), and the session runs.
start_tmux 80 24 "$SSPSH connect --local -L $HTTP_PORT:127.0.0.1:9 -- ${E2E_SHELL[*]@Q}"
expect "a -L port in use is one line naming the forward" \
	wait_for "sspsh: -L $HTTP_PORT:127.0.0.1:9: port in use" 10
type_text 'echo runs-$((40 + 2))'; press Enter
expect "the session runs without that forward" wait_for 'runs-42' 10
tmux_stop

# ---- -R on a port in use on the server.
start_tmux 80 24 "$SSPSH connect --local -R $HTTP_PORT:127.0.0.1:9 -- ${E2E_SHELL[*]@Q}"
expect "a -R port in use on the server is one line naming the forward" \
	wait_for "sspsh: -R $HTTP_PORT:127.0.0.1:9: port in use" 10
tmux_stop
finish
