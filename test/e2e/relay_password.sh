#!/usr/bin/env bash
# The relay through ssh with password authentication (sshd started here
# takes the test user's password and no key): the relay's ssh asks through
# the askpass helper, the question shows on the client's status line, the
# password typed there reaches ssh and never the session, and the screen
# comes back. When the relay's ssh connection is killed the client runs it
# again, asks again, and a key typed before the question arrives exactly
# once. Ctrl-C at the question cancels it. Before a session (the SSH-free
# handshake through the relay, --udp --transport=ssh) ssh's question is
# asked on the terminal.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sshd_lib.sh"

reason=$(sshd_skip_reason tmux chpasswd pgrep runuser)
if [ -n "$reason" ]; then skip "relay_password" "$reason"; finish; fi
trap 'sshd_stop; e2e_cleanup' EXIT
password=pw-$$-secret
SSHD_PASSWORD=$password
sshd_start || { fail "relay_password: sshd does not start"; finish; }
chmod 0755 "$E2E_TMP"

ssh_pw="ssh -p $SSHD_PORT -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
-o LogLevel=ERROR -o PubkeyAuthentication=no -o PreferredAuthentications=password"
printf 'exec %q connect -v --transport=ssh --ssh=%q --server=%q %q -- env PS1=%q bash --norc --noprofile 2>%q\n' \
	"$SSPSH" "$ssh_pw" "$SSPSH" "$SSHD_USER@127.0.0.1" 'pw$ ' "$E2E_TMP/client.log" > "$E2E_TMP/client.sh"
start_tmux 100 24 "bash $E2E_TMP/client.sh; echo STATUS=\$?; sleep 600"

# The first ssh (that starts the server) asks on the terminal itself.
expect "ssh asks for the password to start the server" wait_for "$SSHD_USER@127.0.0.1's password:" 15
type_text "$password"; press Enter

question="$SSHD_USER@127.0.0.1's password: [Enter: answer, Ctrl-C: cancel]"
on_top() { screen | head -1 | grep -qF -- "$1"; }
if ! expect "the relay's ssh asks on the status line" wait_until 15 on_top "$question"; then
	tail -10 "$E2E_TMP/client.log" | sed 's/^/    log| /'
	finish
fi
type_text "$password"; press Enter
type_text 'clear; echo top-$((6 * 7))'; press Enter
expect "the session works through the relay once the password is in" wait_for 'top-42' 10
check "-v says it relays through ssh" grep -q 'relaying through ssh' "$E2E_TMP/client.log"

# The relay's ssh connection dies: a key typed at once waits in the
# session's input; the new ssh asks again on the status line.
relay_pids() { pgrep -u "$SSHD_USER" -f 'sspsh relay'; }
# The newest relay's sshd (an older relay may linger until its idle timeout).
relay_sshd() { ps -o ppid= -p "$(pgrep -n -u "$SSHD_USER" -f 'sspsh relay')" 2>/dev/null | tr -d ' '; }
new_relay() { local p; p=$(relay_pids | head -1); [ -n "$p" ] && [ "$p" != "$1" ]; }
touch "$E2E_TMP/once"; chmod 0666 "$E2E_TMP/once"
old_relay=$(relay_pids | head -1)
sshd_child=$(relay_sshd)
if [ -z "$sshd_child" ]; then fail "the relay runs on the server as the test user"; finish; fi
kill -KILL "$sshd_child"
type_text "echo once >> $E2E_TMP/once"; press Enter
expect "after its ssh is killed, the relay's new ssh asks on the status line" wait_until 20 on_top "$question"
check "... over the top row alone: the session's screen stays below" sh -c "tmux -L $TMUX_SOCKET capture-pane -p -t t | sed -n 2p | grep -q '^pw\\$'"
type_text "$password"; press Enter
expect "the password brings the relay back" wait_until 20 new_relay "$old_relay"
expect "the screen comes back where the question was" wait_until 10 on_top 'top-42'
check "a key typed before the question arrived exactly once" wait_until 10 test "$(cat "$E2E_TMP/once")" = once
type_text 'echo back-$((6 * 7))'; press Enter
expect "the session works through the new relay" wait_for 'back-42' 10
check "the password never reached the session" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -t t -S - | grep -qF -- '$password'"

# Ctrl-C at the question: it goes, and ssh's further tries in that run are
# refused without asking; the relay waits the longest backoff before it
# asks again.
kill -KILL "$(relay_sshd)"
expect "the question comes again after the next break" wait_until 20 on_top "$question"
press C-c
not_asking() { ! on_top 'password:'; }
expect "Ctrl-C takes the question away" wait_until 5 not_asking
check "... and the relay waits 30 s before it asks again" \
	wait_until 10 grep -q 'trying again in 30000 ms' "$E2E_TMP/client.log"
check "... with no question meanwhile" not_asking
tmux_stop

# A question longer than the window (a host key's): the status line shows
# its end, where it asks. The relay's "ssh" asks it through askpass first.
cat > "$E2E_TMP/asking_ssh" <<EOF
#!/bin/sh
if [ -n "\${SSPSH_ASKPASS_SOCKET:-}" ]; then
	answer=\$("\$SSH_ASKPASS" "The authenticity of host '127.0.0.1' can't be established.
ED25519 key fingerprint is SHA256:0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ.
Are you sure you want to continue connecting (yes/no/[fingerprint])? ") || exit 255
	[ "\$answer" = yes ] || exit 255
fi
exec $SSHD_SSH "\$@"
EOF
chmod 0755 "$E2E_TMP/asking_ssh"
start_tmux 100 24 "${SSPSH@Q} connect --transport=ssh --ssh=$E2E_TMP/asking_ssh --server=${SSPSH@Q} \
$SSHD_USER@127.0.0.1 -- env PS1='hk\$ ' bash --norc --noprofile"
top_matches() { screen | head -1 | grep -qE -- "$1"; }
expect "a long question shows its end on the status line" wait_until 15 top_matches \
	'^\.\.\..* connecting \(yes/no/\[fingerprint\]\)\? \[Enter: answer, Ctrl-C: cancel\] *$'
type_text 'yes'; press Enter
type_text 'echo asked-$((6 * 7))'; press Enter
expect "... and the answer reaches the relay's ssh" wait_for 'asked-42' 15
tmux_stop

# The SSH-free daemon through the relay: ssh asks before the session, on
# the terminal, with echo off.
PORT=$((62000 + ($$ % 300) * 2))
sshd_daemon "127.0.0.1:$PORT"
printf 'HOME=%q exec %q connect --udp --accept-new --transport=ssh --ssh=%q --server=%q %q -- env PS1=%q bash --norc --noprofile\n' \
	"$E2E_TMP/client" "$SSPSH" "$ssh_pw" "$SSPSH" "$SSHD_USER@127.0.0.1:$PORT" 'dm$ ' > "$E2E_TMP/daemon_client.sh"
start_tmux 100 24 "bash $E2E_TMP/daemon_client.sh; echo STATUS=\$?; sleep 600"
expect "--udp --transport=ssh: the relay's ssh asks on the terminal before the session" \
	wait_for "$SSHD_USER@127.0.0.1's password:" 15
# The answer and the first command typed in one go: what follows Enter is
# the session's, not lost when the terminal gets its modes back.
type_text "$password"$'\r''echo daemon-$((6 * 7))'$'\r'
expect "... and the session through the relay works, with what was typed after the answer" \
	wait_for 'daemon-42' 15
check "... and the password was not echoed" sh -c "! tmux -L $TMUX_SOCKET capture-pane -p -t t -S - | grep -qF -- '$password'"
finish
