#!/usr/bin/env bash
# Echo on a fast link: how long after a local program's echo a typed
# character comes back through sspsh, ssh and mosh (each when it can run
# here), all on loopback, with `cat` echoing on the far side and prediction
# off. test/bench/echo_latency.py types KEYS characters into each in a
# pseudo-terminal and times each echo; each figure is a median.
# ssh needs root (a throwaway user and sshd, test/e2e/sshd_lib.sh).
# usage: test/bench/echo.sh SSPSH [KEYS]
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
sspsh=$(realpath "${1:?usage: test/bench/echo.sh SSPSH [KEYS]}")
keys=${2:-200}
far_side='echo READY; exec cat'
measure() { python3 "$here/test/bench/echo_latency.py" READY "$keys" "$@" | awk '$1 == "median" { print $2 }'; }

# report NAME MEDIAN: the median and how much later than the local echo.
report() {
	[ -n "$2" ] || { echo "$1: no echo"; return; }
	printf '%-6s echo on loopback: %6.2f ms median, %+.2f ms after the local echo\n' \
		"$1" "$2" "$(echo "$2 - $local_median" | bc -l)"
}

local_median=$(measure sh -c "$far_side")
[ -n "$local_median" ] || { echo "echo: the local cat did not echo"; exit 1; }
printf 'local  echo: %6.2f ms median (%d keys, cat in a pseudo-terminal)\n' "$local_median" "$keys"
report sspsh "$(measure "$sspsh" connect --local --predict=never -- sh -c "$far_side")"

. "$here/test/e2e/sshd_lib.sh"
reason=$(sshd_skip_reason)
if [ -z "$reason" ] && sshd_start; then
	trap sshd_stop EXIT
	read -r -a ssh_words <<< "$SSHD_SSH"
	report ssh "$(measure "${ssh_words[@]}" -tt "$SSHD_USER@127.0.0.1" "$far_side")"
else
	echo "ssh    not measured: ${reason:-sshd did not start}"
fi

if command -v mosh-server >/dev/null && command -v mosh-client >/dev/null; then
	line=$(mosh-server new -i 127.0.0.1 -p 60990:60999 -- sh -c "$far_side" 2>/dev/null | grep '^MOSH CONNECT')
	read -r _ _ port key <<< "$line"
	server=$(ss -H -uanp "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
	# echo_latency.py's terminal has no size, which mosh-client cannot start with.
	report mosh "$(MOSH_KEY=$key measure sh -c "stty rows 24 cols 80; exec mosh-client 127.0.0.1 $port")"
	[ -n "$server" ] && kill "$server" 2>/dev/null
else
	echo "mosh   not measured: not installed"
fi
