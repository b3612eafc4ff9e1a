#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# trinity, aimed at dma-buf fds: its only fd source is its "testfile"
# provider, whose opens /usr/lib/dmabuf-testfiles.so (preloaded) answers
# with system-heap buffers and vgem dumb buffers exported through PRIME,
# and it may only call what reaches the core through such an fd.  Bounded by a syscall count and by time,
# two children on the two vCPUs; the seed is printed so a run can be
# repeated (dmabuf.trinity_seed=N).  Passes when trinity ran to its end
# (or its time bound), got dma-buf fds and made at least 100 calls; the
# harness scans the kernel log.
count=${TRINITY_COUNT:-40000}
secs=${TRINITY_SECONDS:-180}
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	dmabuf.trinity_seed=*) seed=${arg#*=} ;;
	dmabuf.trinity_count=*) count=${arg#*=} ;;
	esac
done

echo "KTAP version 1"
echo "1..1"
if [ ! -x /usr/bin/trinity ] || ! modprobe vgem; then
	echo "not ok 1 trinity_dmabuf # trinity missing or modprobe vgem failed"
	exit 1
fi
echo "# $(cat /tests/trinity-version.txt 2>/dev/null) seed=$seed count=$count time<=${secs}s"

calls="ioctl mmap mremap munmap poll ppoll epoll_create1 epoll_ctl epoll_wait
       dup dup2 dup3 close lseek fcntl read write readv writev pread64
       pwrite64 splice sendfile"
args=""
for c in $calls; do args="$args -c $c"; done

mkdir -p /tmp/trinity && cd /tmp/trinity || exit 1
# Away from the results channel: trinity's own fds only, none of the
# shell's (an ioctl on an inherited terminal could inject a ^C).  (Not
# under busybox setsid, which forks and returns at once.)
# shellcheck disable=SC2086 # $args is a list of options
LD_PRELOAD=/usr/lib/dmabuf-testfiles.so DMABUF_TESTFILES_LOG=/tmp/trinity/buffers \
	timeout -s INT "$secs" /usr/bin/trinity --dangerous -q -l off \
	-C 2 -N "$count" -s "$seed" --enable-fds=testfile $args \
	</dev/null >/tmp/trinity/out.log 2>&1 \
	3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
rc=$?
ran=$(grep -a -o 'Ran [0-9]* syscalls[^.]*' /tmp/trinity/out.log | tail -n1)
echo "# trinity exit $rc: ${ran:-no summary}"
grep -a -E 'fd providers|Bailing|Ran ' /tmp/trinity/out.log | sed 's/^/# /'
n=$(echo "$ran" | sed -n 's/^Ran \([0-9]*\) syscalls.*/\1/p')
echo "# fuzz operations: ${n:-0} syscalls"
heap=$(grep -c '^heap' /tmp/trinity/buffers 2>/dev/null)
vgem=$(grep -c '^vgem' /tmp/trinity/buffers 2>/dev/null)
echo "# dma-buf fds given to trinity: system heap ${heap:-0}, vgem PRIME ${vgem:-0}"
# The time bound ending it (124, or 130 from its SIGINT; trinity itself
# exits 0 on that SIGINT) is a normal end.
case $rc in
0|124|130)
	if [ "${n:-0}" -ge 100 ] && [ $((${heap:-0} + ${vgem:-0})) -gt 0 ]; then
		echo "ok 1 trinity_dmabuf"
	else
		echo "not ok 1 trinity_dmabuf # ${n:-0} calls on $((${heap:-0} + ${vgem:-0})) dma-buf fds"
		grep -a -v 'start: 0x' /tmp/trinity/out.log | tail -n 20 | sed 's/^/# /'
		exit 1
	fi ;;
*) echo "not ok 1 trinity_dmabuf"; exit 1 ;;
esac
