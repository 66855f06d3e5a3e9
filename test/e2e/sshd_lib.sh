# A private OpenSSH server on 127.0.0.1 for end-to-end tests; source this file.
#
#   sshd_start          make a throw-away user with an empty home, a client key
#                       and an sshd that lets only that user in with that key.
#                       Sets SSHD_PORT, SSHD_USER, SSHD_HOME, SSHD_DIR, SSHD_KEY
#                       and SSHD_SSH (an ssh command line, for `sspsh connect --ssh=`).
#   sshd_stop           stop sshd and remove the user and every file made here.
#   sshd_skip_reason [TOOL...]  prints why sshd tests (that also need each TOOL)
#                       cannot run here (empty if they can).
#   sshd_daemon LISTEN  the SSH-free daemon as that user (in SSHD_NETNS when
#                       set) on LISTEN (PORT or ADDR:PORT), its log
#                       $E2E_TMP/daemon.log, with the key of a client whose
#                       home is $E2E_TMP/client authorized; a test whose
#                       daemon does not start fails and ends.
#
# SSHD_ADDR (default 127.0.0.1) is the address sshd listens on; with
# SSHD_NETNS set, sshd runs inside that network namespace. With
# SSHD_PASSWORD set, the user has that password and sshd takes it too.
#
# sshd must run as root to log another user in, so these tests need root.
# `UsePAM no` makes sshd refuse accounts whose password is locked ('!'), so
# the user gets the password field '*': no password works, the key does.

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SSHD_ADDR=${SSHD_ADDR:-127.0.0.1}

sshd_skip_reason() {
	local tool
	if [ "$(id -u)" != 0 ]; then echo "needs root (sshd logs in a test user)"; return; fi
	if [ ! -x "$SSHD_BIN" ]; then echo "no $SSHD_BIN (make deps installs openssh-server)"; return; fi
	for tool in ssh ssh-keygen useradd userdel usermod "$@"; do
		command -v "$tool" >/dev/null 2>&1 || { echo "no $tool (make deps)"; return; }
	done
}

# The user's name carries our pid so that parallel test runs do not collide.
_sshd_make_user() {
	SSHD_USER=sspsh_t$$
	SSHD_HOME=$SSHD_DIR/home
	useradd -M -d "$SSHD_HOME" -s /bin/sh "$SSHD_USER" || return 1
	usermod -p '*' "$SSHD_USER" || return 1
	if [ -n "${SSHD_PASSWORD:-}" ]; then
		echo "$SSHD_USER:$SSHD_PASSWORD" | chpasswd || return 1
	fi
	mkdir -p "$SSHD_HOME" && chown "$SSHD_USER": "$SSHD_HOME" && chmod 0755 "$SSHD_HOME"
}

_sshd_write_config() {
	cat > "$SSHD_DIR/sshd_config" <<-EOF
	Port $1
	ListenAddress $SSHD_ADDR
	HostKey $SSHD_DIR/host_key
	PidFile $SSHD_DIR/sshd.pid
	AuthorizedKeysFile $SSHD_DIR/authorized_keys
	AllowUsers $SSHD_USER
	PubkeyAuthentication yes
	PasswordAuthentication $([ -n "${SSHD_PASSWORD:-}" ] && echo yes || echo no)
	KbdInteractiveAuthentication no
	UsePAM no
	StrictModes no
	PermitRootLogin no
	PrintMotd no
	PrintLastLog no
	LogLevel VERBOSE
	EOF
}

# Tries a few ports until sshd stays up listening on one.
_sshd_listen() {
	local tries port
	for tries in 1 2 3 4 5 6 7 8; do
		port=$(( 20000 + (RANDOM % 20000) ))
		_sshd_write_config "$port"
		${SSHD_NETNS:+ip netns exec "$SSHD_NETNS"} "$SSHD_BIN" -D -e -f "$SSHD_DIR/sshd_config" \
			2>>"$SSHD_DIR/sshd.log" &
		SSHD_PID=$!
		local waited
		for waited in $(seq 50); do
			kill -0 "$SSHD_PID" 2>/dev/null || break
			if ${SSHD_NETNS:+ip netns exec "$SSHD_NETNS"} ssh-keyscan -p "$port" -T 1 "$SSHD_ADDR" \
				>/dev/null 2>&1; then
				SSHD_PORT=$port
				return 0
			fi
			sleep 0.1
		done
		kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	done
	return 1
}

sshd_start() {
	SSHD_DIR=$(mktemp -d /tmp/sspsh-sshd.XXXXXX) || return 1
	chmod 0755 "$SSHD_DIR"
	mkdir -p /run/sshd
	_sshd_make_user || { echo "sshd_start: cannot create a test user" >&2; return 1; }
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_key" || return 1
	SSHD_KEY=$SSHD_DIR/client_key
	ssh-keygen -q -t ed25519 -N '' -f "$SSHD_KEY" || return 1
	cp "$SSHD_KEY.pub" "$SSHD_DIR/authorized_keys" && chmod 0644 "$SSHD_DIR/authorized_keys"
	_sshd_listen || { echo "sshd_start: sshd did not start:" >&2; tail -5 "$SSHD_DIR/sshd.log" >&2; return 1; }
	SSHD_SSH="ssh -p $SSHD_PORT -i $SSHD_KEY -F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes"
}

# Kills what the user left running (a detached sspsh server), then sshd.
sshd_stop() {
	if [ -n "${SSHD_USER:-}" ]; then
		pkill -KILL -u "$SSHD_USER" 2>/dev/null
	fi
	if [ -n "${SSHD_PID:-}" ]; then
		kill "$SSHD_PID" 2>/dev/null
		wait "$SSHD_PID" 2>/dev/null
		SSHD_PID=
	fi
	if [ -n "${SSHD_USER:-}" ]; then
		userdel "$SSHD_USER" 2>/dev/null
		SSHD_USER=
	fi
	if [ -n "${SSHD_DIR:-}" ]; then
		rm -rf "$SSHD_DIR"
		SSHD_DIR=
	fi
}

sshd_daemon() {
	local listen=$1 in_netns=()
	[ -z "${SSHD_NETNS:-}" ] || in_netns=(ip netns exec "$SSHD_NETNS")
	mkdir -p "$E2E_TMP/client" "$SSHD_HOME/.sspsh"
	HOME=$E2E_TMP/client "$SSPSH" keygen -C client >/dev/null 2>&1
	cp "$E2E_TMP/client/.sspsh/id_x25519.pub" "$SSHD_HOME/.sspsh/authorized_keys"
	chown -R "$SSHD_USER" "$SSHD_HOME/.sspsh"
	chmod 0755 "$E2E_TMP"
	"${in_netns[@]}" runuser -u "$SSHD_USER" -- env HOME="$SSHD_HOME" "$SSPSH" server \
		--listen "$listen" --foreground 2> "$E2E_TMP/daemon.log" &
	e2e_pids+=($!)
	if ! wait_until 10 grep -q "listening on UDP port ${listen##*:}" "$E2E_TMP/daemon.log"; then
		fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"
		finish
	fi
}
