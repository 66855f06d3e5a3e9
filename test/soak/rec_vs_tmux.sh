#!/usr/bin/env bash
# Every recording in test/term/corpus against tmux 3.3a, cut every 16
# bytes and at 300 random offsets (test/soak/rec_vs_tmux.py): the screens,
# renditions and cursor must match at every cut, but for the documented
# exceptions. test/e2e/rec_vs_tmux.sh runs the same with fewer cuts.
set -u
. "$(dirname "$0")/../e2e/report.sh"
. "$(dirname "$0")/../e2e/rec_lib.sh"
recordings_against_tmux "at every cut" --every 16 --random 300 --seed 7 --first
finish
