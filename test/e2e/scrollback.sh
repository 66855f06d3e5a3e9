#!/usr/bin/env bash
# Native scrollback: lines that scroll off the session's screen reach the
# local terminal's own history (tmux's here, read with capture-pane -S -),
# in order and once, over loopback, a bad link and a stopped server;
# colours survive; full-screen programs and scroll regions below the top
# row add nothing; --scrollback 0 adds nothing, with --direct too.
. "$(dirname "$0")/lib.sh"

need tmux || { skip scrollback "tmux is not installed"; finish; }

# tmux takes history-limit when a pane is made: from a config file.
printf 'set -g history-limit 300000\n' > "$E2E_TMP/tmux.conf"
tmx() { tmux -L "$TMUX_SOCKET" -f "$E2E_TMP/tmux.conf" "$@"; }

history_size() { tmx display -p -t t '#{history_size}'; }
# history_over N / history_under N, for wait_until (which runs them anew).
history_over() { test "$(history_size)" -gt "$1"; }
history_under() { test "$(history_size)" -lt "$1"; }
# Every line of history and screen.
everything() { tmx capture-pane -p -t t -S - "$@"; }
numbers() { everything | grep -xE '[0-9]+'; }

# run_local NAME [CONNECT OPTIONS]: a session in a fresh pane.
run_local() {
	tmux_stop
	start_local "$@"
	wait_for '$' 10
}

# flood N: seq 1 N and a marker; waits for the marker and for the last
# line in the history. The marker's own line is made by the shell, so
# `echo` does not match the typed command.
flood() {
	type_text "seq 1 $1; echo END-OF-\"SEQ\""
	press Enter
	wait_for_regex '^END-OF-SEQ' "${2:-60}"
}

exact() {
	local n=$1
	numbers > "$E2E_TMP/got"
	seq 1 "$n" | cmp -s - "$E2E_TMP/got"
}

describe() {
	echo "    $(wc -l < "$E2E_TMP/got") numeric lines, $(sort -u "$E2E_TMP/got" | wc -l) distinct;" \
		"first gap: $(seq 1 "$1" | diff - "$E2E_TMP/got" | head -3 | tr '\n' ' ')"
}

# ---- seq 1 100000 over loopback ----

run_local
flood 100000
wait_until 30 exact 100000
if exact 100000; then pass "seq 1 100000: 1..100000 in history and screen, in order, each once"
else fail "seq 1 100000 in the local history"; describe 100000; fi

# ---- a program that exits right after its flood ----

tmux_stop
start_tmux 80 24 "$SSPSH connect --local -- seq 1 50000; echo CLIENT-DONE; sleep 600"
wait_for 'CLIENT-DONE' 30
if exact 50000; then pass "seq 1 50000 as the session's command: every line reaches the history before the client exits"
else fail "the lines of a program that exits right away"; describe 50000; fi

# The same where the program is gone before the client's first datagram
# arrives, and its lines wait in the pty for the stream (and the tail of
# them after the pty hung up).
start_tmux 80 24 "$SSPSH connect --local --link delay=300 -- seq 1 50000; echo CLIENT-DONE \$?; sleep 600"
wait_for 'CLIENT-DONE' 60
expect "over 600 ms RTT, seq 1 50000 ending before the client came: the client exits 0" \
	wait_for 'CLIENT-DONE 0' 1
if exact 50000; then pass "... and every line reaches the history, the last ones too"
else fail "the lines of a program that ended before the client came"; describe 50000; fi

# ---- the same over a bad link ----

run_local "--link delay=100,jitter=20,loss=5%"
flood 100000 120
wait_until 60 exact 100000
if exact 100000; then pass "seq 1 100000 over delay=100,jitter=20,loss=5%: each line once, in order"
else fail "seq 1 100000 over a bad link"; describe 100000; fi

# ---- a 20 s SIGSTOP of the server in the middle of a flood ----

