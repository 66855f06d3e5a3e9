#!/usr/bin/env bash
# The issue's full -L test over --link delay=100,jitter=20,loss=5% (make
# soak): 20 MB from a python3 HTTP server with identical sha256, then 50
# concurrent connections each moving 200 KB, all intact.
# (test/e2e/forward_local.sh runs 3 MB in make check.)
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/../e2e/fwd_lib.sh"

for tool in tmux python3 curl ss; do
	need "$tool" || { skip "forward_link" "$tool is not installed"; finish; }
done
http_start 20
head -c 204800 /dev/urandom > "$E2E_TMP/www/blob-200k"

lport=$(free_port)
session_with --link delay=100,jitter=20,loss=5% -L "$lport:127.0.0.1:$HTTP_PORT"
wait_until 10 listening "$lport"
start=$SECONDS
curl -sf --max-time 1200 "http://127.0.0.1:$lport/blob-20" -o "$E2E_TMP/got-20"
took=$((SECONDS - start))
check "20 MB through -L over delay=100,jitter=20,loss=5% arrive intact (${took} s)" \
	same_file blob-20 "$E2E_TMP/got-20"
start=$SECONDS
fetches=()
for i in $(seq 1 50); do
	curl -sf --max-time 1200 "http://127.0.0.1:$lport/blob-200k" -o "$E2E_TMP/got-c$i" &
	fetches+=($!)
done
wait "${fetches[@]}"
ok=0
for i in $(seq 1 50); do same_file blob-200k "$E2E_TMP/got-c$i" && ok=$((ok + 1)); done
check "50 concurrent connections of 200 KB each arrive intact ($ok of 50, $((SECONDS - start)) s)" \
	test "$ok" = 50
finish
