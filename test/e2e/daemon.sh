#!/usr/bin/env bash
# The SSH-free daemon: one UDP port, key authentication, two clients with
# several sessions each, roaming, reattaching after SIGKILL, takeover,
# --list, and the handshake's silence to strangers, replays and junk.
. "$(dirname "$0")/lib.sh"

need tmux || { skip daemon "tmux is not installed"; finish; }
need python3 && have_python=1 || have_python=0
TOOL=$(dirname "$0")/udp_tool.py
PORT=$((61300 + ($$ % 300) * 2))
RELAY_PORT=$((PORT + 1))
chmod 755 "$E2E_TMP"

# As root (CI), the daemon runs as a throwaway user made here.
TEST_USER=
TEST_GROUP=
if [ "$(id -u)" = 0 ] && need useradd; then
	TEST_USER=sspshd$$
	useradd -M -d "$E2E_TMP/server" -s /bin/bash "$TEST_USER" || TEST_USER=
	# A supplementary group, which --user must give the sessions.
	if [ -n "$TEST_USER" ] && groupadd "sspshg$$" && usermod -aG "sspshg$$" "$TEST_USER"; then
		TEST_GROUP=sspshg$$
	fi
fi
daemon_cleanup() {
	e2e_cleanup
	[ -n "$TEST_USER" ] && userdel "$TEST_USER" 2>/dev/null
	[ -n "$TEST_GROUP" ] && groupdel "$TEST_GROUP" 2>/dev/null
}
trap daemon_cleanup EXIT

mkdir -p "$E2E_TMP/server/.sspsh"
for who in a b c; do
	mkdir -p "$E2E_TMP/$who"
	HOME=$E2E_TMP/$who "$SSPSH" keygen -C "$who" >/dev/null 2>&1
done
cat "$E2E_TMP/a/.sspsh/id_x25519.pub" "$E2E_TMP/b/.sspsh/id_x25519.pub" \
	> "$E2E_TMP/server/.sspsh/authorized_keys"
run_as=()
if [ -n "$TEST_USER" ]; then
	chown -R "$TEST_USER" "$E2E_TMP/server"
	run_as=(--user "$TEST_USER")
fi

# client WHO [ARGS...]: connect --udp as a, b or c (c is not authorized).
client() {
	local who=$1; shift
	HOME=$E2E_TMP/$who "$SSPSH" connect --udp --accept-new "127.0.0.1:$PORT" "$@"
}

# ---- Starting ----

