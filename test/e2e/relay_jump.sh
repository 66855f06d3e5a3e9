#!/usr/bin/env bash
# A jump host: two network namespaces made here, each with sshd; the target
# is reachable only through the jump host. `sspsh connect` with a ProxyJump
# in ssh's config cannot reach the server's UDP port (no route), falls back
# to the relay through `ssh -J`, and the session works.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/sshd_lib.sh"

reason=$(sshd_skip_reason tmux ip)
if [ -n "$reason" ]; then skip "relay_jump" "$reason"; finish; fi

jump=sspshjp$$
target=sspshtg$$
net=10.202.$(($$ % 250))	# client - jump
inner=10.203.$(($$ % 250))	# jump - target
jump_sshd=
cleanup_net() {
	[ -n "$jump_sshd" ] && kill "$jump_sshd" 2>/dev/null && wait "$jump_sshd" 2>/dev/null
	sshd_stop
	ip netns del "$jump" 2>/dev/null
	ip netns del "$target" 2>/dev/null
	ip link del "vjp$$h" 2>/dev/null
}
trap 'cleanup_net; e2e_cleanup' EXIT

make_namespaces() {
	ip netns add "$jump" && ip netns add "$target" &&
	ip link add "vjp$$h" type veth peer name "vjp$$j" &&
	ip link set "vjp$$j" netns "$jump" &&
	ip -n "$jump" link add "vtg$$j" type veth peer name "vtg$$t" &&
	ip -n "$jump" link set "vtg$$t" netns "$target" &&
	ip addr add "$net.1/24" dev "vjp$$h" && ip link set "vjp$$h" up &&
	ip -n "$jump" addr add "$net.2/24" dev "vjp$$j" && ip -n "$jump" link set "vjp$$j" up &&
	ip -n "$jump" addr add "$inner.1/24" dev "vtg$$j" && ip -n "$jump" link set "vtg$$j" up &&
	ip -n "$target" addr add "$inner.2/24" dev "vtg$$t" && ip -n "$target" link set "vtg$$t" up &&
	ip -n "$jump" link set lo up && ip -n "$target" link set lo up
}
if ! make_namespaces; then fail "relay_jump: cannot build the namespaces"; finish; fi

SSHD_ADDR=$inner.2 SSHD_NETNS=$target
if ! sshd_start; then fail "relay_jump: sshd does not start in the target namespace"; finish; fi
# The jump host's sshd: the same user and keys, its own address and pid file.
sed -e "s/^ListenAddress .*/ListenAddress $net.2/" -e "s|^PidFile .*|PidFile $SSHD_DIR/jump.pid|" \
	"$SSHD_DIR/sshd_config" > "$SSHD_DIR/jump_config"
ip netns exec "$jump" "$SSHD_BIN" -D -e -f "$SSHD_DIR/jump_config" 2>>"$SSHD_DIR/jump.log" &
jump_sshd=$!
jump_listens() { ssh-keyscan -p "$SSHD_PORT" -T 1 "$net.2" >/dev/null 2>&1; }
wait_until 5 jump_listens || { fail "relay_jump: the jump host's sshd does not start"; finish; }

check "the target is not reachable from the client" sh -c "! ping -c1 -W1 $inner.2"

cat > "$SSHD_DIR/ssh_config" <<-EOF
	Host *
	    Port $SSHD_PORT
	    User $SSHD_USER
	    IdentityFile $SSHD_KEY
	    StrictHostKeyChecking no
	    UserKnownHostsFile /dev/null
	    LogLevel ERROR
	    BatchMode yes
	Host target
	    HostName $inner.2
	    ProxyJump $SSHD_USER@$net.2
	EOF
chmod 0644 "$SSHD_DIR/ssh_config"
check "plain ssh reaches the target through the jump host" \
	ssh -F "$SSHD_DIR/ssh_config" target true

printf 'exec %q connect -v --ssh=%q --server=%q target -- env PS1=%q bash --norc --noprofile 2>%q\n' \
	"$SSPSH" "ssh -F $SSHD_DIR/ssh_config" "$SSPSH" 'jp$ ' "$E2E_TMP/client.log" > "$E2E_TMP/client.sh"
start_tmux 80 24 "bash $E2E_TMP/client.sh"
type_text 'echo jumped-$((6 * 7))'; press Enter
if expect "a session through the jump host works" wait_for 'jumped-42' 20; then :; else
	tail -10 "$E2E_TMP/client.log" | sed 's/^/    log| /'
fi
check "-v says the session relays through ssh" grep -q 'relaying through ssh' "$E2E_TMP/client.log"
type_text 'echo again-$((6 * 7))'; press Enter
expect "typing keeps working through the jump host" wait_for 'again-42' 5
finish
