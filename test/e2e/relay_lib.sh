# The client's -v log for relay tests (sourced after lib.sh, not run).
#
#   relay_stamped FILE   a redirection for a client's command line: its
#                        stderr goes to FILE, each line after the time it
#                        came ($EPOCHREALTIME)
#   relay_rerun_gap FILE "N GAP": the first "trying again in N ms" in FILE
#                        and the milliseconds until the next "relaying
#                        through ssh"; nothing if there is no such pair
#   relay_check_rerun NAME FILE   a test: that gap is the N the log said
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

relay_stamped() {
	printf '2> >(while IFS= read -r l; do printf "%%s %%s\\n" "$EPOCHREALTIME" "$l"; done > %q)' "$1"
}

relay_rerun_gap() {
	awk '/trying again in/ && !t { t = $1; for (i = 1; i < NF; i++) if ($i == "in") n = $(i + 1) }
		t && /relaying through ssh/ && $1 > t { printf "%d %d\n", n, ($1 - t) * 1000; exit }' "$1"
}

relay_check_rerun() {
	local said gap
	read -r said gap < <(relay_rerun_gap "$2")
	if [ -n "${said:-}" ] && [ "$gap" -ge $((said - 50)) ] && [ "$gap" -le $((said + 700)) ]; then
		pass "$1: the log said 'trying again in $said ms' and the next relay ran $gap ms later"
	else
		fail "$1: the wait after a failed relay is what the log says" "said ${said:-nothing}, waited ${gap:-?} ms"
		grep 'relay' "$2" | tail -6 | sed 's/^/    log| /'
	fi
}
