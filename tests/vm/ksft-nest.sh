#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# ksft-nest NUMBER NAME OUTPUT RC: a kselftest program's TAP (the file
# OUTPUT, its exit status RC) as the subtests of result NUMBER named NAME
# of the calling suite's KTAP.  Used by the selftest suites for the
# programs that print TAP themselves (6.12's dmabuf-heap and udmabuf).
# The result is "ok" only if the program exited 0, its plan was complete,
# and no case failed or skipped: this VM has every heap, vgem and memfd, so
# a skip means a test did not run.
n=$1 name=$2 out=$3 rc=$4
echo "    # Subtest: $name"
sed -n 's/^\(\(not \)\{0,1\}ok \|1\.\.\|#\)/    &/p' "$out"
awk -v n="$n" -v name="$name" -v rc="$rc" '
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0 }
	/^(not )?ok [0-9]+/ {
		got++
		if ($1 == "not") bad++
		else if (toupper($0) ~ /# *SKIP/) skipped++
	}
	END {
		why = ""
		if (rc != 0) why = why " exit " rc
		if (plan == 0 || got != plan) why = why " ran " got + 0 " of plan " plan + 0
		if (bad) why = why " " bad " failed"
		if (skipped) why = why " " skipped " skipped"
		if (why == "") printf "ok %d %s\n", n, name
		else printf "not ok %d %s #%s\n", n, name, why
	}' "$out"
