#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Regenerate tests/vm/expected/v4l2-compliance.txt from the last VM run of
# the ORIGINAL core:
#   VM_APPEND=dmabuf.only=v4l2-compliance make vm-test IMPL=upstream
#   tests/vm/expected/record-v4l2-compliance.sh
# It takes the "# observed" lines that suites.d/40-v4l2-compliance.sh
# prints and writes them with a header naming every failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${DMABUF_CACHE:-$HOME/.cache/dmabuf-core}
results=${1:-$CACHE/upstream/vm/test/results.log}
out=$here/v4l2-compliance.txt
[ -f "$results" ] || { echo "error: no $results; run the upstream VM test first" >&2; exit 1; }
obs=$(awk '/^#### SUITE-BEGIN v4l2-compliance/ { on = 1; next }
	   /^#### SUITE-END v4l2-compliance/ { on = 0 }
	   on && /^# observed [^(]/ { sub(/^# observed /, ""); print }' "$results")
[ -n "$obs" ] || { echo "error: no observed v4l2-compliance results in $results" >&2; exit 1; }
why=$(awk '/^#### SUITE-BEGIN v4l2-compliance/ { on = 1; next }
	   /^#### SUITE-END v4l2-compliance/ { on = 0 }
	   on && /fail: / { sub(/.*fail: /, ""); print }' "$results" | sort -u)
ver=$(grep -m1 -o 'v4l2-compliance [0-9.]*' "$results" || echo 'v4l2-compliance')
{
	echo "# v4l2-compliance results of the ORIGINAL Linux 6.1 dma-buf core (IMPL=upstream),"
	echo "# recorded by tests/vm/expected/record-v4l2-compliance.sh; $ver"
	echo "# (Debian v4l-utils), vivid instances, see tests/vm/suites.d/40-v4l2-compliance.sh."
	echo "# Format: <run>|<section>/<test>|<OK|FAIL|NOTSUPP>; the TOTAL line is compared too."
	echo "# Our core must give exactly this set.  Known failures of the original:"
	printf '%s\n' "$obs" | awk -F'|' '$3 == "FAIL" { print "#   " $1 ": " $2 }'
	printf '%s\n' "$obs" | awk -F'|' '$2 == "TOTAL" { print "#   " $1 ": " $3 }'
	echo "# What v4l2-compliance said about them (not dma-buf related when it names formats):"
	printf '%s\n' "$why" | sed 's/^/#   fail: /'
	printf '%s\n' "$obs"
} >"$out"
echo "wrote $out ($(printf '%s\n' "$obs" | wc -l) results)"
