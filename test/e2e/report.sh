# Reporting helpers for end-to-end scripts (sourced): each check prints one
# line PASS/FAIL/SKIP that test/run.sh counts; finish sets the exit status.
e2e_failed=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; e2e_failed=1; }
skip() { echo "SKIP $1: $2"; }

# check NAME COMMAND... : PASS when the command succeeds.
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "$*"; fi
}

finish() { exit "$e2e_failed"; }
