#!/usr/bin/env bash
# Runs every row of bad_input.table: bad arguments, environment and key
# files must give one clear line on stderr, exit status 2, and touch
# nothing (no file made or changed, no server started).
set -u
. "$(dirname "$0")/report.sh"

bin=${SSPSH:?}
table=$(dirname "$0")/bad_input.table
TMP=$(mktemp -d)
trap 'chmod -R u+rwx "$TMP"; rm -rf "$TMP"' EXIT
export HOME=$TMP/home
mkdir -p "$HOME" "$TMP/files/dir"
printf 'not a key at all\n' > "$TMP/files/junk"
: > "$TMP/files/empty"
chmod 600 "$TMP/files/junk" "$TMP/files/empty"
"$bin" keygen -f "$TMP/files/open_key" -C test </dev/null >/dev/null 2>&1
chmod 644 "$TMP/files/open_key"

snapshot() {
	(cd "$TMP" && find files home -printf '%p %m %s\n' | sort && find files home -type f -exec md5sum {} + | sort)
}

rows=0
while IFS= read -r line; do
	[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
	args=${line% | *}
	regex=${line##* | }
	args=${args%"${args##*[![:space:]]}"}
	eval "words=( $args )"
	envs=()
	while [[ ${words[0]:-} =~ ^[A-Z_]+= ]]; do envs+=("${words[0]}"); words=("${words[@]:1}"); done
	before=$(snapshot)
	env -u SSPSH_KEY -u SSPSH_PREDICTION_DISPLAY "${envs[@]}" \
		timeout 10 "$bin" "${words[@]}" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	after=$(snapshot)
	lines=$(wc -l < "$TMP/err")
	why=""
	[ "$rc" -eq 2 ] || why="exit status $rc"
	[ -s "$TMP/out" ] && why="${why:+$why; }stdout not empty"
	[ "$lines" -eq 1 ] || why="${why:+$why; }$lines lines on stderr"
	grep -qE -- "$regex" "$TMP/err" || why="${why:+$why; }stderr does not match /$regex/"
	[ "$before" = "$after" ] || why="${why:+$why; }files changed"
	if [ -z "$why" ]; then
		pass "bad input: $args"
	else
		fail "bad input: $args" "$why; stderr: $(head -c 300 "$TMP/err" | tr '\n' '|')"
	fi
	rows=$((rows + 1))
done < "$table"
check "the table has rows" test "$rows" -gt 40
finish
