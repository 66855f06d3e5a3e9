#!/usr/bin/env bash
# Before a session, the relay's ssh (in a session of its own, away from
# the terminal's Ctrl-C) ends with the client: Ctrl-C while ssh is still
# trying, Ctrl-C or Ctrl-\ at ssh's password question and SIGTERM each stop
# it and the client exits with 128 + the signal, the terminal echoing; a client killed with SIGKILL
# takes it along too (the kernel tells ssh). With --transport=auto, a relay
# whose ssh fails ends the client at once, saying so, rather than after
# the 10 s UDP has; a relay whose ssh stops reading ends it with 255 (not
# SIGPIPE). The directory of ssh's questions (askpass) is gone after each,
# but for SIGKILL's, which the next client removes. A stand-in for ssh
# keeps the test to this machine.
. "$(dirname "$0")/lib.sh"

need tmux || { skip "relay_interrupt" "tmux is not installed"; finish; }
mkdir -p "$E2E_TMP/client" "$E2E_TMP/tmp"
# The clients' own TMPDIR, where their askpass directories go.
client_env="HOME=$E2E_TMP/client TMPDIR=$E2E_TMP/tmp XDG_RUNTIME_DIR="
HOME=$E2E_TMP/client "$SSPSH" keygen -C client >/dev/null 2>&1

# fake_ssh NAME BODY: an ssh that records its PID in $E2E_TMP/NAME.pid and
# runs BODY (sh) instead of connecting anywhere.
fake_ssh() {
	printf '#!/bin/sh\necho $$ > %s\n%s\n' "$E2E_TMP/$1.pid" "$2" > "$E2E_TMP/$1"
	chmod +x "$E2E_TMP/$1"
}
fake_ssh silent 'exec sleep 1000'
fake_ssh asking '"$SSH_ASKPASS" "fake@host'"'"'s password:" > /dev/null; exec sleep 1000'
fake_ssh failing 'echo "ssh: connect to host 127.0.0.1 port 22: Connection refused" >&2; exit 255'
fake_ssh deaf 'exec 0<&-; echo "SSPSH RELAY 1"; exec sleep 1000'

# A UDP port nothing listens on (the daemon the client asks for is not there).
port=
for try in $(seq 62200 62299); do
	[ -z "$(ss -Huan "sport = :$try" 2>/dev/null)" ] && { port=$try; break; }
done

# before_session SSH: the client with --transport=ssh through SSH, in a
# terminal; its status goes to $E2E_TMP/status.
before_session() {
	rm -f "$E2E_TMP/status"
	cat > "$E2E_TMP/run.sh" <<-EOF
	env $client_env "$SSPSH" connect --udp --accept-new --transport=ssh --ssh=$E2E_TMP/$1 nobody@127.0.0.1:$port
	echo \$? > "$E2E_TMP/status"
	stty -a > "$E2E_TMP/modes.after"
	echo CLIENT-DONE
	sleep 600
	EOF
	start_tmux 100 24 "bash $E2E_TMP/run.sh"
}

askpass_dirs() { ls -d "$E2E_TMP"/tmp/sspsh-askpass-* 2>/dev/null; }
no_askpass_dir() { [ -z "$(askpass_dirs)" ]; }
echoes() { grep -q . "$E2E_TMP/modes.after" && ! grep -qw -- -echo "$E2E_TMP/modes.after"; }
alive() { kill -0 "$1" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null; }
status_is() { [ "$(cat "$E2E_TMP/status" 2>/dev/null)" = "$1" ]; }

# ends WHAT SSH WAIT_TEXT ACTION STATUS
ends() {
	local what=$1 ssh=$2 text=$3 action=$4 status=$5 pid
	before_session "$ssh"
	if ! wait_for "$text" 10; then
		fail_screen "$what: the client waits for ssh"
		tmux_stop
		return
	fi
	pid=$(cat "$E2E_TMP/$ssh.pid")
	e2e_pids+=("$pid")
	check "$what: ssh runs while the client waits" alive "$pid"
	"$action"
	expect "$what: the client exits" wait_for CLIENT-DONE 5
	check "$what: its status is $status (got $(cat "$E2E_TMP/status" 2>/dev/null))" status_is "$status"
	check "$what: the relay's ssh is gone" wait_until 5 gone "$pid"
	[ "$status" = 137 ] || check "$what: no askpass directory is left ($(askpass_dirs))" no_askpass_dir
	check "$what: the terminal echoes again" echoes
	tmux_stop
}
ctrl_c() { press C-c; }
ctrl_backslash() { press 'C-\'; }
sigterm() { kill -TERM "$(client_pid)"; }
sigkill() { kill -KILL "$(client_pid)"; }

ends "Ctrl-C while ssh is still trying" silent "ssh is still trying" ctrl_c 130
ends "Ctrl-C at ssh's password question" asking "fake@host's password:" ctrl_c 130
ends "Ctrl-\\ at ssh's password question" asking "fake@host's password:" ctrl_backslash 131
ends "SIGTERM while ssh is still trying" silent "ssh is still trying" sigterm 143
ends "SIGKILL while ssh is still trying" silent "ssh is still trying" sigkill 137
# SIGKILL runs no code: its directory stays until the next client that
# makes one finds it old enough (SSPSH_ASKPASS_STALE_S) and dead.
killed=$(askpass_dirs)
check "SIGKILL: the client's askpass directory is left" test -n "$killed"
[ -n "$killed" ] && touch -d '2 minutes ago' $killed
ends "Ctrl-C at ssh's password question, after a SIGKILL" asking "fake@host's password:" ctrl_c 130
check "... the next client removed what the killed one left" test ! -e "${killed:-/nonexistent}"

# A relay whose ssh greets, then stops reading: the client's next write
# fails (EPIPE), and the client says so and ends.
env $client_env timeout 30 "$SSPSH" connect --udp --accept-new --transport=ssh "--ssh=$E2E_TMP/deaf" \
	"nobody@127.0.0.1:$port" < /dev/null 2> "$E2E_TMP/deaf.err"
status=$?
e2e_pids+=("$(cat "$E2E_TMP/deaf.pid")")
check "a relay that stops reading: status 255, not SIGPIPE's 141 (got $status)" test "$status" = 255
check "... its ssh is gone" wait_until 5 gone "$(cat "$E2E_TMP/deaf.pid")"
check "... saying why" grep -q "relay: the far end stopped reading" "$E2E_TMP/deaf.err"
check "... not that nothing answered" sh -c "! grep -q 'no answer' '$E2E_TMP/deaf.err'"
check "... and no askpass directory is left ($(askpass_dirs))" no_askpass_dir

# --transport=auto: UDP silent for 2 s, then the relay, whose ssh fails.
start=$(date +%s%N)
env $client_env timeout 30 "$SSPSH" connect --udp --accept-new --transport=auto \
	"--ssh=$E2E_TMP/failing" "nobody@127.0.0.1:$port" < /dev/null 2> "$E2E_TMP/auto.err"
status=$?
ms=$((($(date +%s%N) - start) / 1000000))
check "--transport=auto, the relay's ssh fails: status 255 (got $status)" test "$status" = 255
check "... at once, not after UDP's 10 s (${ms} ms)" test "$ms" -lt 6000
check "... with ssh's own error" grep -q "relay: ssh: connect to host 127.0.0.1 port 22: Connection refused" "$E2E_TMP/auto.err"
check "... and why it gives up" grep -q "no answer from 127.0.0.1:$port over UDP, and the relay through ssh failed; giving up" "$E2E_TMP/auto.err"
check "... and no askpass directory is left ($(askpass_dirs))" no_askpass_dir
finish
