#!/usr/bin/env bash
# Sessions on a bad link: 30 % loss in both directions, and an outage of
# 30 s (the server frozen) during which the client moves to a new port.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "session_link" "tmux is not installed"; finish; fi

# ---- 30 % loss: a typed 2,000-character line arrives intact, exactly once.
line=$(for i in $(seq 1 200); do printf '%05d:abcd' "$i"; done)
start_local --link loss=30%
expect "a prompt appears over a 30 % loss link" wait_for '$' 20
type_text "cat > $E2E_TMP/typed"; press Enter
sleep 0.5
type_text "$line"; press Enter
sleep 0.5
press C-d
type_text 'echo typed-done'; press Enter
if wait_for 'typed-done' 60; then
	printf '%s\n' "$line" > "$E2E_TMP/expected"
	expect "a 2,000-character line typed over 30 % loss arrives intact, exactly once" \
		cmp -s "$E2E_TMP/typed" "$E2E_TMP/expected"
else
	fail_screen "the line typed over 30 % loss is echoed"
fi
type_text 'exit'; press Enter
wait_for '[sspsh is exiting.]' 20
tmux_stop

# ---- An outage of 30 s: keys typed meanwhile arrive, the screen heals, the
# client has hopped to a new UDP port and the server followed it.
udp_port_of() { ss -H -uanp 2>/dev/null | grep "pid=$1," | awk '{print $4}' | sed 's/.*://' | head -1; }

start_local
expect "a prompt appears" wait_for '$' 10
client=$(client_pid) server=$(server_pid)
if [ -z "$client" ] || [ -z "$server" ]; then
	fail_screen "client and server processes found"
	finish
fi
port_before=$(udp_port_of "$client")
kill -STOP "$server"
outage_start=$SECONDS
e2e_pids+=("$server")
type_text 'echo during-$((1 + 1))-outage'; press Enter
expect "the client says when it last heard from the server" \
	wait_for_regex 'sspsh: Last contact [0-9]+ seconds ago\. \[To quit: Ctrl-\^ \.\]' 15
left=$((30 - (SECONDS - outage_start)))
[ "$left" -gt 0 ] && sleep "$left"
kill -CONT "$server"
expect "keys typed during a 30 s outage arrive after it" wait_for 'during-2-outage' 15
expect "the notice goes away on contact" \
	wait_until 10 sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -t t | grep -q 'Last contact'"
type_text 'echo after-$((2 + 2))-outage'; press Enter
expect "the session works after the outage" wait_for 'after-4-outage' 10
port_after=$(udp_port_of "$client")
if [ -n "$port_before" ] && [ -n "$port_after" ] && [ "$port_before" != "$port_after" ]; then
	pass "the client changed port mid-session ($port_before -> $port_after) and the server followed"
else
	fail "the client changed port mid-session" "port before '$port_before', after '$port_after'"
fi
type_text 'exit'; press Enter
expect "the session ends" wait_for '[sspsh is exiting.]' 10
finish