if [ "$(id -u)" = 0 ]; then
	out=$(HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$PORT" --foreground 2>&1)
	rc=$?
	check "as root without --user the daemon refuses to start" \
		test "$rc" -ne 0 -a -n "$(grep 'refusing to run as root' <<<"$out")"
fi

# Root's own environment (SSPSH_ROOT_SECRET here) must not reach a --user's sessions.
SSPSH_ROOT_SECRET=from-root HOME=$E2E_TMP/server "$SSPSH" server --listen "127.0.0.1:$PORT" "${run_as[@]}" \
	--foreground 2> "$E2E_TMP/daemon.log" &
daemon=$!
e2e_pids+=("$daemon")
if ! wait_until 10 grep -q "listening on UDP port $PORT" "$E2E_TMP/daemon.log"; then
	fail "the daemon starts" "$(cat "$E2E_TMP/daemon.log")"
	finish
fi
pass "the daemon starts"
check "it made its host key on first run" test -s "$E2E_TMP/server/.sspsh/host_x25519"
if [ -n "$TEST_USER" ]; then
	check "it runs as the --user it was given" test "$(ps -o user= -p "$daemon")" = "$TEST_USER"
fi
host_fp=$(grep -o 'host key SHA256:[^ ]*' "$E2E_TMP/daemon.log" | head -1 | cut -d' ' -f3)

if [ "$have_python" = 1 ]; then
	mkdir -p "$E2E_TMP/relay"
	python3 "$TOOL" relay "$RELAY_PORT" "$PORT" "$E2E_TMP/relay" &
	e2e_pids+=($!)
	sleep 0.3
fi

# ---- Keys and handshakes ----

out=$(HOME=$E2E_TMP/a "$SSPSH" connect --udp --accept-new "127.0.0.1:${RELAY_PORT}" --list 2>&1) || true
# First contact without a terminal and without --accept-new: refused, with
# the fingerprint, and nothing pinned.
out=$(HOME=$E2E_TMP/a setsid -w "$SSPSH" connect --udp "127.0.0.1:$PORT" --list 2>&1 </dev/null)
check "first contact with no terminal and no --accept-new is refused, naming the key" \
	test $? -ne 0 -a -n "$(grep -F "$host_fp" <<<"$out")"
check "... and pins nothing" sh -c "! grep -q '^\[127.0.0.1\]:$PORT ' '$E2E_TMP/a/.sspsh/known_hosts'"
# On a terminal the user is asked; "no" refuses, "yes" pins.
pane_has() { tmx capture-pane -p -J -t "$1" | grep -qF -- "$2"; }
for answer in no yes; do
	tmx new-session -d -s "ask-$answer" -x 100 -y 24 \
		"HOME=$E2E_TMP/a $SSPSH connect --udp 127.0.0.1:$PORT --list; echo ASKED-DONE \$?; sleep 600"
	wait_until 10 pane_has "ask-$answer" "(yes/no/[fingerprint])?"
	tmx send-keys -t "ask-$answer" -l -- "$answer"
	tmx send-keys -t "ask-$answer" Enter
	wait_until 10 pane_has "ask-$answer" "ASKED-DONE"
done
check "on a terminal, the fingerprint is shown and 'no' refuses" pane_has ask-no "ASKED-DONE 1"
check "... and 'yes' connects and pins it" pane_has ask-yes "no sessions"
out=$(client a --list 2>&1)
check "first contact pins the server's key, fingerprint shown" \
	grep -q "^\[127.0.0.1\]:$PORT sspsh-x25519 " "$E2E_TMP/a/.sspsh/known_hosts"
check "known_hosts holds the server as [127.0.0.1]:PORT" \
	grep -q "^\[127.0.0.1\]:$PORT sspsh-x25519 " "$E2E_TMP/a/.sspsh/known_hosts"
check "--list with no sessions says so" grep -q "no sessions" <<<"$out"

if [ "$have_python" = 1 ]; then
	: > "$E2E_TMP/relay/log"
	start=$SECONDS
	out=$(HOME=$E2E_TMP/c "$SSPSH" connect --udp --accept-new "127.0.0.1:$RELAY_PORT" --list 2>&1)
	rc=$?
	check "an unknown client key is refused" test "$rc" -ne 0
	check "... and the server says nothing at all, not even its public key" \
		test "$(grep -c '^down' "$E2E_TMP/relay/log")" = 0 -a \
		"$(grep -c '^up 6 ' "$E2E_TMP/relay/log")" -ge 2
	server_pub=$(grep "^\[127.0.0.1\]:$PORT " "$E2E_TMP/a/.sspsh/known_hosts" | cut -d' ' -f3)
	check "a key request naming an authorized key gets the server's key" \
		test "$(python3 "$TOOL" keyreq "$PORT" "$(cut -d' ' -f2 "$E2E_TMP/b/.sspsh/id_x25519.pub")")" = "$server_pub"
	for stranger in zero random "$(cut -d' ' -f2 "$E2E_TMP/c/.sspsh/id_x25519.pub")"; do
		check "a key request naming ${stranger:0:6}... (not authorized) gets no answer" \
			test "$(python3 "$TOOL" keyreq "$PORT" "$stranger")" = silence
	done
	check "a replayed initiation gets no answer" \
		test "$(python3 "$TOOL" replay "$E2E_TMP/relay/initiation" "$PORT")" = silence
	# A client whose pin is made asks no more: only a Noise initiation,
	# which hides its key, goes out.
	: > "$E2E_TMP/relay/log"
	out=$(HOME=$E2E_TMP/a "$SSPSH" connect --udp "127.0.0.1:$RELAY_PORT" --list 2>&1)
	check "a pinned client sends no key request (its public key stays hidden)" \
		test "$(grep -c '^up 6 ' "$E2E_TMP/relay/log")" = 0 -a "$(grep -c '^up 1 ' "$E2E_TMP/relay/log")" -ge 1 \
		-a -n "$(grep -F 'no sessions' <<<"$out")"
	# One source floods key requests naming an authorized key: it gets its
	# own small budget, and another source is still answered.
	b_pub=$(cut -d' ' -f2 "$E2E_TMP/b/.sspsh/id_x25519.pub")
	answered=$(python3 "$TOOL" keyflood "$PORT" "$b_pub" 1000 127.0.0.2)
	check "1,000 key requests from one host on 64 ports get at most $((5 + 2 * 2)) answers (got $answered)" \
		test "$answered" -le 9
	check "... and another host's key request is still answered" \
		test "$(python3 "$TOOL" keyreq "$PORT" "$b_pub" 127.0.0.3)" = "$server_pub"
else
	skip "handshake packet checks" "python3 is not installed"
fi

# b believes the server has another key (a's client key, say).
printf '[127.0.0.1]:%s %s\n' "$PORT" "$(cut -d' ' -f1,2 "$E2E_TMP/a/.sspsh/id_x25519.pub")" \
	> "$E2E_TMP/b/.sspsh/known_hosts"
out=$(client b --list 2>&1)
rc=$?
check "a changed server key is refused" test "$rc" -ne 0
check "... without a key request, naming the key we hold" \
	grep -qF "its own key is not SHA256:" <<<"$out"
rm "$E2E_TMP/b/.sspsh/known_hosts"
server_pub=$(grep "^\[127.0.0.1\]:$PORT " "$E2E_TMP/a/.sspsh/known_hosts" | cut -d' ' -f3)
out=$(client b --server-key "$server_pub" --list 2>&1)
check "--server-key with the right key connects and pins it" \
	grep -q "^\[127.0.0.1\]:$PORT sspsh-x25519 $server_pub" "$E2E_TMP/b/.sspsh/known_hosts"
out=$(client b --server-key "$(cut -d' ' -f2 "$E2E_TMP/a/.sspsh/id_x25519.pub")" --list 2>&1)
check "--server-key other than the pinned key refuses, loudly" \
	test $? -ne 0 -a -n "$(grep -F 'HAS CHANGED' <<<"$out")"
rm "$E2E_TMP/b/.sspsh/known_hosts"
out=$(client b --server-key "$(cut -d' ' -f2 "$E2E_TMP/a/.sspsh/id_x25519.pub")" --list 2>&1)
check "--server-key with a wrong key refuses, naming the key given" \
	test $? -ne 0 -a -n "$(grep -F "its own key is not SHA256:" <<<"$out")"

# ---- Sessions ----

# open NAME WHO [CONNECT ARGS...]: a client in its own tmux session NAME,
# whose shell has SESSION=NAME in its command line (so --list tells them apart).
open() {
	local name=$1 who=$2 shell; shift 2
	shell=(env "SESSION=$name" PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile)
	tmx new-session -d -s "$name" -x 80 -y 24 \
		"HOME=$E2E_TMP/$who $SSPSH connect --udp --accept-new $* -- ${shell[*]@Q}; echo CLIENT-DONE \$?; sleep 600"
	tmx set-option -t "$name" remain-on-exit on >/dev/null
}
attach() {
	local name=$1 who=$2; shift 2
	tmx new-session -d -s "$name" -x 80 -y 24 \
		"HOME=$E2E_TMP/$who $SSPSH connect --udp --accept-new $*; echo CLIENT-DONE \$?; sleep 600"
}
# -J: a line the terminal wrapped is searched as the one line it was written as
# (a SIGKILLed client leaves the tty raw, so the shell's next lines start mid-row).
screen_of() { tmx capture-pane -p -J -t "$1"; }
shows() { screen_of "$1" | grep -qF -- "$2"; }
wait_shows() { wait_until "${3:-10}" shows "$1" "$2"; }
type_in() { tmx send-keys -t "$1" -l -- "$2"; tmx send-keys -t "$1" Enter; }
client_of() {
	local p
	for p in $(descendants "$(tmx display -p -t "$1" '#{pane_pid}')"); do
		[ "$(cat /proc/"$p"/comm 2>/dev/null)" = sspsh ] && echo "$p"
	done | head -1
}
# session_id WHO NAME: the ID --list shows for the session opened as NAME.
session_id() { client "$1" --list 2>/dev/null | awk -v c="SESSION=$2 " 'index($0, c) { print $1 }'; }

via=127.0.0.1:$PORT
[ "$have_python" = 1 ] && via=127.0.0.1:$RELAY_PORT
open a1 a "$via"
open a2 a "127.0.0.1:$PORT"
open b1 b "127.0.0.1:$PORT"
open b2 b "127.0.0.1:$PORT"
ok=1
for s in a1 a2 b1 b2; do
	wait_shows "$s" '$' || ok=0
	type_in "$s" "echo from-$s-\$((6*7))"
done
for s in a1 a2 b1 b2; do
	wait_shows "$s" "from-$s-42" && continue
	ok=0
	echo "# $s shows:"; screen_of "$s" | sed 's/^/#   | /'
done
check "two keys, four sessions, one UDP port: each shell answers" test "$ok" = 1
if [ -n "$TEST_GROUP" ]; then
	type_in b1 'echo "groups=[$(id -Gn)]"; echo "leak=[$SSPSH_ROOT_SECRET] path=[$PATH]"'
	check "--user: a session has the user's supplementary groups" wait_shows b1 " $TEST_GROUP]"
	check "... and a clean login environment (nothing of root's; PATH set)" \
		wait_shows b1 "leak=[] path=[/usr/local/bin:/usr/bin:/bin]"
fi
check "the daemon still has one UDP socket" \
	test "$(ls -l /proc/"$daemon"/fd 2>/dev/null | grep -c socket:)" -eq 1

list_a=$(client a --list 2>&1)
list_b=$(client b --list 2>&1)
check "--list shows a's two sessions" \
	test "$(grep -c 'attached.*SESSION=a[12] ' <<<"$list_a")" = 2 -a "$(grep -c SESSION= <<<"$list_a")" = 2
check "--list shows b's two sessions, none of a's" \
	test "$(grep -c 'attached.*SESSION=b[12] ' <<<"$list_b")" = 2 -a "$(grep -c SESSION= <<<"$list_b")" = 2
ids=$( (awk 'NR > 1 { print $1 }' <<<"$list_a"; awk 'NR > 1 { print $1 }' <<<"$list_b") | sort -u | wc -l)
check "the four sessions have four IDs" test "$ids" = 4

if [ "$have_python" = 1 ]; then
	kill -USR1 "$(pgrep -f "udp_tool.py relay $RELAY_PORT" | head -1)"
	sleep 0.3
	type_in a1 "echo after-roam-\$((2*21))"
	check "a client that roams (new source port) keeps its session" wait_shows a1 "after-roam-42"
	check "... and the daemon followed it" grep -q "peer is now" "$E2E_TMP/daemon.log"
fi

# SIGKILL a2's client, then take the session back from a new process.
type_in a2 "printf 'marker-%s\\n' kept"
wait_shows a2 "marker-kept"
a2_id=$(session_id a a2)
kill -KILL "$(client_of a2)"
check "the killed client is gone" wait_shows a2 "CLIENT-DONE"
attach a3 a "127.0.0.1:$PORT --attach $a2_id"
if wait_shows a3 "marker-kept" 10; then pass "reattached from a new process: the screen is intact"
else fail "reattached from a new process: the screen is intact" "$(screen_of a3)"; fi
type_in a3 "echo still-$((40+2))"
check "the reattached session takes input" wait_shows a3 "still-42"

# A second client takes a live session over; the first is told and exits.
a1_id=$(session_id a a1)
attach a4 a "127.0.0.1:$PORT --attach $a1_id"
check "taking over a live session works" wait_shows a4 "after-roam-42"
check "the old client is told and exits" wait_shows a1 "took this session over"
check "... with its own terminal back" wait_shows a1 "CLIENT-DONE"

# b1 detaches with Ctrl-^ . and the session lives on.
tmx send-keys -t b1 C-^ .
check "Ctrl-^ . detaches and says how to resume" wait_shows b1 "detached from session"
list_b=$(client b --list 2>&1)
check "--list shows the detached session" test "$(grep -c 'detached.*SESSION=b1 ' <<<"$list_b")" = 1
attach b3 b "127.0.0.1:$PORT --attach"
check "--attach alone takes the most recently detached session" wait_shows b3 "from-b1-42"

type_in b2 "exit"
check "a session whose shell exits ends its client" wait_shows b2 "CLIENT-DONE"
b_sessions() { client b --list 2>/dev/null | grep -c SESSION=; }
wait_until 5 test "$(b_sessions)" = 1
check "... and leaves --list" test "$(b_sessions)" = 1

# A key taken out of authorized_keys: SIGHUP rereads the file, that key's
# sessions end at once (their programs are hung up, their clients told
# why), the others go on.
type_in b3 'echo $$ > "$HOME/b3.pid"'
wait_until 5 test -s "$E2E_TMP/server/b3.pid"
b3_pid=$(cat "$E2E_TMP/server/b3.pid" 2>/dev/null)
cp -p "$E2E_TMP/server/.sspsh/authorized_keys" "$E2E_TMP/authorized_keys.all"
grep -vF "$(cut -d' ' -f2 "$E2E_TMP/b/.sspsh/id_x25519.pub")" "$E2E_TMP/authorized_keys.all" \
	> "$E2E_TMP/server/.sspsh/authorized_keys"
kill -HUP "$daemon"
check "a key removed from authorized_keys (SIGHUP): its session ends" \
	wait_until 10 sh -c "[ -n '$b3_pid' ] && ! kill -0 '$b3_pid' 2>/dev/null"
check "... and its client says why and exits with 255" \
	wait_shows b3 "our key is no longer authorized by the daemon.]"
check "... (exit status 255)" wait_shows b3 "CLIENT-DONE 255"
type_in a3 "echo after-hup-\$((40+2))"
check "... and the other key's sessions go on" wait_shows a3 "after-hup-42"
cat "$E2E_TMP/authorized_keys.all" > "$E2E_TMP/server/.sspsh/authorized_keys"
kill -HUP "$daemon"

# ---- Under a flood ----

if [ "$have_python" = 1 ]; then
	python3 "$TOOL" junk "$PORT" 10000
	start=$(date +%s%N)
	out=$(client a --list 2>&1)
	rc=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	echo "# --list right after 10,000 junk datagrams took $ms ms"
	check "after 10,000 junk handshake datagrams a real client is served at once (${ms} ms)" \
		test "$rc" -eq 0 -a "$ms" -lt 2000
	type_in a3 "echo flood-over"
	check "... and the sessions go on" wait_shows a3 "flood-over"
fi

check "the daemon is still running" kill -0 "$daemon"

# ---- Programs that ignore the hangup ----

# stubborn.sh leave|stay: ignores SIGHUP and SIGTERM; "leave" then closes
# its terminal (the session ends as if it had exited) and stays anyway.
cat > "$E2E_TMP/stubborn.sh" <<'EOS'
trap '' HUP TERM
echo "stubborn $$ ready"
sleep 1
[ "$1" = leave ] && exec </dev/null >/dev/null 2>&1
sleep 1000
EOS
chmod 755 "$E2E_TMP/stubborn.sh"
# Each one's process group (its pid: a session leader), killed at the end
# whatever happened.
stubborn_groups=()
trap 'for g in "${stubborn_groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done; daemon_cleanup' EXIT
# stubborn NAME MODE: a session of user a running it; prints its pid.
stubborn() {
	local name=$1 mode=$2
	tmx new-session -d -s "$name" -x 80 -y 24 \
		"HOME=$E2E_TMP/a $SSPSH connect --udp --accept-new 127.0.0.1:$PORT -- sh $E2E_TMP/stubborn.sh $mode; echo CLIENT-DONE \$?; sleep 600"
	wait_shows "$name" "ready" || return 1
	pgrep -f "^sh $E2E_TMP/stubborn.sh $mode\$" | head -1
}
# No live process left in the program's session (a killed one whose new
# parent has not collected it yet is a zombie: gone all the same).
group_gone() { [ -n "$1" ] && ! ps -o stat= -s "$1" | grep -qv '^Z'; }

leaver=$(stubborn s1 leave)
stubborn_groups+=($leaver)
check "a program that leaves its terminal ends its session" wait_shows s1 "CLIENT-DONE"
type_in a3 "echo while-ending-\$((6*7))"
check "while that program, ignoring SIGHUP, is being ended, another session echoes typed keys" \
	wait_shows a3 "while-ending-42" 3
check "... and the program is killed after the grace" \
	wait_until 5 group_gone "$leaver"

stayer=$(stubborn s2 stay)
stubborn_groups+=($stayer)
check "a session runs a program that ignores SIGHUP and SIGTERM" test -n "$stayer"
kill -TERM "$daemon"
check "SIGTERM ends the daemon within 3 s even so" wait_until 3 sh -c "! kill -0 $daemon 2>/dev/null"
check "... and that program is gone" wait_until 1 group_gone "$stayer"
finish
