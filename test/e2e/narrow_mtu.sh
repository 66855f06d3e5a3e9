#!/usr/bin/env bash
# Interfaces of MTU 1280 in network namespaces this test makes (and removes):
# - both ends on one machine, in a namespace whose loopback has MTU 1280:
#   the 16 KiB loopback-sized datagrams are refused (EMSGSIZE, never
#   fragmented) and the server falls back to 1200-byte ones;
# - the two ends in two namespaces joined by a veth pair of MTU 1280: the
#   loopback-sized datagrams are never chosen at all.
# Each time a session answers a command, a 20 MB download through -L
# arrives with the same sha256, and the kernel fragmented no datagram.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fwd_lib.sh"

for tool in tmux python3 curl ip nstat; do
	need "$tool" || { skip "narrow_mtu" "$tool is not installed"; finish; }
done
[ "$(id -u)" = 0 ] || { skip "narrow_mtu" "needs root (ip netns add)"; finish; }

SOLO=sspshmtu1x$$ SERVER_NS=sspshmtu2x$$ CLIENT_NS=sspshmtu3x$$ VETH=vmtu$$
NET=10.77.$(($$ % 250))
remove_namespaces() {
	local ns
	for ns in "$SOLO" "$SERVER_NS" "$CLIENT_NS"; do ip netns del "$ns" 2>/dev/null; done
}
trap 'e2e_cleanup; remove_namespaces' EXIT

if ! ip netns add "$SOLO" 2>"$E2E_TMP/netns.err"; then
	skip "narrow_mtu" "ip netns add is not permitted here: $(head -1 "$E2E_TMP/netns.err")"
	finish
fi
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Namespace NS's loopback up; with an MTU when given.
loopback_up() { ip -n "$1" link set lo ${2:+mtu "$2"} up; }

# The two namespaces of the second part, joined by a veth pair of MTU 1280:
# the server's side $NET.1, the client's $NET.2.
make_pair() {
	ip netns add "$SERVER_NS" && ip netns add "$CLIENT_NS" &&
	loopback_up "$SERVER_NS" && loopback_up "$CLIENT_NS" &&
	ip link add "${VETH}s" netns "$SERVER_NS" mtu 1280 type veth \
		peer name "${VETH}c" netns "$CLIENT_NS" mtu 1280 &&
	ip -n "$SERVER_NS" addr add "$NET.1/24" dev "${VETH}s" &&
	ip -n "$CLIENT_NS" addr add "$NET.2/24" dev "${VETH}c" &&
	ip -n "$SERVER_NS" link set "${VETH}s" up && ip -n "$CLIENT_NS" link set "${VETH}c" up
}

# How many datagrams the kernel fragmented in namespace NS (IP FragOKs).
fragmented_in() { in_ns "$1" nstat -asz IpFragOKs | awk '$1 == "IpFragOKs" { print $2 }'; }

# http_in NS: the files of http_start served in namespace NS (on its loopback).
http_in() {
	HTTP_PORT=8080
	(cd "$E2E_TMP/www" && exec ip netns exec "$1" python3 -m http.server --bind 127.0.0.1 "$HTTP_PORT" \
		>/dev/null 2>&1) &
	e2e_pids+=($!)
	wait_until 10 listening_in "$1" "$HTTP_PORT"
}
listening_in() { in_ns "$1" ss -Hltn "sport = :$2" | grep -q .; }

# works WHAT NS: the session in the pane answers a command and 20 MB come
# through its -L port 8081 in namespace NS intact.
works() {
	local what=$1 ns=$2
	expect "$what: the session starts" wait_for '$' 15
	type_text 'echo $((6 * 7))'
	press Enter
	expect "$what: the session answers a command" wait_for 42 10
	expect "$what: the client listens on the -L port" wait_until 10 listening_in "$ns" 8081
	in_ns "$ns" curl -sf --max-time 120 "http://127.0.0.1:8081/blob-20" -o "$E2E_TMP/got"
	check "$what: 20 MB through -L arrive with the same sha256" same_file blob-20 "$E2E_TMP/got"
	rm -f "$E2E_TMP/got"
}

mkdir -p "$E2E_TMP/www"
head -c $((20 << 20)) /dev/urandom > "$E2E_TMP/www/blob-20"

# ---- Both ends in one namespace whose loopback has MTU 1280 ----
if loopback_up "$SOLO" 1280 && http_in "$SOLO"; then
	start_tmux 80 24 "ip netns exec $SOLO env SSPSH_SERVER_LOG=1 $SSPSH connect --local -v" \
		"-L 8081:127.0.0.1:$HTTP_PORT -- ${E2E_SHELL[*]@Q} 2> $E2E_TMP/solo.log"
	works "loopback of MTU 1280" "$SOLO"
	check "loopback of MTU 1280: the server fell back to 1200-byte datagrams" \
		grep -q "loopback-sized datagram too big for the path; now sending at most 1200 bytes" "$E2E_TMP/solo.log"
	check "loopback of MTU 1280: no datagram was fragmented ($(fragmented_in "$SOLO"))" \
		test "$(fragmented_in "$SOLO")" = 0
	tmux_stop
else
	fail "loopback of MTU 1280: cannot set up the namespace"
fi

# ---- The ends in two namespaces joined by a veth pair of MTU 1280 ----
if make_pair && http_in "$SERVER_NS"; then
	ip netns exec "$SERVER_NS" "$SSPSH" server -i "$NET.1" --foreground -- "${E2E_SHELL[@]}" \
		> "$E2E_TMP/server.line" 2> "$E2E_TMP/server.log" &
	server=$!
	e2e_pids+=("$server")
	wait_until 5 grep -qs '^SSPSH CONNECT' "$E2E_TMP/server.line"
	port=$(cut -d' ' -f3 "$E2E_TMP/server.line")
	key=$(cut -d' ' -f4 "$E2E_TMP/server.line")
	start_tmux 80 24 "ip netns exec $CLIENT_NS env SSPSH_KEY=$key $SSPSH connect --direct -v" \
		"-L 8081:127.0.0.1:$HTTP_PORT $NET.1 $port 2> $E2E_TMP/pair.log"
	works "veth of MTU 1280" "$CLIENT_NS"
	check "veth of MTU 1280: no datagram was too big for the path" \
		sh -c "! grep -q 'too big for the path' '$E2E_TMP/pair.log' '$E2E_TMP/server.log'"
	check "veth of MTU 1280: no datagram was fragmented (server $(fragmented_in "$SERVER_NS"), client $(fragmented_in "$CLIENT_NS"))" \
		test "$(fragmented_in "$SERVER_NS")$(fragmented_in "$CLIENT_NS")" = 00
	tmux_stop
	kill -TERM "$server"
	wait "$server"
else
	fail "veth of MTU 1280: cannot set up the namespaces"
fi
finish
