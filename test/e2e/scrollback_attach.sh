#!/usr/bin/env bash
# Scrollback in SSH-free sessions (connect --udp): lines reach the client's
# history; after a detach, --attach from a new client in a fresh terminal
# finds them in its history; --scrollback N asks a new session for a log
# of N lines (at most the daemon's own --scrollback), 0 for none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemon_lib.sh"

need tmux || { skip scrollback_attach "tmux is not installed"; finish; }
daemon_setup sb || { skip scrollback_attach "$daemon_skip"; finish; }
daemon_start 62000 62099 || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"; finish; }
printf 'set -g history-limit 50000\n' > "$E2E_TMP/tmux.conf"
tmx() { tmux -L "$TMUX_SOCKET" -f "$E2E_TMP/tmux.conf" "$@"; }

# client NAME ARGS...: connect --udp in tmux session NAME.
client() {
	local name=$1; shift
	tmx new-session -d -s "$name" -x 80 -y 24 \
		"HOME=$E2E_TMP/client $SSPSH connect --udp 127.0.0.1:$DAEMON_PORT $*; echo CLIENT-DONE; sleep 600"
}
shows() { tmx capture-pane -p -t "$1" | grep -qF -- "$2"; }
history_of() { tmx capture-pane -p -t "$1" -S -; }
kept_lines() { history_of "$1" | grep -x 'kept-[0-9]*'; }
# kept-1..kept-300 in order in NAME's history and screen (the lines go in
# a moment after the screen shows the last: the client lets the answer to
# the typed command show first).
has_all_kept() { kept_lines "$1" | cmp -s - <(seq -f 'kept-%g' 1 300); }

# session NAME ARGS...: a new session whose shell prints kept-1..kept-300,
# then detaches; false (failed) if it never got a shell.
session() {
	local name=$1; shift
	client "$name" "$@" -- env PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile
	wait_until 10 shows "$name" '$' || {
		fail "$name: the client gets a shell" "$(tmx capture-pane -p -t "$name" | grep . ; tail -5 "$E2E_TMP/daemon.log")"
		return 1
	}
	tmx send-keys -t "$name" -l 'for i in $(seq 1 300); do echo "kept-$i"; done'
	tmx send-keys -t "$name" Enter
	wait_until 10 shows "$name" 'kept-300'
}
detach() {
	tmx send-keys -t "$1" C-^ .
	wait_until 10 shows "$1" "CLIENT-DONE"
}
# attach NAME: a new client takes the most recent session back.
attach() {
	client "$1" --attach
	wait_until 10 shows "$1" 'kept-300'
}

session first || finish
check "--udp: the 300 lines reach the client's history, in order" wait_until 10 has_all_kept first
detach first
check "Ctrl-^ . detaches" shows first "CLIENT-DONE"
attach second
if wait_until 10 has_all_kept second
then pass "--attach from a new client: the 300 lines are in its history, in order"
else fail "--attach brings the history back" "$(kept_lines second | wc -l) of 300 lines"; fi
detach second

# --scrollback 50: the client still gets every line as it comes, but the
# session keeps 50, which is what a new client gets back.
session small --scrollback 50 || finish
check "--udp --scrollback 50: the lines still reach the client's history" wait_until 10 has_all_kept small
detach small
attach small_again
got=$(kept_lines small_again | wc -l)
first=$(kept_lines small_again | head -1)
if [ "$got" -ge 50 ] && [ "$got" -le 74 ] && kept_lines small_again | cmp -s - <(seq -f 'kept-%g' $((301 - got)) 300)
then pass "--scrollback 50: a new client gets the session's last 50 lines back (from $first)"
else fail "--scrollback 50 sizes the session's log" "$got lines, from $first"; fi
detach small_again

# --scrollback 0: nothing reaches the history, now or after an attach.
session none --scrollback 0 || finish
check "--udp --scrollback 0: no line in the client's history" test "$(kept_lines none | wc -l)" -le 24
detach none
attach none_again
check "... nor in a new client's after --attach" test "$(kept_lines none_again | wc -l)" -le 24
detach none_again

# The daemon's own --scrollback caps what a client asks for.
kill "$DAEMON_PID"
daemon_start 62000 62099 --scrollback 40 || { fail "the daemon starts again" "$(cat "$E2E_TMP/daemon.log")"; finish; }
session greedy --scrollback 100000 || finish
detach greedy
attach greedy_again
got=$(kept_lines greedy_again | wc -l)
check "a client asking for 100,000 lines of a daemon keeping 40 gets 40 back ($got with the screen)" \
	test "$got" -ge 40 -a "$got" -le 64
finish
