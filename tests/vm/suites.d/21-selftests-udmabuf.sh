#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tools/testing/selftests/drivers/dma-buf/udmabuf (built from the tree by
# tests/vm/prep.d/20-selftests.sh) as one KTAP case.  The program exits 0
# and prints "ok" when its four UDMABUF_CREATE checks hold, 1 on a failure
# and 77 (kselftest's skip) when /dev/udmabuf or memfd is missing; a skip
# here is a failure, because the harness config enables both.  6.12's
# program prints TAP, nested here as it is (/bin/ksft-nest).
bin=/tests/selftests/udmabuf
echo "KTAP version 1"
echo "1..1"
if [ ! -x $bin ]; then
	echo "not ok 1 udmabuf # $bin missing (prep.d/20-selftests.sh)"
	exit 1
fi
# 6.12's program also maps a memfd of 1024 huge pages (2 MiB each): reserve
# them for its run only (the harness gives that line's guest the memory).
# (6.1's program has no such case, and no "test-6" among its strings.)
hp=/proc/sys/vm/nr_hugepages
want=0
grep -q 'test-6' $bin && want=1024
if [ $want -gt 0 ] && [ -w $hp ]; then
	echo $want >$hp
	echo "# reserved $(cat $hp) of $want huge pages for the 2 MiB memfd case"
fi
$bin >/tmp/udmabuf.out 2>&1
rc=$?
[ $want -gt 0 ] && [ -w $hp ] && echo 0 >$hp
# 6.12's program prints TAP itself: its cases become subtests.
if grep -q '^TAP version' /tmp/udmabuf.out; then
	ksft-nest 1 udmabuf /tmp/udmabuf.out $rc
	exit 0
fi
sed 's/^/# /' /tmp/udmabuf.out
if [ $rc = 0 ] && grep -q 'udmabuf: ok' /tmp/udmabuf.out; then
	echo "ok 1 udmabuf"
elif [ $rc = 77 ]; then
	echo "not ok 1 udmabuf # skipped (exit 77) although CONFIG_UDMABUF and memfd are enabled"
else
	echo "not ok 1 udmabuf # exit status $rc"
fi
