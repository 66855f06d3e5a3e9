#!/usr/bin/env bash
# Runs every unit test program (BUILD/test/test_*) and every end-to-end
# script (test/e2e/*.sh), counts their PASS/FAIL/SKIP lines and prints the
# summary "N passed, N failed[, N skipped]" as its last line.
# A program that exits non-zero without printing FAIL (a crash, a timeout)
# counts as one failure. Usage: test/run.sh [--soak|--cross] BUILD_DIR [FILTER]
# --soak runs the long tests, test/soak/*.sh, instead.
# --cross: BUILD_DIR holds another machine's build (make check-aarch64): its
# unit programs run under TEST_WRAPPER (qemu-user), then test/cross/*.sh with
# SSPSH_TARGET naming that build's sspsh and SSPSH this machine's (build/).
# TEST_WRAPPER (e.g. "valgrind -q") prefixes each unit program.
set -u
mode=normal
case ${1:-} in
--soak) mode=soak; shift ;;
--cross) mode=cross; shift ;;
esac
build=${1:?usage: test/run.sh [--soak|--cross] BUILD_DIR [FILTER]}
filter=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
if [ "$mode" = cross ]; then
	export SSPSH_TARGET="$here/$build/sspsh"
	export SSPSH="${SSPSH:-$here/build/sspsh}"
else
	export SSPSH="${SSPSH:-$here/$build/sspsh}"
fi
export SSPSH_SRC="$here"
export SSPSH_BUILD="$here/$build"
# sspsh refuses a locale that does not use UTF-8; with none set at all the
# sessions under test run in C.UTF-8 (test/e2e/locale_term.sh sets its own).
[ -z "${LC_ALL:-}${LC_CTYPE:-}${LANG:-}" ] && export LANG=C.UTF-8
per_test_timeout=${TEST_TIMEOUT:-600}
[ "$mode" = soak ] && per_test_timeout=${TEST_TIMEOUT:-7200}
read -r -a wrapper <<< "${TEST_WRAPPER:-}"


passed=0 failed=0 skipped=0
skip_lines=() fail_lines=()

run_one() {
	local name=$1; shift
	local out rc
	out=$(timeout --kill-after=10 "$per_test_timeout" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL|SKIP) ' | sed "s|^|[$name] |"
	local p f s
	p=$(printf '%s\n' "$out" | grep -c '^PASS ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
	s=$(printf '%s\n' "$out" | grep -c '^SKIP ')
	while IFS= read -r l; do [ -n "$l" ] && fail_lines+=("[$name] $l"); done \
		< <(printf '%s\n' "$out" | grep '^FAIL ')
	while IFS= read -r l; do [ -n "$l" ] && skip_lines+=("[$name] $l"); done \
		< <(printf '%s\n' "$out" | grep '^SKIP ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		fail_lines+=("[$name] FAIL exited with status $rc without reporting a failure")
		echo "[$name] FAIL exited with status $rc; last output:"
		printf '%s\n' "$out" | tail -15 | sed 's/^/    /'
	elif [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v -E '^(PASS|SKIP) ' | tail -30 | sed 's/^/    /'
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

run_scripts() {
	local dir=$1 t name
	for t in "$here/test/$dir"/*.sh; do
		[ -f "$t" ] || continue
		name=$dir/$(basename "$t" .sh)
		[ -n "$filter" ] && [[ $name != *$filter* ]] && continue
		run_one "$name" bash "$t"
	done
}

run_units() {
	local t name
	for t in "$here/$build"/test/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		[ -n "$filter" ] && [[ $name != *$filter* ]] && continue
		run_one "$name" "${wrapper[@]}" "$t"
	done
}

case $mode in
soak) run_scripts soak ;;
cross)
	if compgen -G "$here/$build/test/test_*" >/dev/null; then
		run_units
	else
		skip_lines+=("[cross] SKIP unit tests: no $build/test/test_* (make deps ARCH=aarch64)")
		echo "${skip_lines[-1]}"
		skipped=$((skipped + 1))
	fi
	run_scripts cross
	;;
*) run_units; run_scripts e2e ;;
esac

echo
if [ ${#fail_lines[@]} -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${fail_lines[@]}"
fi
if [ ${#skip_lines[@]} -gt 0 ]; then
	echo "Skipped:"
	printf '  %s\n' "${skip_lines[@]}"
fi
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
