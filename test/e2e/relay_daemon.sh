#!/usr/bin/env bash
# The SSH-free daemon reached through ssh where only ssh's port is open:
# `sspsh connect --udp --transport=ssh` runs the relay with the user's ssh
# (sshd started here, test/e2e/sshd_lib.sh), its handshakes and its session
# go through it to the daemon's port, and --list works the same way.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sshd_lib.sh"

reason=$(sshd_skip_reason tmux runuser)
if [ -n "$reason" ]; then skip "relay_daemon" "$reason"; finish; fi
trap 'sshd_stop; e2e_cleanup' EXIT
sshd_start || { fail "relay_daemon: sshd does not start"; finish; }
PORT=$((62300 + ($$ % 300) * 2))

sshd_daemon "127.0.0.1:$PORT"

relay_args=(--udp --accept-new --transport=ssh "--ssh=$SSHD_SSH" "--server=$SSPSH" "$SSHD_USER@127.0.0.1:$PORT")
printf 'HOME=%q exec %q connect -v %s -- env PS1=%q bash --norc --noprofile 2>%q\n' \
	"$E2E_TMP/client" "$SSPSH" "${relay_args[*]@Q}" 'dm$ ' "$E2E_TMP/client.log" > "$E2E_TMP/client.sh"
start_tmux 80 24 "bash $E2E_TMP/client.sh"
type_text 'echo daemon-$((6 * 7))'; press Enter
if ! expect "an SSH-free session through the relay works" wait_for 'daemon-42' 15; then
	tail -10 "$E2E_TMP/client.log" | sed 's/^/    log| /'
fi
check "-v says it relays through ssh" grep -q 'relaying through ssh' "$E2E_TMP/client.log"
relay_runs() { [ -n "$(pgrep -u "$SSHD_USER" -f 'sspsh relay')" ]; }
check "the relay runs on the server" relay_runs
out=$(HOME=$E2E_TMP/client timeout 20 "$SSPSH" connect "${relay_args[@]}" --list 2>&1)
check "--list through the relay shows the attached session" grep -q 'attached' <<< "$out"
type_text 'echo again-$((6 * 7))'; press Enter
expect "the session still works" wait_for 'again-42' 5
finish
