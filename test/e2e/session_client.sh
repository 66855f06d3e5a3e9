#!/usr/bin/env bash
# The client in a real terminal: terminal modes passed through and given
# back, the escape key (Ctrl-^ then '.', '^' or Ctrl-Z), suspend and resume
# from an interactive shell with job control.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "session_client" "tmux is not installed"; finish; fi

flags() { tmx display -p -t t '#{keypad_cursor_flag}#{mouse_button_flag}#{mouse_sgr_flag}'; }

start_tmux 80 24 "env PS1='outer\$ ' HISTFILE=/dev/null bash --norc --noprofile -i"
wait_for 'outer$' 5
type_text "$SSPSH connect --local -- ${E2E_SHELL[*]@Q}"; press Enter
expect "a prompt appears" wait_for_regex '^\$ ?$' 10

type_text "printf '\\033[?1h\\033[?1002h\\033[?1006h'"; press Enter
expect "app-cursor and mouse modes reach the real terminal" wait_until 5 sh -c "[ \$(tmux -L $TMUX_SOCKET display -p -t t '#{keypad_cursor_flag}#{mouse_button_flag}#{mouse_sgr_flag}') = 111 ]"

# Ctrl-^ ^ sends Ctrl-^ itself; Ctrl-^ x sends both keys.
type_text 'od -An -c'; press Enter
sleep 0.3
press C-^; type_text '^'; press C-^; type_text 'x'; press Enter; press C-d
expect "Ctrl-^ ^ sends one Ctrl-^, Ctrl-^ x sends both" wait_for_regex '036 +036 +x +\\n' 5

press C-^; press C-z
expect "Ctrl-^ Ctrl-Z suspends the client" wait_for '[sspsh is suspended.]' 5
expect "the outer shell is back" wait_for_regex '^outer\$ ?$' 5
expect "suspending gives the modes back" wait_until 5 sh -c "[ \$(tmux -L $TMUX_SOCKET display -p -t t '#{keypad_cursor_flag}#{mouse_button_flag}#{mouse_sgr_flag}') = 000 ]"
type_text 'fg'; press Enter
type_text 'echo resumed-$((3 * 3))'; press Enter
expect "fg resumes the session" wait_for 'resumed-9' 5
expect "resuming turns the modes on again" wait_until 5 sh -c "[ \$(tmux -L $TMUX_SOCKET display -p -t t '#{keypad_cursor_flag}#{mouse_button_flag}#{mouse_sgr_flag}') = 111 ]"

press C-^; type_text '.'
expect "Ctrl-^ . quits" wait_for '[sspsh is exiting.]' 5
expect "quitting gives the modes back" wait_until 5 sh -c "[ \$(tmux -L $TMUX_SOCKET display -p -t t '#{keypad_cursor_flag}#{mouse_button_flag}#{mouse_sgr_flag}') = 000 ]"
type_text 'echo outer-$((5 * 5))'; press Enter
expect "the outer shell works after the session" wait_for 'outer-25' 5
finish
