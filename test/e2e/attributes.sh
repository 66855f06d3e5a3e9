#!/usr/bin/env bash
# Attributes and the cursor shape reach the outer terminal (tmux) as the
# program wrote them when its terminfo entry says it takes them, and fall
# back cleanly when it does not: a row drawn through a session must look to
# tmux (capture-pane -e) exactly like the same bytes written to it directly,
# or like their fallback. Predicted text takes the program's current pen,
# not the look of the prompt before it.
. "$(dirname "$0")/lib.sh"

if ! need tmux || ! need tic; then skip "attributes" "tmux or tic is not installed"; finish; fi

# tmux-256color, which has Smulx and Ss/Se, plus underline colour and overline.
cat > "$E2E_TMP/ext.ti" <<'EOF'
sspsh-ext|tmux-256color with underline colour and overline,
	Setulc=\E[58\:2\:\:%p1%{65536}%/%d\:%p1%{256}%/%{255}%&%d\:%p1%{255}%&%d%;m,
	Smol=\E[53m, Rmol=\E[55m,
	use=tmux-256color,
EOF
if ! tic -x -o "$E2E_TMP/terminfo" "$E2E_TMP/ext.ti" 2>/dev/null; then
	skip "attributes" "tic cannot build a test entry on tmux-256color"; finish
fi

styled='\e[4:3mA\e[0;58:2::255:0:0;4mB\e[0;53mC\e[0;58;5;196;4mD\e[0;4:4mE\e[0;4:5mF\e[0m.'
plain='\e[4mA\e[0;4mB\e[0mC\e[0;4mD\e[0;4mE\e[0;4mF\e[0m.'

first_row() { tmx capture-pane -p -e -t t | head -1; }
first_row_is() { [ "$(first_row)" = "$1" ]; }

# reference BYTES: the row tmux shows when BYTES are written to it directly.
reference() {
	start_tmux 80 5 "printf '$1\\nREFERENCE-DONE\\n'; sleep 600"
	wait_for REFERENCE-DONE 5 >/dev/null
	tmx capture-pane -p -e -t t | head -1
}

# session TERM: a --local session whose client runs with TERM, recording
# what the client writes to the terminal.
session() {
	: > "$E2E_TMP/written"
	start_tmux 80 10 "TERMINFO=${E2E_TMP@Q}/terminfo TERM=$1 ${SSPSH@Q} connect --local -- ${E2E_SHELL[*]@Q}"
	tmx pipe-pane -o -t t "cat >> ${E2E_TMP@Q}/written"
	wait_for_regex '^\$ ?$' 10
}

written_has() { grep -qF -- "$1" "$E2E_TMP/written"; }
written_lacks() { ! written_has "$1"; }

# ---- A terminal that takes everything.
want=$(reference "$styled")
session sspsh-ext
type_text "clear; printf '$styled\\n'"; press Enter
expect "styled text reaches the terminal" wait_for 'ABCDEF.' 5
if wait_until 3 first_row_is "$want"; then
	pass "curly/dotted/dashed underline, underline colour and overline arrive as written"
else
	fail "curly/dotted/dashed underline, underline colour and overline arrive as written" \
		"$(printf 'want %q got %q' "$want" "$(first_row)")"
fi
type_text "printf '\\e[5 q'"; press Enter
expect "DECSCUSR 5 (vim's insert mode) reaches a terminal with Ss" wait_until 5 written_has $'\e[5 q'
type_text "printf '\\e[ q'"; press Enter
expect "DECSCUSR 0 gives the terminal Se (its own shape)" wait_until 5 written_has $'\e[2 q'
type_text 'exit'; press Enter
wait_for '[sspsh is exiting.]' 10

# ---- A terminal without them (TERM=screen: no Smulx, Setulc, Smol, Ss).
want=$(reference "$plain")
session screen
type_text "clear; printf '$styled\\e[5 q\\n'"; press Enter
expect "styled text reaches a plain terminal" wait_for 'ABCDEF.' 5
if wait_until 3 first_row_is "$want"; then
	pass "without the capabilities: plain underlines, no colour or overline"
else
	fail "without the capabilities: plain underlines, no colour or overline" \
		"$(printf 'want %q got %q' "$want" "$(first_row)")"
fi
check "no underline colour is sent to a terminal without Setulc" written_lacks $'\e[58' 
check "no cursor shape is sent to a terminal without Ss" written_lacks $'\e[5 q'
grep -aqE $'\e\\[[0-9;]*(4:[345]|53)[;m]' "$E2E_TMP/written" &&
	fail "no 4:3/4:4/4:5 or 53 is sent" || pass "no 4:3/4:4/4:5 or 53 is sent"
type_text 'exit'; press Enter
wait_for '[sspsh is exiting.]' 10

# ---- Prediction draws with the program's pen. A bold green prompt that
# resets before the cursor; after a confirmed key and a predicted
# Backspace, typed text sits right after the prompt's last (green) cell.
cat > "$E2E_TMP/prompt.sh" <<'EOF'
PS1='\[\e[1;32m\]green-prompt$ \[\e[0m\]' HISTFILE=/dev/null exec bash --norc --noprofile
EOF
start_tmux 80 10 "${SSPSH@Q} connect --local --predict=always --link delay=400 -- bash ${E2E_TMP@Q}/prompt.sh"
expect "a bold green prompt appears over an 800 ms link" wait_for 'green-prompt$' 20
type_text 'e'
expect "the first key shows once the server echoes it" wait_for 'green-prompt$ e' 5
sleep 1
press BSpace
type_text 'xyz'
predicted() { screen | grep -qF 'green-prompt$ xyz'; }
# The SGR in effect at TEXT in a row of capture-pane -e: what follows the
# last reset before it.
pen_at() {
	local prefix=${1%%"$2"*}
	printf '%s' "${prefix##*$'\e[0'}"
}
if wait_until 1 predicted; then
	row=$(tmx capture-pane -p -e -t t | grep -F 'xyz' | head -1)
	pen=$(pen_at "$row" xyz)
	if ! [[ $pen =~ [[\;](1|32)[\;m] ]] && [[ $pen =~ [[\;]4[\;m] ]]; then
		pass "predicted text is underlined in the program's pen, not the prompt's bold green"
	else
		fail "predicted text is underlined in the program's pen, not the prompt's bold green" "$(printf '%q' "$row")"
	fi
else
	fail_screen "typed text is predicted before the echo"
fi
expect "the echo settles to the server's screen" wait_for 'green-prompt$ xyz' 5
finish
