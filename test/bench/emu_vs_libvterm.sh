#!/usr/bin/env bash
# The emulator beside libvterm, in the same run: MEGABYTES (64) of each
# generated workload (plain ASCII lines; colour escapes with CJK text)
# streamed once through `sspsh bench emu --once` and through libvterm
# (VTERM_FEED, built by `make bench` from test/bench/vterm_feed.c when
# libvterm-dev is installed), both in 64 KiB reads on an 80x24 screen,
# MB per second of CPU time. Each figure is the median of RUNS (3).
# usage: test/bench/emu_vs_libvterm.sh SSPSH [VTERM_FEED]
set -u
sspsh=${1:?usage: test/bench/emu_vs_libvterm.sh SSPSH [VTERM_FEED]}
feed=${2:-}
megabytes=${MEGABYTES:-64}
runs=${RUNS:-3}
tmp=$(mktemp -d /tmp/sspsh-emu-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

median_rate() {	# median_rate COMMAND...: the median MB/s of RUNS runs
	local i
	for ((i = 0; i < runs; i++)); do
		"$@" | awk '{ print $2 }'
	done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for workload in ascii cjk; do
	"$sspsh" bench emu --megabytes "$megabytes" --generate "$workload" > "$tmp/$workload" || exit 1
	ours=$(median_rate "$sspsh" bench emu --once "$tmp/$workload")
	if [ -n "$feed" ] && [ -x "$feed" ]; then
		theirs=$(median_rate "$feed" "$tmp/$workload")
		printf '%-6s %d MB once: sspsh %7.1f MB/s, libvterm %6.1f MB/s: %.1fx (median of %d)\n' \
			"$workload" "$megabytes" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)" "$runs"
	else
		printf '%-6s %d MB once: sspsh %7.1f MB/s (libvterm-dev is not installed: no yardstick)\n' \
			"$workload" "$megabytes" "$ours"
	fi
done
