#!/usr/bin/env bash
# A window resized while the client is suspended: a stopped process in the
# background gets no SIGWINCH, so the client must look again on resume.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "suspend_resize" "tmux is not installed"; finish; fi

start_tmux 80 24 "env PS1='outer\$ ' HISTFILE=/dev/null bash --norc --noprofile -i"
wait_for 'outer$' 5
type_text "$SSPSH connect --local -- ${E2E_SHELL[*]@Q}"; press Enter
expect "a prompt appears" wait_for_regex '^\$ ?$' 10
press C-^; press C-z
expect "Ctrl-^ Ctrl-Z suspends the client" wait_for_regex '^outer\$ ?$' 5
tmx resize-window -t t -x 100 -y 30
type_text 'fg'; press Enter
sleep 0.5
type_text 'echo "size=$(stty size)"'; press Enter
expect "the session learns the size the window took while suspended" wait_for 'size=30 100' 5
press C-^; type_text '.'
finish
