#!/usr/bin/env bash
# `sspsh connect`'s one command line: options before or after HOST, in any
# order, for each mode; `--` ends them. The SSH-free forms run against a
# real daemon on loopback, the ssh form against a stand-in ssh that records
# what it was asked to run. Bad forms are in bad_input.table.
. "$(dirname "$0")/lib.sh"

# As root the daemon needs --user: a throwaway one, as in daemon.sh.
TEST_USER=
if [ "$(id -u)" = 0 ]; then
	need useradd || { skip connect_forms "root without useradd"; finish; }
	TEST_USER=sspshf$$
	useradd -M -d "$E2E_TMP/server" -s /bin/sh "$TEST_USER" || { skip connect_forms "useradd failed"; finish; }
fi
forms_cleanup() {
	e2e_cleanup
	[ -n "$TEST_USER" ] && userdel "$TEST_USER" 2>/dev/null
}
trap forms_cleanup EXIT
chmod 755 "$E2E_TMP"

mkdir -p "$E2E_TMP/server/.sspsh" "$E2E_TMP/home" "$E2E_TMP/keys"
HOME=$E2E_TMP/home "$SSPSH" keygen -C default >/dev/null 2>&1
HOME=$E2E_TMP/home "$SSPSH" keygen -f "$E2E_TMP/keys/other" -C other >/dev/null 2>&1
cat "$E2E_TMP/home/.sspsh/id_x25519.pub" "$E2E_TMP/keys/other.pub" > "$E2E_TMP/server/.sspsh/authorized_keys"
run_as=()
if [ -n "$TEST_USER" ]; then
	chown -R "$TEST_USER" "$E2E_TMP/server"
	run_as=(--user "$TEST_USER")
fi

# The first port of 61700-61799 the daemon can bind.
PORT=
for try in $(seq 61700 61799); do
	HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$try" "${run_as[@]}" --foreground \
		2> "$E2E_TMP/daemon.log" &
	daemon=$!
	if wait_until 5 grep -qs "listening on UDP port $try" "$E2E_TMP/daemon.log"; then
		PORT=$try
		e2e_pids+=("$daemon")
		break
	fi
	kill "$daemon" 2>/dev/null
	wait "$daemon" 2>/dev/null
done
[ -n "$PORT" ] || { fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"; finish; }
TARGET=127.0.0.1:$PORT
KEY=$E2E_TMP/keys/other

# connect ARGS...: as the test user, output and status in $out and $rc.
connect() {
	out=$(HOME=$E2E_TMP/home timeout 20 "$SSPSH" connect "$@" 2>&1 </dev/null)
	rc=$?
}
listed() { [ "$rc" -eq 0 ] && grep -q "no sessions\|^ID " <<<"$out"; }
# The first contact pins the daemon's key; the forms below find it pinned.
connect --udp --accept-new "$TARGET" --list
check "--accept-new pins the daemon's key on first contact" listed

connect --udp "$TARGET" --list
check "--udp HOST --list (the form from before)" listed
connect --udp -i "$KEY" "$TARGET" --list
check "--udp -i KEY HOST: --udp no longer swallows the next word" listed
connect -i "$KEY" --udp "$TARGET" --list
check "-i KEY --udp HOST" listed
connect "$TARGET" --udp --list
check "HOST --udp: the mode after the host" listed
connect --list "$TARGET" -i "$KEY" --udp
check "--list HOST -i KEY --udp" listed
connect --udp --attach 4242 "$TARGET"
check "--attach ID before HOST takes the ID" grep -q "no session 4242" <<<"$out"
connect --udp "$TARGET" --attach 4243
check "--attach ID after HOST takes the ID" grep -q "no session 4243" <<<"$out"
connect --udp -i "$E2E_TMP/keys/missing" "$TARGET" --list
check "-i names the key that is read" grep -q "keys/missing" <<<"$out"

# A new session with a COMMAND after --, options on both sides of HOST.
cat > "$E2E_TMP/run.sh" <<-EOF
HOME=$E2E_TMP/home "$SSPSH" connect -i "$KEY" "$TARGET" --predict=never --udp -- sh -c 'echo FORMS-\$((6 * 7)); sleep 30'
EOF
start_tmux 80 24 "bash $E2E_TMP/run.sh"
if wait_for "FORMS-42" 15; then
	pass "-i KEY HOST --predict=never --udp -- COMMAND runs COMMAND"
else
	fail "-i KEY HOST --predict=never --udp -- COMMAND runs COMMAND" "$(screen | head -5)"
fi

# The ssh form: a stand-in ssh runs the remote command here, where a
# stand-in sspsh writes the words it was started with and fails.
mkdir -p "$E2E_TMP/stub"
cat > "$E2E_TMP/fake_ssh" <<-EOF
#!/bin/sh
printf '%s\n' "\$@" > "$E2E_TMP/ssh_args"
for remote_command; do :; done
PATH="$E2E_TMP/stub:\$PATH" exec sh -c "\$remote_command"
EOF
cat > "$E2E_TMP/stub/sspsh" <<-EOF
#!/bin/sh
echo "\$*" > "$E2E_TMP/server_args"
exit 1
EOF
chmod +x "$E2E_TMP/fake_ssh" "$E2E_TMP/stub/sspsh"
server_args() { cat "$E2E_TMP/server_args" 2>/dev/null; }
ssh_args() { cat "$E2E_TMP/ssh_args" 2>/dev/null; }
# ran DEST TEXT...: ssh was asked for DEST, and the server started with each TEXT.
ran() {
	local dest=$1 text; shift
	grep -qxF -- "$dest" <<<"$(ssh_args)" || return 1
	for text in "$@"; do [[ "$(server_args)" == *"$text"* ]] || return 1; done
}
forget() { rm -f "$E2E_TMP/ssh_args" "$E2E_TMP/server_args"; }

forget
connect --ssh="$E2E_TMP/fake_ssh" user@example.invalid -p 60123 -- ls -l /tmp
check "ssh form: options after HOST, COMMAND after --" \
	ran user@example.invalid "server -p 60123 " " -- ls -l /tmp"
forget
connect -4 user@example.invalid --ssh="$E2E_TMP/fake_ssh" -p 60100:60199
check "ssh form: -4 and a port range in any order" ran user@example.invalid "server -p 60100:60199 "
check "ssh form: -4 reaches ssh" grep -qx -- -4 <<<"$(ssh_args)"
forget
connect --ssh="$E2E_TMP/fake_ssh" -- -not-an-option
check "ssh form: after --, words are the COMMAND, not HOST" test "$rc" -eq 2 -a ! -e "$E2E_TMP/ssh_args"

# --direct HOST PORT and --local: options on either side.
out=$(env -u SSPSH_KEY "$SSPSH" connect 127.0.0.1 60001 --predict=always --direct 2>&1 </dev/null); rc=$?
check "HOST PORT --direct: parsed, then the missing key is the error" \
	test "$rc" -eq 2 -a "${out#*SSPSH_KEY: not set}" != "$out"
finish
