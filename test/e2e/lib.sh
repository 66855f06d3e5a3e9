# Shared helpers for session tests (sourced, not run): a private tmux server
# driving a real terminal, waiting for text, and a cleanup trap that stops
# every process a test started. Run alone, it does nothing.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0
set -u
. "$(dirname "${BASH_SOURCE[0]}")/report.sh"

SSPSH=${SSPSH:?SSPSH must name the binary (test/run.sh sets it)}
TMUX_SOCKET=sspsh-test-$$
E2E_TMP=$(mktemp -d /tmp/sspsh-e2e.XXXXXX)
e2e_pids=()

tmx() { tmux -L "$TMUX_SOCKET" "$@"; }

# Every descendant of a process, deepest last.
descendants() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$child"
		descendants "$child"
	done
}

# tmux_stop: ends the tmux server and every process its panes started, and
# waits until the server is gone: a new session started while the old
# server is still exiting can land in the dying server and vanish with it.
tmux_stop() {
	local pane_pids=() p server
	server=$(tmx display -p '#{pid}' 2>/dev/null)
	for p in $(tmx list-panes -a -F '#{pane_pid}' 2>/dev/null); do
		pane_pids+=("$p" $(descendants "$p"))
	done
	tmx kill-server 2>/dev/null
	for p in "${pane_pids[@]}"; do
		kill -TERM "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null
	done
	[ -n "$server" ] && wait_until 5 none_alive "$server"
	wait_until 1 none_alive "${pane_pids[@]}"
	for p in "${pane_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
}

none_alive() {
	local p
	for p; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}

e2e_cleanup() {
	local p
	tmux_stop
	for p in "${e2e_pids[@]}"; do
		kill -TERM "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null
	done
	sleep 0.2
	for p in "${e2e_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

need() {
	command -v "$1" >/dev/null 2>&1
}

# A shell with a fixed prompt and no rc files, for predictable screens.
E2E_SHELL=(env PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile)

# start_tmux COLS ROWS COMMAND: a detached session "t" running COMMAND (a
# shell string) in a terminal of that size.
start_tmux() {
	local cols=$1 rows=$2; shift 2
	tmux_stop
	tmx new-session -d -s t -x "$cols" -y "$rows" "$*"
	tmx set-option -t t remain-on-exit on >/dev/null
}

# start_local [CONNECT OPTIONS...]: `sspsh connect --local` with a plain bash,
# in an 80x24 terminal; the wrapper records the terminal's modes before and
# after and the client's exit status.
start_local() {
	cat > "$E2E_TMP/run.sh" <<-EOF
	stty -g > "$E2E_TMP/modes.before"
	"$SSPSH" connect --local $* -- ${E2E_SHELL[*]@Q}
	echo \$? > "$E2E_TMP/status"
	stty -g > "$E2E_TMP/modes.after"
	echo CLIENT-DONE
	sleep 600
	EOF
	start_tmux 80 24 "bash $E2E_TMP/run.sh"
}

screen() { tmx capture-pane -p -t t; }

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	local text=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		screen | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	return 1
}

# wait_for_regex REGEX [SECONDS]
wait_for_regex() {
	local re=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		screen | grep -qE -- "$re" && return 0
		sleep 0.05
	done
	return 1
}

# wait_until SECONDS COMMAND...: until the command succeeds.
wait_until() {
	local limit=$1 i; shift
	for ((i = 0; i < limit * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

type_text() { tmx send-keys -t t -l -- "$1"; }
press() { tmx send-keys -t t "$@"; }

# The pid of the process running in the pane, and of its sspsh children.
pane_pid() { tmx display -p -t t '#{pane_pid}'; }
# pids of processes named sspsh below the pane (client first, then server).
sspsh_pids() {
	local p top
	top=$(pane_pid)
	for p in "$top" $(descendants "$top"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = sspsh ] && echo "$p"
	done
}
client_pid() { sspsh_pids | head -1; }
server_pid() { sspsh_pids | sed -n 2p; }

# Fails the named check with the screen attached, for diagnosis.
fail_screen() {
	fail "$1" "${2:-}"
	screen | sed 's/^/    | /'
}

# expect NAME COMMAND...: like check, but shows the screen on failure.
expect() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail_screen "$name"; fi
}
