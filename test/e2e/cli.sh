#!/usr/bin/env bash
# The multi-call binary: dispatch by program name and by first argument,
# help and version, unknown applets, static linking, make install.
set -u
. "$(dirname "$0")/report.sh"

bin=${SSPSH:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ok STATUS TEXT REGEX: the status is 0 and the text has a line matching REGEX.
ok() { [ "$1" -eq 0 ] && printf '%s\n' "$2" | grep -qE "$3"; }

out=$("$bin" --help); rc=$?
check "help lists applets" ok $rc "$out" '^  server '
out=$("$bin" --version); rc=$?
check "version" ok $rc "$out" '^sspsh [0-9]+\.[0-9]+'

for a in server connect client keygen bench; do
	out=$("$bin" $a --help); rc=$?
	check "$a --help prints usage" ok $rc "$out" '^usage: sspsh'
	ln -s "$bin" "$tmp/sspsh-$a"
	out2=$("$tmp/sspsh-$a" --help); rc=$?
	check "sspsh-$a symlink dispatches" test $rc -eq 0 -a "${#out2}" -gt 0 -a "x$out" = "x$out2"
done

out=$("$bin" nosuch 2>&1); rc=$?
check "unknown applet exits 2" test $rc -eq 2
check "unknown applet: one line that points to --help" \
	test "$out" = "sspsh: no applet named 'nosuch' (sspsh --help lists the applets)"
"$bin" >/dev/null 2>&1; rc=$?
check "no arguments exits 2" test $rc -eq 2

if [[ $bin == */build/sspsh ]]; then
	check "statically linked" sh -c "file '$bin' | grep -q 'statically linked'"
	check "ldd: not a dynamic executable" sh -c "ldd '$bin' 2>&1 | grep -q 'not a dynamic executable'"
	make -s -C "$SSPSH_SRC" install PREFIX="$tmp/prefix" >/dev/null 2>&1
	check "make install puts the binary, the symlinks and the man page" \
		test -x "$tmp/prefix/bin/sspsh" -a -L "$tmp/prefix/bin/sspsh-server" \
		-a -L "$tmp/prefix/bin/sspsh-connect" -a -f "$tmp/prefix/share/man/man1/sspsh.1"
	check "installed symlink dispatches" sh -c "'$tmp/prefix/bin/sspsh-keygen' --help | grep -q keygen"

	# BENCH=0: no bench applet, no benchmark code linked.
	nobench=$tmp/nobench
	if make -s -C "$SSPSH_SRC" BUILD="$nobench" BENCH=0 "$nobench/sspsh" >"$tmp/nobench.log" 2>&1; then
		out=$("$nobench/sspsh" bench emu 2>&1); rc=$?
		check "BENCH=0: sspsh bench says it is not built, exit 2" \
			test $rc -eq 2 -a "$out" = "sspsh: bench: not built into this sspsh (BENCH=0 in config.mk)"
		ln -s "$nobench/sspsh" "$nobench/sspsh-bench"
		out=$("$nobench/sspsh-bench" 2>&1); rc=$?
		check "BENCH=0: the sspsh-bench symlink says so too" test $rc -eq 2 -a "${out#*not built}" != "$out"
		check "BENCH=0: --help does not list bench" sh -c "! '$nobench/sspsh' --help | grep -q '^  bench '"
		check "BENCH=0: no benchmark code linked" sh -c "! nm '$nobench/sspsh' | grep -q 'bench_'"
		check "BENCH=0: connect still works as before" sh -c "'$nobench/sspsh' connect --help | grep -q '^usage: sspsh connect'"
	else
		fail "BENCH=0 builds" "$(tail -3 "$tmp/nobench.log")"
	fi
	out=$("$bin" --help); rc=$?
	check "default build lists bench" ok $rc "$out" '^  bench '
else
	skip "static link" "sanitizer builds are dynamic"
fi
finish
