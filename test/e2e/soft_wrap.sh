#!/usr/bin/env bash
# A line longer than the screen is one line in the outer terminal: the
# display recreates the soft wrap, so copying (tmux capture-pane -J, a
# terminal's selection) gets it back whole, after scrolling too.
. "$(dirname "$0")/lib.sh"

if ! need tmux; then skip "soft_wrap" "tmux is not installed"; finish; fi

# 173 characters, none a blank: a URL-like line that must not break in two.
long_line() {
	local line="https://example.org/$1/" i=0
	while [ ${#line} -lt 173 ]; do line+="p$i-"; i=$((i + 1)); done
	printf '%s' "${line:0:173}"
}
joined() { tmx capture-pane -p -J -t t | grep -qxF "$1"; }

start_tmux 100 30 "${SSPSH@Q} connect --local -- ${E2E_SHELL[*]@Q}"
expect "a prompt appears" wait_for_regex '^\$ ?$' 10

first=$(long_line first)
printf '%s\n' "$first" > "$E2E_TMP/first"
type_text "clear; seq 1 24; cat ${E2E_TMP@Q}/first"; press Enter
expect "a 173-column line reaches a 100-column terminal" wait_for "${first:100}" 5
expect "capture-pane -J joins it into one line" wait_until 5 joined "$first"

type_text 'seq 101 104'; press Enter
expect "the screen scrolls with the line on it" wait_for_regex '^104$' 5
expect "the line is still one line after the scroll" wait_until 5 joined "$first"

exact=$(long_line exact); exact=${exact:0:100}
printf '%s\nNEXT-LINE\n' "$exact" > "$E2E_TMP/exact"
type_text "clear; cat ${E2E_TMP@Q}/exact"; press Enter
expect "a line exactly as wide as the screen is shown" wait_for 'NEXT-LINE' 5
expect "it is not joined to the line after it" wait_until 5 joined "$exact"
finish
