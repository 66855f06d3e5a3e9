#!/usr/bin/env bash
# The long versions of the fault tests (make soak, about 80 minutes): server
# and client asleep 60 s each, a 10-minute total outage then recovery, and an
# hour of random link faults (loss, delay, jitter, duplication, reordering,
# outages, port changes) with every typed byte and the final screen checked.
set -u
build=${SSPSH_BUILD:?run through make soak}
export FAULT_SLEEP_S=${FAULT_SLEEP_S:-60}
export FAULT_OUTAGE_S=${FAULT_OUTAGE_S:-600}
export FAULT_RANDOM_S=${FAULT_RANDOM_S:-3600}
status=0
for t in asleep stopped outage random_link; do
	"$build/test/test_faults" "$t" || status=1
done
exit $status
