#!/usr/bin/env bash
# The emulator against tmux 3.3a on random escape streams, many seeds
# (test/soak/emu_vs_tmux.py; make check runs a few hundred of them in
# test/e2e/emu_vs_tmux.sh). Usage: emu_vs_tmux.sh [SEEDS...] (default
# 1-3000; numbers or ranges LOW-HIGH). Each stream that differs from tmux
# other than where tmux departs from xterm is printed cut down to a few
# characters, with both screens.
set -u
here=$(dirname "$0")
. "$here/../e2e/report.sh"

if ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
	skip "emulator against tmux" "needs tmux and python3"
	finish
fi
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(1-3000)
out=$(python3 "$here/emu_vs_tmux.py" --jobs 2 "${seeds[@]}")
rc=$?
printf '%s\n' "$out" | grep -v '^seed .*departs from xterm'
summary=$(printf '%s\n' "$out" | tail -1)
if [ $rc -eq 0 ]; then pass "random escape streams against tmux: $summary"
else fail "random escape streams against tmux" "$summary"; fi
finish
