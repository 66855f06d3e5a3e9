#!/usr/bin/env bash
# The emulator against tmux 3.3a on 300 random escape streams of fixed
# seeds (test/soak/emu_vs_tmux.py; make soak runs thousands): the rows and
# the cursor of `sspsh bench emu --dump` match tmux's for every stream, the
# cases where tmux departs from xterm aside (listed in the tool).
set -u
here=$(dirname "$0")
. "$here/report.sh"

if ! command -v tmux >/dev/null || ! command -v python3 >/dev/null; then
	skip "emulator against tmux" "needs tmux and python3"
	finish
fi
out=$(python3 "$here/../soak/emu_vs_tmux.py" --jobs 2 1-300)
rc=$?
summary=$(printf '%s\n' "$out" | tail -1)
if [ $rc -eq 0 ]; then
	pass "300 random escape streams against tmux: $summary"
else
	printf '%s\n' "$out" | grep -v '^seed .*departs from xterm'
	fail "300 random escape streams against tmux" "$summary"
fi
finish
