#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot the x86_64 test kernel with the initramfs under qemu and run one job.
#   vm-run.sh MODE    (MODE = test | demo; dmabuf.mode= on the command line)
# Serial port 0 (kernel log) -> $WORK/vm/MODE/console.log
# Serial port 1 (job output) -> $WORK/vm/MODE/results.log
# Exit status: 0 if the VM ran the job to its end ("#### VM-DONE"), else 1.
# VM_TIMEOUT (seconds) bounds the whole boot; VM_APPEND adds kernel args.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock

mode=${1:-test}
kernel=${VM_KERNEL:-$BUILD_X86/arch/x86/boot/bzImage}
initrd=$VMDIR/initramfs.cpio.gz
out=$VMDIR/$mode
[ -f "$kernel" ] || die "no kernel at $kernel; run 'make vm-kernel IMPL=$IMPL'"
[ -f "$initrd" ] || die "no initramfs at $initrd; run 'make vm-kernel IMPL=$IMPL'"
command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found; run 'make deps' (installs qemu-system-x86)"

case "$mode" in
demo|bench) timeout_s=${VM_TIMEOUT:-600} ;;
*)    timeout_s=${VM_TIMEOUT:-2400} ;;
esac

# TCG unless asked for KVM: a writable /dev/kvm does not mean it works
# (nested KVM here dies setting MSR 0x10a, or hangs in the firmware), and
# every measured time in the READMEs is TCG's.
case "${VM_ACCEL:-tcg}" in
tcg) accel=(-accel tcg) ;;
kvm) [ -w /dev/kvm ] || die "VM_ACCEL=kvm but /dev/kvm is not usable; unset VM_ACCEL to run under TCG"
     accel=(-accel kvm -cpu host) ;;
*)   die "VM_ACCEL=$VM_ACCEL: use tcg (default) or kvm" ;;
esac
# VM_ICOUNT=1 (make bench): the guest clock counts instructions, one
# nanosecond each (-icount shift=0), so guest times are instruction counts
# that neither host load nor TCG's code layout moves.  One vCPU: qemu 7.2
# here never brings up a second one under icount.
if [ "${VM_ICOUNT:-0}" = 1 ]; then
	[ "${VM_ACCEL:-tcg}" = tcg ] || die "VM_ICOUNT=1 needs TCG, not VM_ACCEL=$VM_ACCEL"
	# shellcheck disable=SC2054 # the commas are qemu's
	accel=(-accel tcg,thread=single -icount shift=0,sleep=on)
	VM_CPUS=1
fi

rm -rf "$out"; mkdir -p "$out"
# VM_CPUS vCPUs; post.d/10-cpus.sh fails the run if the guest has fewer.
cpus=${VM_CPUS:-2}
# VM_MEM of guest memory.  6.12's udmabuf selftest maps a memfd of 1024
# 2 MiB huge pages (suites.d/21-selftests-udmabuf.sh reserves them), so its
# line gets room for 2 GiB of them beside the rest of the run.
if [ "$LINUX" = 6.1 ]; then mem=${VM_MEM:-2G}; else mem=${VM_MEM:-4G}; fi
append="console=ttyS0 panic=-1 log_buf_len=4M dmabuf.mode=$mode dmabuf.impl=$IMPL dmabuf.cpus=$cpus ${VM_APPEND:-}"
qemu=(qemu-system-x86_64 "${accel[@]}" -smp "$cpus" -m "$mem"
	-kernel "$kernel" -initrd "$initrd" -append "$append"
	-nographic -monitor none -no-reboot
	-serial "file:$out/console.log" -serial "file:$out/results.log")
echo "${qemu[*]}" >"$out/qemu.cmd"

# boot_once: run qemu; give up early (status 75) when the guest never
# reaches /init within BOOT_TIMEOUT seconds.  Under TCG on a loaded host an
# early-boot hang has been seen once in many boots; a second boot of the
# same kernel went through, so such a boot is retried once.
boot_once() {
	local pid waited=0
	: >"$out/console.log"; : >"$out/results.log"
	timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ $waited -ge "${BOOT_TIMEOUT:-300}" ] &&
		   ! grep -q '^#### VM-START' "$out/results.log"; then
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			return 75
		fi
		sleep 2
		waited=$((waited + 2))
	done
	wait "$pid"
}

stage "booting VM ($mode, ${accel[1]}, timeout ${timeout_s}s; logs: $out/)"
t0=$(date +%s)
set +e
boot_once
rc=$?
if [ $rc = 75 ]; then
	note "the guest did not reach /init in ${BOOT_TIMEOUT:-300}s; booting again"
	cp "$out/console.log" "$out/console.first-boot.log"
	boot_once
	rc=$?
fi
set -e
# Serial output has CR LF line ends.
sed -i 's/\r$//' "$out/console.log" "$out/results.log"

if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "error: the VM did not finish within ${timeout_s}s (raise VM_TIMEOUT); kernel log: $out/console.log" >&2
	exit 1
fi
if ! grep -q '^#### VM-DONE' "$out/results.log"; then
	echo "---- last lines of $out/console.log ----" >&2
	tail -n 30 "$out/console.log" >&2
	why=$(grep -m1 -i 'terminating on signal\|error' "$out/qemu.log" || true)
	echo "error: the VM stopped before its job ended (qemu status $rc${why:+: $why}); kernel log: $out/console.log" >&2
	exit 1
fi
note "VM finished in $(elapsed "$t0")"
