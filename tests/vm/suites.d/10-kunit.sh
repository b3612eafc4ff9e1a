#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# In-VM KUnit: load every module built from drivers/dma-buf/kunit/ (each
# runs its suites at load time), print the KTAP they wrote to the kernel
# log, then unload them (which exercises the cleanup paths too).
dir=/lib/modules/$(uname -r)/kernel/drivers/dma-buf/kunit
mods=$(find "$dir" -name '*.ko*' 2>/dev/null | sort)
if [ -z "$mods" ]; then
	echo "KTAP version 1"
	echo "1..0 # SKIP no KUnit modules under drivers/dma-buf/kunit/"
	exit 0
fi

# (Against the original core the cases that 6.1 answers with BUG() are
# skipped by its build: CONFIG_DMABUF_KUNIT_BEYOND_UPSTREAM=n.  A module
# parameter could not do it: a module's suites run before its parameters
# are parsed.)

# dma_buf_fault_injection fails allocations that may sleep, quietly.
fs=/sys/kernel/debug/failslab
if [ -d $fs ]; then
	echo N > $fs/ignore-gfp-wait
	echo 0 > $fs/verbose
fi

dmesg -c >/dev/null
rc=0
for m in $mods; do
	name=$(basename "$m"); name=${name%%.ko*}
	modprobe "$name" || { echo "# modprobe $name failed"; rc=1; }
done
# Strip the printk timestamps and keep the KTAP part of the log.
dmesg | sed -e 's/^\[[ 0-9.]*\] //' | sed -n -E '/^ *K?TAP version/,$p'
for m in $mods; do
	name=$(basename "$m"); name=${name%%.ko*}
	rmmod "$name" || { echo "# rmmod $name failed"; rc=1; }
done
if [ -d $fs ]; then
	echo Y > $fs/ignore-gfp-wait
	echo 2 > $fs/verbose
fi
exit $rc
