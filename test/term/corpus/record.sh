#!/usr/bin/env bash
# record.sh OUT.vt COLS ROWS DIR STEP...: records what a program writes to
# a terminal, as the recordings beside this script were made. bash (no rc
# files, prompt "bash-5.2# ") runs under `script` in a detached tmux pane
# of COLSxROWS with TERM=xterm-256color, in DIR; each STEP is one of
#
#   "t TEXT"     TEXT typed as is (tmux send-keys -l)
#   "k KEYS..."  tmux key names (send-keys: Enter, C-w, F9, Escape, ...)
#   "s SECONDS"  a pause, for the program to answer
#
# The recording stops with `script` (killed before tmux goes, so what the
# program writes on its way out is not in it) and loses script's header
# and trailer lines. Not part of any test: the tests replay the .vt files.
# Example: record.sh less.vt 80 24 /tmp/files "t less -R emu_csi.c" "k Enter" "s 1" "k Space"
set -u
[ $# -ge 4 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
out=$1 cols=$2 rows=$3 dir=$4
shift 4
socket=sspsh-record-$$
raw=$(mktemp /tmp/sspsh-record.XXXXXX)
trap 'rm -f "$raw"; tmux -L "$socket" kill-server 2>/dev/null' EXIT
T() { tmux -L "$socket" -f /dev/null "$@"; }

T new-session -d -s r -x "$cols" -y "$rows" \
	"cd '$dir' && env -i HOME=\$HOME TERM=xterm-256color LANG=C.UTF-8 PATH=/usr/bin:/bin \
	 script -q -f -c 'bash --norc --noprofile' '$raw'"
sleep 1
for step; do
	case $step in
	k\ *) T send-keys -t r ${step#k } ;;
	t\ *) T send-keys -t r -l -- "${step#t }" ;;
	s\ *) sleep "${step#s }" ;;
	*) echo "record.sh: a step is 't TEXT', 'k KEYS' or 's SECONDS', not '$step'" >&2; exit 2 ;;
	esac
done
sleep 0.5
shell=$(T display -p -t r '#{pane_pid}')
for pid in $(ps -o pid= --ppid "$shell") "$shell"; do
	[ "$(ps -o comm= -p "$pid")" = script ] && kill -KILL "$pid"
done
sleep 0.3
python3 - "$raw" "$out" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
data = data[data.index(b"\n") + 1:]
end = data.rfind(b"\nScript done on ")
open(sys.argv[2], "wb").write(data[:end] if end >= 0 else data)
EOF
