#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Regenerate tests/vm/expected/<line>/v4l2-compliance.txt from the last VM
# run of the ORIGINAL core on that kernel line:
#   VM_APPEND=dmabuf.only=v4l2-compliance make vm-test IMPL=upstream LINUX=6.12
#   LINUX=6.12 tests/vm/expected/record-v4l2-compliance.sh
# It takes the "# observed" lines that suites.d/40-v4l2-compliance.sh
# prints and writes them with a header naming every failure.  LINUX is
# 6.1 (the default) or 6.12; a results.log given as $1 is read instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../../harness/lib.sh
IMPL=upstream . "$here/../../../harness/lib.sh"
results=${1:-$WORK/vm/test/results.log}
out=$here/$LINUX/v4l2-compliance.txt
[ -f "$results" ] || { echo "error: no $results; run the upstream VM test first" >&2; exit 1; }
obs=$(awk '/^#### SUITE-BEGIN v4l2-compliance/ { on = 1; next }
	   /^#### SUITE-END v4l2-compliance/ { on = 0 }
	   on && /^# observed [^(]/ { sub(/^# observed /, ""); print }' "$results")
[ -n "$obs" ] || { echo "error: no observed v4l2-compliance results in $results" >&2; exit 1; }
why=$(awk '/^#### SUITE-BEGIN v4l2-compliance/ { on = 1; next }
	   /^#### SUITE-END v4l2-compliance/ { on = 0 }
	   on && /fail: / { sub(/.*fail: /, ""); print }' "$results" | sort -u)
ver=$(grep -m1 -o 'v4l2-compliance [0-9.]*' "$results" || echo 'v4l2-compliance')
mkdir -p "$(dirname "$out")"
{
	echo "# v4l2-compliance results of the ORIGINAL Linux $LINUX dma-buf core (IMPL=upstream),"
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
