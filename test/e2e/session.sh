#!/usr/bin/env bash
# A session through `sspsh connect --local` in a real terminal (tmux): echo,
# window size, title, full-screen programs, a flood and Ctrl-C, the end of
# the session, and the terminal's modes given back.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "session" "tmux is not installed"; finish; fi

start_local
expect "a shell prompt appears" wait_for '$' 10
type_text 'echo one$((40 + 2))two'; press Enter
expect "typed command runs and its output shows" wait_for 'one42two' 5

tmx resize-window -t t -x 100 -y 30
sleep 0.3
type_text 'stty size'; press Enter
expect "window size follows the terminal (stty size 30 100)" wait_for '30 100' 5

type_text 'printf "\033]2;%s\007" sspsh-title-test'; press Enter
expect "the program sets the window title" \
	wait_until 5 sh -c "tmux -L $TMUX_SOCKET display -p -t t '#{pane_title}' | grep -q sspsh-title-test"

if need less; then
	seq 1 1000 | sed 's/^/less line /' > "$E2E_TMP/lines"
	type_text "less $E2E_TMP/lines"; press Enter
	if wait_for 'less line 29' 5; then
		press Space
		expect "less pages down" wait_for 'less line 58' 5
		press q
		type_text 'echo after-less'; press Enter
		expect "less quits back to the shell" wait_for 'after-less' 5
	else
		fail_screen "less shows the file"
	fi
else
	skip "less" "less is not installed"
fi

if need vim; then
	type_text "vim -u NONE -i NONE -N $E2E_TMP/edited"; press Enter
	sleep 1
	type_text 'ihello from vim'; press Escape
	type_text ':wq'; press Enter
	expect "vim edits and writes a file" wait_until 5 grep -qx 'hello from vim' "$E2E_TMP/edited"
	sleep 1	# vim drops typeahead (TCSAFLUSH) as it gives the terminal back
	type_text 'echo after-vim'; press Enter
	expect "vim quits back to the shell" wait_for 'after-vim' 5
else
	skip "vim" "vim is not installed"
fi

# A multi-MB file: the end shows, then a flood that only Ctrl-C stops.
seq 1 400000 | sed 's/$/ the quick brown fox/' > "$E2E_TMP/big"
type_text "clear; cat $E2E_TMP/big; echo cat-done"; press Enter
expect "the end of a $(($(stat -c %s "$E2E_TMP/big") / 1000000)) MB cat shows" wait_for 'cat-done' 30
type_text 'yes flood'; press Enter
wait_for 'flood' 5
press C-c
type_text 'echo stopped-$((6 * 7))'; press Enter
expect "Ctrl-C stops a flood at once" wait_for 'stopped-42' 5

type_text 'exit'; press Enter
expect "the client says it is exiting when the shell exits" wait_for '[sspsh is exiting.]' 10
expect "the client exits with status 0" wait_until 5 grep -qx 0 "$E2E_TMP/status"
expect "the terminal's modes are restored" wait_until 5 cmp -s "$E2E_TMP/modes.before" "$E2E_TMP/modes.after"
expect "the server is gone" wait_until 5 sh -c "! ps -o comm= --ppid $(pane_pid) | grep -q sspsh"
finish
