#!/usr/bin/env bash
# Scrollback on reattach: 300 lines in an SSH-free session, a detach, and a
# new client with --attach in a fresh terminal finds them in its history.
. "$(dirname "$0")/lib.sh"

need tmux || { skip scrollback_attach "tmux is not installed"; finish; }
PORT=$((62000 + ($$ % 400)))
chmod 755 "$E2E_TMP"
printf 'set -g history-limit 50000\n' > "$E2E_TMP/tmux.conf"
tmx() { tmux -L "$TMUX_SOCKET" -f "$E2E_TMP/tmux.conf" "$@"; }

# As root, the daemon runs as a throwaway user made here.
TEST_USER=
if [ "$(id -u)" = 0 ]; then
	need useradd || { skip scrollback_attach "no useradd to make a user for the daemon"; finish; }
	TEST_USER=sspshsb$$
	useradd -M -d "$E2E_TMP/server" -s /bin/bash "$TEST_USER" || TEST_USER=
	[ -n "$TEST_USER" ] || { skip scrollback_attach "cannot make a user for the daemon"; finish; }
fi
attach_cleanup() {
	e2e_cleanup
	[ -n "$TEST_USER" ] && userdel "$TEST_USER" 2>/dev/null
}
trap attach_cleanup EXIT

mkdir -p "$E2E_TMP/server/.sspsh" "$E2E_TMP/a"
HOME=$E2E_TMP/a "$SSPSH" keygen -C a >/dev/null 2>&1
cp "$E2E_TMP/a/.sspsh/id_x25519.pub" "$E2E_TMP/server/.sspsh/authorized_keys"
run_as=()
if [ -n "$TEST_USER" ]; then
	chown -R "$TEST_USER" "$E2E_TMP/server"
	run_as=(--user "$TEST_USER")
fi
HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$PORT" "${run_as[@]}" --foreground \
	2> "$E2E_TMP/daemon.log" &
e2e_pids+=($!)
if ! wait_until 10 grep -q "listening on UDP port $PORT" "$E2E_TMP/daemon.log"; then
	fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"
	finish
fi

# client NAME ARGS...: connect --udp as a in tmux session NAME.
client() {
	local name=$1; shift
	tmx new-session -d -s "$name" -x 80 -y 24 \
		"HOME=$E2E_TMP/a $SSPSH connect --udp --accept-new 127.0.0.1:$PORT $*; echo CLIENT-DONE; sleep 600"
}
shows() { tmx capture-pane -p -t "$1" | grep -qF -- "$2"; }
history_of() { tmx capture-pane -p -t "$1" -S -; }

client first -- env PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile
wait_until 10 shows first '$' || {
	fail "the first client gets a shell" "$(tmx capture-pane -p -t first | grep . ; tail -5 "$E2E_TMP/daemon.log")"
	finish
}
tmx send-keys -t first -l 'for i in $(seq 1 300); do echo "kept-$i"; done'
tmx send-keys -t first Enter
wait_until 10 shows first 'kept-300'
tmx send-keys -t first C-^ .
check "Ctrl-^ . detaches" wait_until 10 shows first "CLIENT-DONE"

client second --attach
wait_until 10 shows second 'kept-300'
got=$(history_of second | grep -cx 'kept-[0-9]*')
if [ "$got" = 300 ] && history_of second | grep -x 'kept-[0-9]*' | cmp -s - <(seq -f 'kept-%g' 1 300)
then pass "--attach from a new client: the 300 lines are in its history, in order"
else fail "--attach brings the history back" "$got of 300 lines"; fi
finish
