#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM-side test runner.  Runs, in order:
#   1. every script in /suites.d/ (from tests/vm/suites.d/), sorted by name;
#   2. every binary in /tests/bin/ (tests/userspace/*.c, built statically),
#      unless a suites.d script already claims it (see README);
#   3. every script in /post.d/ (from tests/vm/post.d/), sorted by name:
#      checks of the whole run, such as the kmemleak scan.
# Each suite prints KTAP/TAP on stdout.  Its output is framed by
#   #### SUITE-BEGIN <name>   and   #### SUITE-END <name> rc=<exit status>
# lines that the host parses; the kernel log gets "dmabuf-harness: suite
# <name> begins" and "... ends", so that a report there can be blamed.  SUITE_TIMEOUT (seconds) bounds each suite.
timeout_s=${SUITE_TIMEOUT:-900}
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	dmabuf.suite_timeout=*) timeout_s=${arg#*=} ;;
	dmabuf.only=*) only=${arg#*=} ;;
	dmabuf.skip=*) skip=${arg#*=} ;;
	esac
done

run_suite() {
	name=$1; shift
	if [ -n "$only" ]; then
		case ",$only," in *",$name,"*) ;; *) return 0 ;; esac
	fi
	echo "#### SUITE-BEGIN $name"
	case ",$skip," in *",$name,"*)
		echo "1..0 # SKIP left out of this run (harness/vm-skip)"
		echo "#### SUITE-END $name rc=0"
		return 0 ;;
	esac
	# the host names the suite a kernel report came during by these
	echo "<6>dmabuf-harness: suite $name begins" >/dev/kmsg 2>/dev/null
	timeout "$timeout_s" "$@" 2>&1
	rc=$?
	echo "<6>dmabuf-harness: suite $name ends" >/dev/kmsg 2>/dev/null
	[ $rc = 143 ] || [ $rc = 137 ] && echo "# suite $name timed out after ${timeout_s}s"
	echo "#### SUITE-END $name rc=$rc"
}

# Objects left unreferenced by the boot are not the tests' doing: mark
# them seen, so that the kmemleak scan in post.d reports only the run's.
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo clear > /sys/kernel/debug/kmemleak
fi

for s in /suites.d/*; do
	[ -f "$s" ] || continue
	name=$(basename "$s"); name=${name%.sh}; name=${name#[0-9][0-9]-}
	run_suite "$name" sh "$s"
done

for b in /tests/bin/*; do
	[ -x "$b" ] || continue
	name=$(basename "$b")
	[ -e "/suites.d/.claimed/$name" ] && continue
	run_suite "userspace/$name" "$b"
done

for s in /post.d/*; do
	[ -f "$s" ] || continue
	name=$(basename "$s"); name=${name%.sh}; name=${name#[0-9][0-9]-}
	run_suite "$name" sh "$s"
done
exit 0
