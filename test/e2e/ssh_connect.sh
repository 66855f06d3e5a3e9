#!/usr/bin/env bash
# `sspsh connect USER@localhost` through a real OpenSSH server started here
# (test/e2e/sshd_lib.sh), typed into a terminal (tmux): failures leave the
# terminal as it was, --install copies sspsh once, the session works.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/sshd_lib.sh"
SSPSH=${SSPSH:-$here/../../build/sspsh}

reason=$(sshd_skip_reason tmux)
# The tests of a host without sspsh need a login PATH (sshd's default) without one.
system_sspsh=$(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/games sh -c 'command -v sspsh')
[ -z "$reason" ] && [ -n "$system_sspsh" ] && reason="$system_sspsh would stand in for the sspsh under test"
if [ -n "$reason" ]; then
	echo "SKIP ssh_connect: $reason"
	exit 0
fi

work=$(mktemp -d /tmp/sspsh-ssh-test.XXXXXX)
chmod 0755 "$work"
tmx() { tmux -S "$work/tmux.sock" "$@"; }
cleanup() {
	tmx kill-server 2>/dev/null
	sshd_stop
	rm -rf "$work"
}
trap cleanup EXIT

if ! sshd_start; then
	echo "FAIL ssh_connect: could not start sshd"
	exit 1
fi
DEST=$SSHD_USER@localhost
SSH_OPTS=$SSHD_SSH

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	echo "--- screen:"; tmx capture-pane -p -t t 2>/dev/null | grep -v '^$' | tail -15
	[ -f "$work/err" ] && { echo "--- stderr:"; tail -5 "$work/err"; }
}

