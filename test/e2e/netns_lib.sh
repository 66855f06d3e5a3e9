# A server's network namespace for relay tests (sourced after lib.sh, not
# run): joined to the root namespace by a veth pair, with an nftables
# ruleset that can drop UDP.
#
#   netns_make OCTET    namespace $NETNS; the root side is $NETNS_NET.1, the
#                       namespace side $NETNS_NET.2 (10.OCTET.x.0/24, x from
#                       our pid, so parallel runs do not collide)
#   netns_block_udp     drop UDP in and out of it, except on its loopback
#                       (where the relay reaches the server)
#   netns_open_udp      let UDP through again
#   netns_udp_dropped   how many UDP datagrams the ruleset has dropped
#   netns_remove        remove the namespace and the veth pair
#   netns_sshd NAME OCTET [TOOL...]
#                       sshd (test/e2e/sshd_lib.sh, sourced too) in namespace
#                       OCTET whose UDP is blocked, on $NETNS_NET.2, and the
#                       trap that removes both; the test NAME (which also
#                       needs each TOOL) is skipped, or fails, and ends when
#                       that cannot be
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

NETNS=
netns_make() {
	NETNS=sspshns$1x$$
	NETNS_NET=10.$1.$(($$ % 250))
	_netns_veth=vns$1x$$
	ip netns add "$NETNS" &&
	ip link add "${_netns_veth}h" type veth peer name "${_netns_veth}n" &&
	ip link set "${_netns_veth}n" netns "$NETNS" &&
	ip addr add "$NETNS_NET.1/24" dev "${_netns_veth}h" && ip link set "${_netns_veth}h" up &&
	ip -n "$NETNS" addr add "$NETNS_NET.2/24" dev "${_netns_veth}n" &&
	ip -n "$NETNS" link set "${_netns_veth}n" up && ip -n "$NETNS" link set lo up
}

netns_block_udp() {
	printf '%s\n' 'table inet sspsh_block {' \
		'chain input { type filter hook input priority 0; iifname "lo" accept; meta l4proto udp counter drop; }' \
		'chain output { type filter hook output priority 0; oifname "lo" accept; meta l4proto udp counter drop; }' \
		'}' | ip netns exec "$NETNS" nft -f -
}

netns_open_udp() { ip netns exec "$NETNS" nft delete table inet sspsh_block; }

netns_udp_dropped() {
	ip netns exec "$NETNS" nft list table inet sspsh_block |
		awk '/counter packets/ { for (i = 1; i < NF; i++) if ($i == "packets") n += $(i + 1) } END { print n + 0 }'
}

netns_remove() {
	[ -n "$NETNS" ] || return 0
	ip netns del "$NETNS" 2>/dev/null
	ip link del "${_netns_veth}h" 2>/dev/null
	NETNS=
}

netns_sshd() {
	local name=$1 octet=$2 reason
	shift 2
	reason=$(sshd_skip_reason nft ip "$@")
	if [ -n "$reason" ]; then skip "$name" "$reason"; finish; fi
	trap 'sshd_stop; netns_remove; e2e_cleanup' EXIT
	if ! netns_make "$octet" || ! netns_block_udp; then fail "$name: cannot build the namespace"; finish; fi
	SSHD_ADDR=$NETNS_NET.2 SSHD_NETNS=$NETNS
	if ! sshd_start; then fail "$name: sshd does not start in the namespace"; finish; fi
}
