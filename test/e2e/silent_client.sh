#!/usr/bin/env bash
# A client that goes silent (suspended, its machine asleep): once it has
# been silent SSPSH_SILENT_BACKOFF_AFTER_MS (10 s), the server spaces its
# datagrams out (the next one about 18 s after the client's last word, then
# 36 s ...) instead of a heartbeat every 3 s; the session stays, and when
# the client runs again a typed key is echoed at once. Datagrams from the
# server's port are counted by an nftables table of this test's own.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "silent_client" "tmux is not installed"; finish; fi
if ! need nft || [ "$(id -u)" != 0 ]; then skip "silent_client" "needs root and nft to count datagrams"; finish; fi
table=sspsh_silent_$$
trap 'nft delete table inet "$table" 2>/dev/null; e2e_cleanup' EXIT

sent_by_server() {
	nft list counter inet "$table" down | awk '{ for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

start_local
expect "a prompt appears" wait_for_regex '^\$ ?$' 10
server=$(server_pid); client=$(client_pid)
port=$(ss -H -uanp | grep "pid=$server," | awk '{ print $4 }' | sed 's/.*://' | head -1)
if [ -z "$port" ] || ! nft -f - <<-NFT
	table inet $table {
		counter down {}
		chain out { type filter hook output priority 0; udp sport $port counter name down; }
	}
NFT
then
	fail "count the server's datagrams" "no port or no nftables table"
	finish
fi

sleep 1
kill -STOP "$client"
sleep 11
before=$(sent_by_server)
sleep 14
sent=$(( $(sent_by_server) - before ))
# Heartbeats every 3 s would be 4 or 5 in these 14 s.
check "from 11 s to 25 s of silence the server sends at most 2 datagrams (sent $sent)" test "$sent" -le 2

kill -CONT "$client"
type_text 'echo BACK-$((6 * 7))'; press Enter
expect "the session answers at once after the client resumes" wait_for 'BACK-42' 2
press C-^; type_text '.'
expect "the client exits" wait_for CLIENT-DONE 5
finish
