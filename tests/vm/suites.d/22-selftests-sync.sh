#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tools/testing/selftests/sync/sync_test (sw_sync + sync_file, built from
# the tree by tests/vm/prep.d/20-selftests.sh).  It prints kselftest TAP:
# "ok N [RUN]<tab><test name>".  Its result lines are re-emitted as KTAP
# cases named after the test; the rest becomes comments.  Its plan (10
# tests) must be met, and its own skip ("Sync framework not supported")
# fails, since the harness config enables SW_SYNC and debugfs.
bin=/tests/selftests/sync_test
echo "KTAP version 1"
if [ ! -x $bin ]; then
	echo "1..1"
	echo "not ok 1 sync_test # $bin missing (prep.d/20-selftests.sh)"
	exit 1
fi
$bin >/tmp/sync.out 2>&1
rc=$?
awk -v rc=$rc '
	/^(not )?ok [0-9]+ / {
		ok = ($1 == "ok")
		line = $0
		sub(/^(not )?ok [0-9]+ /, "", line)
		sub(/^\[RUN\][ \t]*/, "", line)
		n++
		if (line ~ /# *SKIP/) {
			ok = 0; line = line " (skipped)"; sub(/# *SKIP/, "-", line)
		}
		printf "%sok %d %s\n", ok ? "" : "not ", n, line
		next
	}
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; print "# plan " plan; next }
	{ print "# " $0 }
	END {
		n++
		if (rc == 0 && plan == 10 && n - 1 == plan)
			printf "ok %d sync_test_complete\n", n
		else
			printf "not ok %d sync_test_complete # exit %d, plan %d, %d results\n", n, rc, plan, n - 1
		printf "1..%d\n", n
	}' /tmp/sync.out
