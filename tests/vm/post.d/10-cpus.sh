#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Did the guest bring up every CPU qemu gave it (dmabuf.cpus=, set by
# harness/vm-run.sh from -smp)?  The concurrency suites prove nothing on
# one CPU.
want=1
for arg in $(cat /proc/cmdline); do
	case "$arg" in dmabuf.cpus=*) want=${arg#*=} ;; esac
done
have=$(grep -c '^processor' /proc/cpuinfo)
echo "KTAP version 1"
echo "1..1"
echo "# online CPUs: $(cat /sys/devices/system/cpu/online) ($have), asked for $want"
if [ "$have" -ge "$want" ]; then
	echo "ok 1 guest_runs_all_cpus"
else
	echo "not ok 1 guest_runs_all_cpus"
	exit 1
fi
