#!/usr/bin/env bash
# What `make install` and `make deb` ship besides the binary: the systemd
# user units of the SSH-free daemon (their command really starts a daemon on
# the configured port), the bash completion (applets, options and values),
# and a .deb holding all of it with the stripped static binary.
set -u
. "$(dirname "$0")/report.sh"

bin=${SSPSH:?}
if [[ $bin != */build/sspsh ]]; then
	skip "packaging" "only for the product build (build/sspsh)"; finish
fi
tmp=$(mktemp -d /tmp/sspsh-packaging.XXXXXX)
daemon=
cleanup() {
	[ -n "$daemon" ] && kill -TERM "$daemon" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
prefix=$tmp/prefix
units=$prefix/lib/systemd/user
completions=$prefix/share/bash-completion/completions

make -s -C "$SSPSH_SRC" install PREFIX="$prefix" >/dev/null 2>&1
check "make install puts the daemon's user units" \
	test -f "$units/sspsh-daemon.service" -a -f "$units/sspsh-daemon@.service"
check "the units run the installed binary" \
	grep -qx "ExecStart=$prefix/bin/sspsh server --listen \${SSPSH_PORT} --foreground" \
	"$units/sspsh-daemon.service"
check "make install puts the bash completion, for the applet links too" \
	test -f "$completions/sspsh" -a -L "$completions/sspsh-connect"

if command -v systemd-analyze >/dev/null; then
	mkdir -m 700 "$tmp/run"	# --user wants a runtime directory; there is no session here
	verify() {
		(cd "$units" && XDG_RUNTIME_DIR=$tmp/run systemd-analyze verify --man=no --user "$1" 2>&1)
	}
	out=$(verify sspsh-daemon.service); rc=$?
	check "systemd-analyze verify accepts the unit" test "$rc" -eq 0 -a -z "$out"
	out=$(verify sspsh-daemon@60000.service); rc=$?
	check "systemd-analyze verify accepts the template unit" test "$rc" -eq 0 -a -z "$out"
else
	skip "systemd-analyze" "not installed"
fi

# The unit's command line, its variables set as systemd would from the
# environment file, run by an unprivileged user (the daemon refuses root).
port=$((62300 + $$ % 500))
while [ -n "$(ss -Huan "sport = :$port" 2>/dev/null)" ]; do port=$((port + 1)); done
home=$tmp/home
mkdir -p "$home/.config/sspsh"
echo "SSPSH_PORT=127.0.0.1:$port" > "$home/.config/sspsh/daemon.env"
exec_start=$(sed -n 's/^ExecStart=//p' "$units/sspsh-daemon.service")
. "$home/.config/sspsh/daemon.env"
command_line=${exec_start//\$\{SSPSH_PORT\}/$SSPSH_PORT}
run_as=()
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$tmp"
	chown -R nobody "$home"
	run_as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
HOME=$home "${run_as[@]}" $command_line 2> "$tmp/daemon.log" &
daemon=$!
for _ in $(seq 100); do grep -q "listening on UDP port $port" "$tmp/daemon.log" && break; sleep 0.05; done
check "the unit's command starts the daemon on the port from daemon.env" \
	grep -q "listening on UDP port $port" "$tmp/daemon.log"
kill -TERM "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
daemon=

# Completion: COMP_WORDS as bash fills them, COMPREPLY read back.
complete_words() {
	bash -c '. "$1"; shift; PATH=$1:$PATH; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sspsh; echo "${COMPREPLY[*]}"' \
		_ "$completions/sspsh" "$prefix/bin" "$@" 2>/dev/null
}
check "completion: applets" test "$(complete_words sspsh co)" = connect
check "completion: options of an applet, from its --help" \
	test "$(complete_words sspsh connect --ins)" = "--install --install-from"
check "completion: server options" test "$(complete_words sspsh server --lis)" = --listen
check "completion: option values" \
	test "$(complete_words sspsh connect --predict=al)" = --predict=always
check "completion: through an applet link" test "$(complete_words sspsh-keygen -y)" = -y

# The .deb, into a directory of the test's own.
make -s -C "$SSPSH_SRC" deb DEB_OUT="$tmp/deb" >/dev/null 2>&1
deb=$(ls "$tmp"/deb/sspsh_*.deb 2>/dev/null | head -1)
check "make deb builds a package" test -n "$deb"
if [ -n "$deb" ]; then
	contents=$(dpkg-deb -c "$deb")
	for f in ./usr/bin/sspsh ./usr/bin/sspsh-connect ./usr/share/man/man1/sspsh.1.gz \
		 ./usr/lib/systemd/user/sspsh-daemon.service \
		 ./usr/share/bash-completion/completions/sspsh; do
		check "the package holds $f" grep -q " $f\( ->\|$\)" <<<"$contents"
	done
	check "the package's files belong to root" \
		test -z "$(awk '$2 != "root/root"' <<<"$contents")"
	check "the package's control names version and architecture" \
		sh -c "dpkg-deb -f '$deb' Version Architecture | tr '\n' ' ' | grep -q 'Version: [0-9]'"
	dpkg-deb -x "$deb" "$tmp/x"
	check "the packaged binary runs" "$tmp/x/usr/bin/sspsh" --version
	check "the packaged binary is stripped and static" \
		sh -c "file '$tmp/x/usr/bin/sspsh' | grep 'statically linked' | grep -q ', stripped'"
fi
finish
