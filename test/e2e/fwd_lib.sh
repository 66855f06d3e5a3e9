# Helpers of the forwarding tests (sourced after lib.sh): free ports, a
# python3 HTTP server over a directory of random files, downloads checked
# by sha256, the client's ssh-agent for -A.
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

# agent_start: the client's ssh-agent, holding one key made here: its
# socket in $agent_sock, the key's fingerprint in $fingerprint.
agent_start() {
	local pid
	agent_sock=$E2E_TMP/agent.sock
	ssh-agent -a "$agent_sock" > "$E2E_TMP/agent.env"
	pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' "$E2E_TMP/agent.env")
	[ -n "$pid" ] && e2e_pids+=("$pid")
	ssh-keygen -q -t ed25519 -N '' -C sspsh-e2e-key -f "$E2E_TMP/id" >/dev/null
	SSH_AUTH_SOCK=$agent_sock ssh-add -q "$E2E_TMP/id" 2>/dev/null
	fingerprint=$(ssh-keygen -lf "$E2E_TMP/id.pub" | awk '{print $2}')
}
