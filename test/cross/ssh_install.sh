#!/usr/bin/env bash
# `sspsh connect --install` to a server of another machine type, over a real
# OpenSSH server (test/e2e/sshd_lib.sh): the test user's `uname -m` answers
# aarch64 (a shim on its PATH), and what runs ~/.local/bin/sspsh there runs
# it under qemu-user, so the aarch64 build really serves the session.
# Checked: without an aarch64 binary at hand, one line names the file
# needed and nothing is copied; a binary whose SHA256SUMS entry is wrong is
# refused; sspsh-aarch64 beside the client is copied (same bytes), started,
# and a typed command runs.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/sshd_lib.sh"

target=${SSPSH_TARGET:-}
run=${SSPSH_TARGET_RUN:-}
reason=$(sshd_skip_reason)
[ -z "$reason" ] && { [ -z "$target" ] || [ ! -x "$target" ]; } &&
	reason="no other machine's sspsh (make deps ARCH=aarch64; make check-aarch64)"
[ -z "$reason" ] && [ -n "$run" ] && ! need "$run" && reason="$run is not installed"
[ -z "$reason" ] && ! need tmux && reason="tmux is not installed"
system_sspsh=$(env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/games sh -c 'command -v sspsh')
[ -z "$reason" ] && [ -n "$system_sspsh" ] && reason="$system_sspsh would stand in for the sspsh under test"
if [ -n "$reason" ]; then skip "cross install" "$reason"; finish; fi
machine=$(file -b "$target" | grep -q aarch64 && echo aarch64 || echo x86_64)

ssh_cleanup() {
	e2e_cleanup
	sshd_stop
}
trap ssh_cleanup EXIT
sshd_start || { fail "sshd starts" "see sshd.log"; finish; }
DEST=$SSHD_USER@localhost

# The test user's machine: uname says $machine, and an exec of the installed
# sspsh goes through the emulator (there is no binfmt registration here).
shim=$SSHD_DIR/shim
mkdir -p "$shim"
cat > "$shim/uname" <<-SHIM
	#!/bin/sh
	case "\$*" in
	-sm) echo "Linux $machine" ;;
	-m) echo "$machine" ;;
	*) exec /bin/uname "\$@" ;;
	esac
SHIM
cat > "$shim/sh" <<-SHIM
	#!/bin/sh
	if [ "\$1" = -c ]; then
		script=\$(printf '%s\n' "\$2" | sed 's|exec "\$HOME/.local/bin/sspsh"|exec $run "\$HOME/.local/bin/sspsh"|g')
		shift 2
		exec /bin/sh -c "\$script" "\$@"
	fi
	exec /bin/sh "\$@"
SHIM
cat > "$shim/login" <<-SHIM
	#!/bin/sh
	PATH=$shim:\$PATH; export PATH
	exec $shim/sh "\$@"
SHIM
chmod 0755 "$shim" "$shim"/*
usermod -s "$shim/login" "$SSHD_USER"
installed=$SSHD_HOME/.local/bin/sspsh

# The client, as installed by a user: bin/sspsh, and the release files.
mkdir -p "$E2E_TMP/bin" "$E2E_TMP/release"
cp "$SSPSH" "$E2E_TMP/bin/sspsh"
client=$E2E_TMP/bin/sspsh

out=$("$client" connect --install --ssh="$SSHD_SSH" "$DEST" 2>&1 < /dev/null); rc=$?
check "without an $machine binary, --install fails" test "$rc" -ne 0
check "and says in one line which file it needs" \
	sh -c "[ \$(printf '%s\n' \"\$1\" | grep -c 'needs sspsh-$machine') -eq 1 ]" _ "$out"
check "and copies nothing" test ! -e "$installed"

cp "$target" "$E2E_TMP/release/sspsh-$machine"
echo "0000000000000000000000000000000000000000000000000000000000000000  sspsh-$machine" \
	> "$E2E_TMP/release/SHA256SUMS"
out=$("$client" connect --install --install-from "$E2E_TMP/release" --ssh="$SSHD_SSH" "$DEST" 2>&1 < /dev/null); rc=$?
check "a binary that does not match SHA256SUMS is refused" \
	sh -c "[ $rc -ne 0 ] && printf '%s\n' \"\$1\" | grep -q 'does not match its SHA-256'" _ "$out"
check "and nothing is copied" test ! -e "$installed"

cp "$target" "$E2E_TMP/bin/sspsh-$machine"
start_tmux 100 30 "$client connect --install --ssh=${SSHD_SSH@Q} $DEST 2>$E2E_TMP/err; echo CONNECT-EXIT:\$?; sleep 600"
expect "the $machine server starts after the install and the session shows a prompt" \
	wait_for_regex '^\$' 60
check "the copy on the server is the $machine binary, byte for byte" cmp -s "$installed" "$target"
check "the server runs the $machine binary under $run" \
	sh -c "pgrep -u '$SSHD_USER' -a | grep -F '$run' | grep -q '.local/bin/sspsh server'"
type_text 'echo "REM""OTE:$(id -un):$((6*7))"'; press Enter
expect "a typed command runs on the server" wait_for "REMOTE:$SSHD_USER:42" 20
type_text exit; press Enter
expect "the client exits with status 0" wait_for 'CONNECT-EXIT:0' 20
finish
