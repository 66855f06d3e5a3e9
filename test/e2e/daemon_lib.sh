# A throwaway SSH-free daemon for session tests (sourced after lib.sh, not
# run): keys for one client, the daemon on the first free port of a range,
# and, as root, a user of its own made here and removed at the end.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

DAEMON_USER=
daemon_lib_cleanup() {
	e2e_cleanup
	[ -n "$DAEMON_USER" ] && userdel "$DAEMON_USER" 2>/dev/null
}

# daemon_setup TAG: the client's home $E2E_TMP/client (key made by keygen,
# authorized) and the daemon's home $E2E_TMP/server. False (said why in
# $daemon_skip) when a root run cannot make a user.
daemon_setup() {
	daemon_skip=
	if [ "$(id -u)" = 0 ]; then
		need useradd || { daemon_skip="root without useradd"; return 1; }
		DAEMON_USER=sspsh$1$$
		useradd -M -d "$E2E_TMP/server" -s /bin/bash "$DAEMON_USER" ||
			{ DAEMON_USER=; daemon_skip="useradd failed"; return 1; }
	fi
	trap daemon_lib_cleanup EXIT
	chmod 755 "$E2E_TMP"
	mkdir -p "$E2E_TMP/server/.sspsh" "$E2E_TMP/client"
	HOME=$E2E_TMP/client "$SSPSH" keygen -C client >/dev/null 2>&1 || return 1
	cp "$E2E_TMP/client/.sspsh/id_x25519.pub" "$E2E_TMP/server/.sspsh/authorized_keys"
	[ -z "$DAEMON_USER" ] || chown -R "$DAEMON_USER" "$E2E_TMP/server"
}

# daemon_add_key NAME [OPTIONS]: one more client, its home $E2E_TMP/NAME
# with a key of its own, authorized with OPTIONS on its line (as
# permit-forward); after daemon_setup. Its first session pins the daemon's
# key itself (connect --udp --accept-new).
daemon_add_key() {
	mkdir -p "$E2E_TMP/$1"
	HOME=$E2E_TMP/$1 "$SSPSH" keygen -C "$1" >/dev/null 2>&1 || return 1
	{
		[ -z "${2:-}" ] || printf '%s ' "$2"
		cat "$E2E_TMP/$1/.sspsh/id_x25519.pub"
	} >> "$E2E_TMP/server/.sspsh/authorized_keys"
}

# daemon_start LOW HIGH [SERVER OPTIONS...]: the daemon on the first port of
# LOW..HIGH it can bind, in $DAEMON_PORT, its pid in $DAEMON_PID, its log
# $E2E_TMP/daemon.log; the client has pinned its key (--accept-new), so
# sessions opened in a terminal are not asked about it.
daemon_start() {
	local try low=$1 high=$2 run_as=()
	shift 2
	[ -z "$DAEMON_USER" ] || run_as=(--user "$DAEMON_USER")
	DAEMON_PORT=
	for try in $(seq "$low" "$high"); do
		[ -z "$(ss -Huan "sport = :$try" 2>/dev/null)" ] || continue
		HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$try" "${run_as[@]}" --foreground "$@" \
			2> "$E2E_TMP/daemon.log" &
		DAEMON_PID=$!
		if wait_until 5 grep -qs "listening on UDP port $try" "$E2E_TMP/daemon.log"; then
			DAEMON_PORT=$try
			e2e_pids+=("$DAEMON_PID")
			HOME=$E2E_TMP/client "$SSPSH" connect --udp --accept-new "127.0.0.1:$try" --list \
				</dev/null >/dev/null 2>&1
			return
		fi
		kill "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	done
	return 1
}