run_local
type_text "seq 1 100000 | while read -r l; do echo \"\$l\"; done; echo END-OF-\"SEQ\""
press Enter
wait_until 10 history_over 2000
server=$(server_pid)
kill -STOP "$server"
sleep 20
kill -CONT "$server"
wait_for_regex '^END-OF-SEQ' 120
wait_until 60 exact 100000
if exact 100000; then pass "a 20 s SIGSTOP of the server mid-flood: every line once, in order"
else fail "seq through a stopped server"; describe 100000; fi

# ---- colours ----

run_local
type_text 'for i in $(seq 1 60); do printf "\033[31mred %d\033[0m \033[1;44mbold on blue\033[0m\n" $i; done'
press Enter
wait_for 'red 60' 10
wait_until 10 history_over 30
# capture-pane -e starts each line with what the one before reset.
check "colours survive in the history (capture-pane -e)" \
	grep -qE $'\e\\[31m(\e\\[49m)?red 1\e\\[39m \e\\[1m\e\\[44mbold on blue' <(everything -e)
check "colours survive in the history, the 30th line too" \
	grep -qE $'\e\\[31m(\e\\[49m)?red 30\e\\[39m \e\\[1m\e\\[44mbold on blue' <(everything -e)

# ---- full-screen programs and scroll regions ----

run_local
seq 1 3000 > "$E2E_TMP/long"
type_text "clear; less $E2E_TMP/long"
press Enter
wait_for '1' 10
before=$(history_size)
for _ in 1 2 3 4 5 6; do press Space; sleep 0.2; done
wait_for '133' 10
press q
wait_for '$' 10
sleep 0.5
check "less paging through a long file adds nothing to history" test "$(history_size)" = "$before"
if need vim; then
	type_text "vim -u NONE $E2E_TMP/long"
	press Enter
	wait_for '1' 10
	for _ in 1 2 3 4 5; do press C-f; sleep 0.2; done
	type_text ':q'
	press Enter
	wait_for '$' 10
	sleep 0.5
	check "vim paging adds nothing to history" test "$(history_size)" = "$before"
else
	skip "vim paging adds nothing to history" "vim is not installed"
fi

before=$(history_size)
type_text 'printf "\033[5;20r\033[20H"; seq 1 50; printf "\033[r"'
press Enter
sleep 1
check "a scroll region from row 5 adds nothing to history" test "$(history_size)" = "$before"
type_text 'printf "\033[1;20r\033[20H"; for i in $(seq 1 50); do echo region-$i; done; printf "\033[r"'
press Enter
wait_for 'region-50' 10
wait_until 10 grep -qx 'region-1' <(everything)
check "a scroll region from row 1 adds its lines" grep -qx 'region-1' <(everything)

# ---- clear: ED 3 erases the saved lines ----

run_local
flood 500
wait_until 10 history_over 400
type_text 'printf "\033[3J"; echo erased'
press Enter
wait_for 'erased' 10
check "ED 3 from the program erases the local history" wait_until 10 history_under 24

# ---- --scrollback 0 ----

run_local --scrollback 0
flood 20000
sleep 1
check "--scrollback 0: no line of the flood in the local history" test "$(numbers | wc -l)" -le 24

# ---- connect --direct to a server of its own: the server keeps its log,
# the client's --scrollback 0 turns its stream down ----

run_direct() {
	"$SSPSH" server -i 127.0.0.1 --foreground -- "${E2E_SHELL[@]}" > "$E2E_TMP/direct.line" 2>/dev/null &
	e2e_pids+=($!)
	wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/direct.line"
	read -r _ _ port key _ < "$E2E_TMP/direct.line"
	start_tmux 80 24 "SSPSH_KEY=$key ${SSPSH@Q} connect --direct 127.0.0.1 $port $*"
	wait_for '$' 10
}
run_direct
flood 20000
check "--direct: the flood reaches the local history" wait_until 30 exact 20000
run_direct --scrollback 0
flood 20000
sleep 1
check "--direct --scrollback 0: no line of the flood in the local history" test "$(numbers | wc -l)" -le 24
finish
