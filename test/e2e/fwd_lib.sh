# Helpers of the forwarding tests (sourced after lib.sh): free ports, a
# python3 HTTP server over a directory of random files, downloads checked
# by sha256.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

# free_port: a TCP port on loopback that nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# listening PORT: something listens on TCP PORT (any address).
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# http_start MB...: files blob-MB (MB MiB of random bytes each) served by
# python3 -m http.server on loopback; sets HTTP_PORT.
http_start() {
	local mb
	mkdir -p "$E2E_TMP/www"
	for mb; do head -c "$((mb << 20))" /dev/urandom > "$E2E_TMP/www/blob-$mb"; done
	HTTP_PORT=$(free_port)
	python3 -m http.server --bind 127.0.0.1 --directory "$E2E_TMP/www" "$HTTP_PORT" \
		>/dev/null 2>&1 &
	e2e_pids+=($!)
	wait_until 10 listening "$HTTP_PORT"
}

# same_file NAME FILE: FILE has blob NAME's sha256.
same_file() {
	[ "$(sha256sum < "$E2E_TMP/www/$1")" = "$(sha256sum < "$2")" ]
}

# session_with OPTIONS...: connect --local with OPTIONS running a plain
# bash in an 80x24 tmux pane, up to its prompt.
session_with() {
	start_tmux 80 24 "$SSPSH connect --local $* -- ${E2E_SHELL[*]@Q}"
	wait_for '$' 10
}
