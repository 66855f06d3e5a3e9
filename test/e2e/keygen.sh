#!/usr/bin/env bash
# sspsh keygen end to end: files and modes, -y, no overwriting, bad files.
set -u
sspsh=${SSPSH:?run me through test/run.sh}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/home"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
mode() { stat -c %a "$1"; }

# Default location: ~/.sspsh (0700) with id_x25519 (0600) and id_x25519.pub.
out=$(HOME=$tmp/home "$sspsh" keygen -C "tester@box" </dev/null 2>&1); rc=$?
key=$tmp/home/.sspsh/id_x25519
if [ $rc -ne 0 ]; then fail keygen_default_files "exit $rc: $out"
elif [ "$(mode "$tmp/home/.sspsh")" != 700 ]; then fail keygen_default_files "dir mode $(mode "$tmp/home/.sspsh")"
elif [ "$(mode "$key")" != 600 ]; then fail keygen_default_files "key mode $(mode "$key")"
elif ! grep -qE '^sspsh-x25519 [A-Za-z0-9+/]{43}= tester@box$' "$key.pub"; then fail keygen_default_files "public line: $(cat "$key.pub")"
elif ! grep -qE '^SHA256:[A-Za-z0-9+/]{43} tester@box$' <<<"$out"; then fail keygen_default_files "no fingerprint in: $out"
else pass keygen_default_files
fi

# -y prints exactly the .pub line, from the default file and from -f.
y1=$(HOME=$tmp/home "$sspsh" keygen -y 2>&1)
y2=$("$sspsh" keygen -y -f "$key" 2>&1)
if [ "$y1" = "$(cat "$key.pub")" ] && [ "$y2" = "$y1" ]; then pass keygen_y_prints_public_key
else fail keygen_y_prints_public_key "got '$y1' / '$y2', want '$(cat "$key.pub")'"
fi

# Two keys differ.
"$sspsh" keygen -f "$tmp/second" -C "" </dev/null >/dev/null 2>&1
if [ -f "$tmp/second" ] && ! cmp -s "$tmp/second.pub" "$key.pub" &&
   grep -qE '^sspsh-x25519 [A-Za-z0-9+/]{43}=$' "$tmp/second.pub"; then pass keygen_fresh_keys_differ
else fail keygen_fresh_keys_differ "second key missing, equal or malformed"
fi

# An existing key is not overwritten without a yes on a terminal.
before=$(cat "$key")
err=$("$sspsh" keygen -f "$key" </dev/null 2>&1 >/dev/null); rc=$?
if [ $rc -ne 0 ] && [ "$(cat "$key")" = "$before" ] && grep -q "already exists" <<<"$err"; then
	pass keygen_refuses_overwrite
else fail keygen_refuses_overwrite "exit $rc, stderr '$err'"
fi

# Bad private key files: one line on stderr, exit 2.
bad_file() {	# name, file contents (printf format), mode
	printf "$2" >"$tmp/bad"; chmod "$3" "$tmp/bad"
	local err rc
	err=$("$sspsh" keygen -y -f "$tmp/bad" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == sspsh:*bad* ]]; then
		pass "$1"
	else fail "$1" "exit $rc, stderr '$err'"
	fi
}
bad_file keygen_bad_file_garbage 'not a key at all\n' 600
bad_file keygen_bad_file_public_key "$(cat "$key.pub")\n" 600
bad_file keygen_bad_file_short_key 'sspsh-x25519-private AAAA\n' 600
bad_file keygen_bad_file_empty '' 600
bad_file keygen_bad_file_binary '\001\002\377\000zz' 600
cp "$key" "$tmp/bad"
bad_file keygen_bad_file_too_open "$(cat "$key")\n" 644
err=$("$sspsh" keygen -y -f "$tmp/does-not-exist" 2>&1 >/dev/null); rc=$?
if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then pass keygen_missing_file
else fail keygen_missing_file "exit $rc, stderr '$err'"
fi

# Usage errors exit 2.
"$sspsh" keygen -q >/dev/null 2>&1; rc=$?
"$sspsh" keygen -f "$tmp/x" -C "$(printf 'a\tb\001')" >/dev/null 2>&1; rc2=$?
if [ $rc -eq 2 ] && [ $rc2 -eq 2 ] && [ ! -e "$tmp/x" ]; then pass keygen_usage_errors
else fail keygen_usage_errors "exit $rc / $rc2"
fi
