#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tools/testing/selftests/dmabuf-heaps/dmabuf-heap (built from the tree by
# tests/vm/prep.d/20-selftests.sh), reported as KTAP.  6.1's program prints
# "  Testing <what>:  OK|FAIL (...)" per check and per heap; each such line
# becomes one case named <heap>_<what>.  6.12's prints TAP, nested here as
# it is (/bin/ksft-nest, which also fails a skip).  vgem is loaded first so the import
# check really attaches the heap buffer to a DRM device: the program's
# "Could not open vgem - skipping" counts as a failure here, and so do a
# missing system heap, fewer checks than the program has, and a non-zero
# exit.
bin=/tests/selftests/dmabuf-heap
echo "KTAP version 1"
n=0
result() {	# result OK|FAIL NAME [DIAG]
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n $2"; else echo "not ok $n $2${3:+ # $3}"; fi
}

if [ ! -x $bin ]; then
	result FAIL built "$bin missing (prep.d/20-selftests.sh)"
	echo "1..$n"; exit 1
fi
if modprobe vgem; then result OK vgem_loaded; else result FAIL vgem_loaded "modprobe vgem failed (CONFIG_DRM_VGEM=m?)"; fi
if [ -c /dev/dma_heap/system ]; then result OK system_heap_present
else result FAIL system_heap_present "no /dev/dma_heap/system (CONFIG_DMABUF_HEAPS_SYSTEM)"; fi

$bin >/tmp/dmabuf-heap.out 2>&1
rc=$?
# 6.12's program prints TAP itself: its cases become subtests.
if grep -q '^TAP version' /tmp/dmabuf-heap.out; then
	n=$((n + 1))
	ksft-nest $n dmabuf-heap /tmp/dmabuf-heap.out $rc
	echo "1..$n"
	exit 0
fi
sed 's/^/# /' /tmp/dmabuf-heap.out

# One case per "Testing ...:" line.  A line that never got its verdict (the
# program died in the middle) counts as failed.
awk -v start=$n '
	/^Testing heap: / { heap = $3; next }
	/^  Testing / {
		line = $0
		sub(/^  Testing /, "", line)
		what = line; sub(/:.*/, "", what)
		gsub(/[^A-Za-z0-9]+/, "_", what); gsub(/^_+|_+$/, "", what)
		verdict = substr(line, index(line, ":") + 1)
		n++
		name = heap "_" what
		if (verdict ~ /skipping/ || verdict ~ /FAIL/ || verdict !~ /OK/)
			printf "not ok %d %s # %s\n", start + n, name, verdict
		else
			printf "ok %d %s\n", start + n, name
		if (heap == "system") sys++
	}
	END { printf "# system-heap-checks %d\n", sys; exit (n == 0) }
' /tmp/dmabuf-heap.out >/tmp/dmabuf-heap.ktap
cat /tmp/dmabuf-heap.ktap | grep -v '^# system-heap-checks'
n=$((n + $(grep -c -E '^(not )?ok ' /tmp/dmabuf-heap.ktap)))
checks=$(sed -n 's/^# system-heap-checks //p' /tmp/dmabuf-heap.ktap)
# dmabuf-heap.c checks each heap 6 times: import, zeroed 4k, zeroed 1M,
# older and newer allocation struct, error cases.
if [ "${checks:-0}" -eq 6 ]; then result OK system_heap_all_checks_ran
else result FAIL system_heap_all_checks_ran "only ${checks:-0} of 6 checks ran on the system heap"; fi
if [ $rc = 0 ]; then result OK exit_status; else result FAIL exit_status "dmabuf-heap exited with $rc"; fi
echo "1..$n"
