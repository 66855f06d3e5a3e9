#!/usr/bin/env bash
# The session's last screen stays as it was when the client exits: the
# exit message goes on the line below the program's output instead of
# scrolling it away.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "exit_screen" "tmux is not installed"; finish; fi

row() { tmx capture-pane -p -t t | sed -n "$(($1 + 1))p"; }	# the screen, not the history
row_is() { [ "$(row "$1")" = "$2" ]; }

printf '%s\n' "${SSPSH@Q} connect --local -- bash -c 'echo OUTPUT-LINE; sleep 1'" \
	'echo STATUS=$?' 'sleep 600' > "$E2E_TMP/run.sh"
start_tmux 80 24 "bash $E2E_TMP/run.sh"
expect "the client exits when the program does" wait_for 'STATUS=' 15
expect "the program's last output is still on the screen" row_is 0 'OUTPUT-LINE'
expect "the message is on the line after it" row_is 1 '[sspsh is exiting.]'
tmux_stop

start_tmux 80 24 "${SSPSH@Q} connect --local -- ${E2E_SHELL[*]@Q}; echo STATUS=\$?; sleep 600"
expect "a prompt appears" wait_for_regex '^\$ ?$' 10
type_text 'seq 1 30'; press Enter
expect "the screen fills" wait_for_regex '^30$' 5
expect "the screen shows 8 to 30 and the prompt" wait_until 5 row_is 0 8
press C-^; type_text '.'
expect "Ctrl-^ . quits" wait_for 'STATUS=' 5
# One line for the message, one for STATUS= (3 more lines scrolled before:
# the message went two lines below the bottom row).
expect "quitting with a full screen scrolls only for the lines printed" wait_until 5 row_is 0 11
finish
