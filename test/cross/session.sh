#!/usr/bin/env bash
# A session between this machine's client and another machine's server
# (make check-aarch64: an aarch64 `sspsh server` run under qemu-user) on
# loopback: typing, a resize, a flood stopped by Ctrl-C, the end of the
# session. SSPSH_TARGET names the other build's sspsh, SSPSH_TARGET_RUN the
# emulator that runs it.
. "$(dirname "$0")/../e2e/lib.sh"

target=${SSPSH_TARGET:-}
run=${SSPSH_TARGET_RUN:-}
if [ -z "$target" ] || [ ! -x "$target" ]; then
	skip "cross session" "no other machine's sspsh (make deps ARCH=aarch64; make check-aarch64)"; finish
fi
if [ -n "$run" ] && ! need "$run"; then skip "cross session" "$run is not installed"; finish; fi
if ! need tmux; then skip "cross session" "tmux is not installed"; finish; fi

$run "$target" server -i 127.0.0.1 --foreground --timeout 20 -- "${E2E_SHELL[@]}" \
	> "$E2E_TMP/line" 2> "$E2E_TMP/server.log" &
server=$!
e2e_pids+=("$server")
expect "the other machine's server prints its CONNECT line" \
	wait_until 20 grep -qs '^SSPSH CONNECT' "$E2E_TMP/line"
check "the server runs that machine's code:$(file -b "$target" | cut -d, -f2)" \
	sh -c "tr '\\0' ' ' < /proc/$server/cmdline | grep -qF -- '$target server'"
read -r _ _ port key _ < "$E2E_TMP/line"

umask 077
cat > "$E2E_TMP/client.sh" <<-SCRIPT
	export SSPSH_KEY=${key@Q}
	${SSPSH@Q} connect --direct 127.0.0.1 ${port@Q}
	echo \$? > ${E2E_TMP@Q}/status
	sleep 600
SCRIPT
start_tmux 80 24 "bash $E2E_TMP/client.sh"
expect "the client reaches the server and shows a prompt" wait_for '$' 20

type_text 'echo typed-$((40 + 2))-here'; press Enter
expect "typed text reaches the shell and its output comes back" wait_for 'typed-42-here' 10

tmx resize-window -t t -x 100 -y 30
sleep 0.5
type_text 'stty size'; press Enter
expect "a resize reaches the server's pty (stty size 30 100)" wait_for '30 100' 10

seq 1 100000 | sed 's/$/ flood line/' > "$E2E_TMP/big"
type_text "clear; cat $E2E_TMP/big; echo cat-done"; press Enter
expect "the end of a $(($(stat -c %s "$E2E_TMP/big") / 1000)) kB cat shows" wait_for 'cat-done' 60
type_text 'yes flood'; press Enter
wait_for 'flood' 10
press C-c
type_text 'echo stopped-$((6 * 7))'; press Enter
expect "Ctrl-C stops a flood" wait_for 'stopped-42' 20

type_text 'exit'; press Enter
expect "the client exits with status 0 when the shell exits" wait_until 20 grep -qx 0 "$E2E_TMP/status"
expect "the server is gone" wait_until 10 sh -c "! kill -0 $server 2>/dev/null"
finish
