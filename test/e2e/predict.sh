#!/usr/bin/env bash
# Predictive echo in a real terminal (tmux) through
# `sspsh connect --local --link delay=...`: typed text shows before the
# server could have answered, unconfirmed text is underlined and nothing
# stays underlined once the link settles, nothing typed shows with echo
# off, and with prediction off (SSPSH_PREDICTION_DISPLAY=never) typed text
# waits for the round trip.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "predict" "tmux is not installed"; finish; fi

delay=200			# one way: the echo takes at least 400 ms
rtt=$((2 * delay))
underline=$'\e[4m'

now_ms() { date +%s%3N; }

# time_to_show TEXT: types TEXT, prints the ms until the screen shows it
# (99999: never within 5 s).
time_to_show() {
	local text=$1 start
	start=$(now_ms)
	type_text "$text"
	while ! screen | grep -qF -- "$text"; do
		[ $(($(now_ms) - start)) -gt 5000 ] && { echo 99999; return; }
		sleep 0.01
	done
	echo $(($(now_ms) - start))
}

styled_screen() { tmx capture-pane -p -e -t t; }
underlined() { styled_screen | grep -qF -- "$underline"; }
not_underlined() { ! underlined; }
shows() { screen | grep -qF -- "$1"; }

# never_shows TEXT SECONDS: the screen does not show TEXT at any moment.
never_shows() {
	local text=$1 i
	for ((i = 0; i < $2 * 20; i++)); do
		shows "$text" && return 1
		sleep 0.05
	done
	return 0
}

# ---- Prediction on (the default, adaptive).
unset SSPSH_PREDICTION_DISPLAY
start_local --link delay=$delay
expect "a prompt appears over a ${rtt} ms link" wait_for '$' 20
type_text 'e'	# the line's first key waits for the server's confirmation
expect "the first key of a line shows once the server echoes it" wait_for '$ e' 5
sleep 1
shown_after=$(time_to_show 'cho predicted-text')
if [ "$shown_after" -lt "$rtt" ]; then
	pass "typed text shows before the server could answer (${shown_after} ms < ${rtt} ms RTT)"
else
	fail_screen "typed text shows before the server could answer" "${shown_after} ms"
fi
if underlined; then
	pass "unconfirmed text is underlined on a slow link"
else
	fail "unconfirmed text is underlined on a slow link" "$(styled_screen | grep -F predicted)"
fi
expect "nothing stays underlined once the link settles" wait_until 5 not_underlined
expect "the settled screen shows the typed text" shows '$ echo predicted-text'
press Enter
expect "the command runs" wait_for_regex '^predicted-text$' 5

# Echo off: a password-style read never shows the typed characters.
type_text 'stty -echo; read x; stty echo; echo "got=$x"'; press Enter
sleep 1.5
type_text 'secretpw'
expect "with echo off, typed characters never show" never_shows 'secr' 2
press Enter
expect "the hidden input reached the program" wait_for 'got=secretpw' 5
sleep 1
expect "nothing is underlined after the echo-off input" not_underlined

type_text 'exit'; press Enter
wait_for '[sspsh is exiting.]' 10
tmux_stop

# ---- Prediction off through the environment: text waits for the echo.
export SSPSH_PREDICTION_DISPLAY=never
start_local --link delay=$delay
expect "a prompt appears with SSPSH_PREDICTION_DISPLAY=never" wait_for '$' 20
type_text 'e'
wait_for '$ e' 5
sleep 1
shown_after=$(time_to_show 'cho waits')
if [ "$shown_after" -ge $((rtt - 20)) ] && [ "$shown_after" -lt 99999 ]; then
	pass "without prediction typed text waits for the round trip (${shown_after} ms)"
else
	fail_screen "without prediction typed text waits for the round trip" "${shown_after} ms"
fi
unset SSPSH_PREDICTION_DISPLAY
type_text $'\x15exit'; press Enter
wait_for '[sspsh is exiting.]' 10
finish