screen() { tmx capture-pane -p -t t; }
# wait_screen REGEX SECONDS: until the pane shows REGEX.
wait_screen() {
	local i
	for i in $(seq $(($2 * 10))); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
type_line() {
	tmx send-keys -t t -l -- "$1"
	tmx send-keys -t t Enter
}

# A shell in a terminal, as a user would have it.
tmx new-session -d -s t -x 100 -y 30 "env PS1='local\$ ' sh"
wait_screen 'local\$' 5 || { echo "FAIL ssh_connect: tmux did not start"; exit 1; }

# run_failing NAME COMMAND: runs COMMAND in the terminal, saving its status
# in $work/rc, its stderr in $work/err and stty's settings before and after.
run_failing() {
	rm -f "$work/rc" "$work/err"
	type_line "stty -g >$work/stty.before; $2 2>$work/err; echo \$? >$work/rc.tmp; stty -g >$work/stty.after; mv $work/rc.tmp $work/rc"
	local i
	for i in $(seq 300); do
		[ -f "$work/rc" ] && break
		sleep 0.1
	done
	[ -f "$work/rc" ] || { fail "$1" "did not finish in 30 s"; return 1; }
	if ! cmp -s "$work/stty.before" "$work/stty.after"; then
		fail "$1" "terminal settings changed: $(cat "$work/stty.before") -> $(cat "$work/stty.after")"
		return 1
	fi
}

# expect_failure NAME STATUS REGEX COMMAND: fails with STATUS, says REGEX.
expect_failure() {
	run_failing "$1" "$4" || return
	local rc
	rc=$(cat "$work/rc")
	if [ "$rc" != "$2" ]; then
		fail "$1" "exit status $rc, expected $2"
	elif ! grep -qE -- "$3" "$work/err"; then
		fail "$1" "no message matching '$3'"
	else
		pass "$1"
	fi
}

expect_failure ssh_connect_wrong_host 255 'Could not resolve hostname.*|ssh to .* failed' \
	"$SSPSH connect --ssh='$SSH_OPTS' $SSHD_USER@no-such-host.invalid"
expect_failure ssh_connect_refused 255 'ssh to .* failed \(status 255\)' \
	"$SSPSH connect --ssh='ssh -p 1 -o BatchMode=yes' $DEST"
expect_failure ssh_connect_refused_login 255 'Permission denied' \
	"$SSPSH connect --ssh='$SSH_OPTS' root@localhost"
expect_failure ssh_connect_not_installed 127 'has no sspsh .*--install' \
	"$SSPSH connect --ssh='$SSH_OPTS' $DEST"
expect_failure ssh_connect_missing_server_command 127 "cannot run '/nowhere/sspsh' .*--install" \
	"$SSPSH connect --ssh='$SSH_OPTS' --server=/nowhere/sspsh $DEST"

# An "ssh" that leaves the terminal raw and dies: sspsh puts it back.
printf '#!/bin/sh\nstty raw -echo </dev/tty\nkill -KILL $$\n' >"$work/dying_ssh"
chmod 0755 "$work/dying_ssh"
expect_failure ssh_connect_ssh_killed 137 'stopped by signal 9' \
	"$SSPSH connect --ssh=$work/dying_ssh $DEST"

# Ctrl-C while ssh is still at it (a hung login): ssh stops, sspsh says so.
printf '#!/bin/sh\nstty -echo </dev/tty\nexec sleep 30\n' >"$work/hung_ssh"
chmod 0755 "$work/hung_ssh"
rm -f "$work/rc"
type_line "stty -g >$work/stty.before; $SSPSH connect --ssh=$work/hung_ssh $DEST 2>$work/err; echo \$? >$work/rc.tmp; stty -g >$work/stty.after; mv $work/rc.tmp $work/rc"
sleep 1
tmx send-keys -t t C-c
for i in $(seq 100); do [ -f "$work/rc" ] && break; sleep 0.1; done
if [ "$(cat "$work/rc" 2>/dev/null)" != 130 ]; then
	fail ssh_connect_interrupted "exit status $(cat "$work/rc" 2>/dev/null), expected 130"
elif ! grep -q 'stopped by signal 2' "$work/err"; then
	fail ssh_connect_interrupted "no message"
elif ! cmp -s "$work/stty.before" "$work/stty.after"; then
	fail ssh_connect_interrupted "terminal settings changed"
else
	pass ssh_connect_interrupted
fi

# A host of another machine type: --install refuses, and leaves no ssh
# master directory behind.
printf '#!/bin/sh\necho "SSPSH NOTFOUND Linux sparc64"\nexit 127\n' >"$work/sparc_ssh"
chmod 0755 "$work/sparc_ssh"
mkdir "$work/tmp"
expect_failure ssh_connect_install_wrong_platform 1 'the server is Linux sparc64, and sspsh is built for x86_64 and aarch64 only' \
	"TMPDIR=$work/tmp $SSPSH connect --install --ssh=$work/sparc_ssh $DEST"
[ -z "$(ls -A "$work/tmp")" ] || echo "FAIL ssh_connect_install_wrong_platform: left $(ls "$work/tmp")"

installed=$SSHD_HOME/.local/bin/sspsh
[ ! -e "$installed" ] || echo "FAIL ssh_connect_not_installed: it installed without --install"

# connect_and_use NAME SSH ARGS...: a session in the terminal, over ssh
# command SSH: a command typed there runs on the server as the test user,
# `exit` ends client and server. With $ASK set, ssh asks about the host key
# first, in the terminal, and gets "yes".
connect_and_use() {
	local name=$1 ssh=$2
	shift 2
	type_line clear
	type_line "$SSPSH connect --ssh='$ssh' $* $DEST; echo \"CONNECT-EXIT:\$?\""
	if [ -n "${ASK:-}" ]; then
		if ! wait_screen 'continue connecting' 10; then
			fail "$name" "ssh did not ask about the host key in the terminal"
			return 1
		fi
		type_line yes
	fi
	type_line 'echo "REM""OTE:$(id -un):$((6*7))"'
	if ! wait_screen "REMOTE:$SSHD_USER:42" 20; then
		fail "$name" "typed command did not run on the server"
		return 1
	fi
	type_line exit
	if ! wait_screen 'CONNECT-EXIT:0' 15; then
		fail "$name" "client did not exit with status 0 after exit"
		return 1
	fi
	local i
	for i in $(seq 50); do
		pgrep -u "$SSHD_USER" >/dev/null || break
		sleep 0.1
	done
	if pgrep -u "$SSHD_USER" >/dev/null; then
		fail "$name" "server side still running: $(pgrep -a -u "$SSHD_USER" | head -3)"
		return 1
	fi
	pass "$name"
}

connect_and_use ssh_connect_install "$SSH_OPTS" --install || true
if [ -x "$installed" ] && cmp -s "$installed" "$SSPSH"; then
	pass ssh_connect_install_copied
else
	fail ssh_connect_install_copied "$installed is not a copy of $SSPSH"
fi

before=$(stat -c '%i %Y %Z' "$installed" 2>/dev/null)
connect_and_use ssh_connect_installed_again "$SSH_OPTS" --install || true
after=$(stat -c '%i %Y %Z' "$installed" 2>/dev/null)
if [ -n "$before" ] && [ "$before" = "$after" ]; then
	pass ssh_connect_install_not_repeated
else
	fail ssh_connect_install_not_repeated "the installed file changed ($before -> $after)"
fi

# The plain form, found in ~/.local/bin though that is not on the login PATH.
# The UDP session goes to the address ssh reached, as the server saw it.
if connect_and_use ssh_connect_session "$SSH_OPTS" -v "2>$work/session.err"; then
	if grep -q 'connecting to 127.0.0.1 port' "$work/session.err" &&
	   ! grep -q 'did not say which address' "$work/session.err"; then
		pass ssh_connect_address_from_server
	else
		fail ssh_connect_address_from_server "$(grep -m1 connecting "$work/session.err")"
	fi
fi

# --remote-ip=local: the client resolves the name itself, through ssh's own
# configuration (an alias whose HostName is 127.0.0.1).
printf 'Host sspsh-test-alias\n  HostName 127.0.0.1\n  Port %s\n  IdentityFile %s\n' \
	"$SSHD_PORT" "$SSHD_KEY" >"$work/ssh_config"
DEST=$SSHD_USER@sspsh-test-alias connect_and_use ssh_connect_remote_ip_local \
	"ssh -F $work/ssh_config -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes" \
	--remote-ip=local --link delay=40,loss=5% --predict=always || true

# Questions ssh asks reach the user: an unknown host key, answered in the terminal.
if ASK=1 connect_and_use ssh_connect_host_key_question \
	"ssh -p $SSHD_PORT -i $SSHD_KEY -F /dev/null -o UserKnownHostsFile=$work/known_hosts"; then
	grep -q . "$work/known_hosts" || echo "FAIL ssh_connect_host_key_question: known_hosts not written"
fi

# A login shell that re-parses the command ssh hands it unlike sh (fish):
# the command and its awkward words reach the program as they were typed.
# (It stays a while: a program that exits before the client's first
# datagram can leave the client waiting on a loaded machine.)
if [ -x /usr/bin/fish ] && usermod -s /usr/bin/fish "$SSHD_USER"; then
	type_line clear
	type_line "$SSPSH connect --ssh='$SSH_OPTS' $DEST -- sh -c 'printf %s \"FI\"\"SH:\$0:\$1:\$2\"; sleep 5' x \"it's\" 'a\\b \$HOME'; echo \"CONNECT-EXIT:\$?\""
	if wait_screen "FISH:x:it's:a.b .HOME" 30 && wait_screen 'CONNECT-EXIT:0' 20 &&
	   screen | grep -qF 'FISH:x:it'"'"'s:a\b $HOME'; then
		pass ssh_connect_fish_login_shell
	else
		fail ssh_connect_fish_login_shell "the command did not arrive word for word through fish"
	fi
	usermod -s /bin/sh "$SSHD_USER"
else
	echo "SKIP ssh_connect_fish_login_shell: fish is not installed (make deps)"
fi

# Forwarding over ssh: -L to a server-side port and -R back to one here,
# each carrying a file intact; the session's user may forward, as with ssh.
if command -v python3 >/dev/null && command -v curl >/dev/null; then
	free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
	mkdir -p "$work/www"
	head -c 1048576 /dev/urandom > "$work/www/blob"
	http_port=$(free_port) lport=$(free_port) rport=$(free_port)
	python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$http_port" >/dev/null 2>&1 &
	http_pid=$!
	for i in $(seq 100); do ss -Hltn "sport = :$http_port" | grep -q . && break; sleep 0.1; done
	type_line clear
	type_line "$SSPSH connect --ssh='$SSH_OPTS' -L $lport:127.0.0.1:$http_port -R $rport:127.0.0.1:$http_port $DEST"
	type_line 'echo "REM""OTE:$((6*7))"'
	if wait_screen 'REMOTE:42' 20; then
		for i in $(seq 50); do ss -Hltn "sport = :$rport" | grep -q . && break; sleep 0.1; done
		curl -sf --max-time 30 "http://127.0.0.1:$lport/blob" -o "$work/got-l"
		curl -sf --max-time 30 "http://127.0.0.1:$rport/blob" -o "$work/got-r"
		if cmp -s "$work/www/blob" "$work/got-l" && cmp -s "$work/www/blob" "$work/got-r"; then
			pass ssh_connect_forwarding
		else
			fail ssh_connect_forwarding "a file through -L or -R over ssh did not arrive intact"
		fi
		type_line exit
		wait_screen 'sspsh is exiting' 15
	else
		fail ssh_connect_forwarding "the session with -L and -R did not start"
	fi
	kill "$http_pid" 2>/dev/null
fi
