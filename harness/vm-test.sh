#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the suites inside the x86_64 VM and judge them on the host.
# Counts per suite come from the KTAP each printed on the results channel;
# a non-zero exit, a suite that never finished, or any kernel complaint
# (WARNING, BUG, lockdep, refcount, Oops, ...) on the console fails the run.
# Writes "name passed failed skipped" lines to $WORK/results/vm.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
. "$PROJ/harness/ktap.sh"

res=$WORK/results/vm
mkdir -p "$WORK/results"
rm -f "$res"

"$PROJ/harness/initramfs.sh"
vm_ok=1
# Suites listed in harness/vm-skip (with the reason) are reported as
# skipped unless VM_SKIP says otherwise (VM_SKIP= runs everything).
if [ -z "${VM_SKIP+set}" ]; then
	VM_SKIP=$(sed -n 's/^\([a-z0-9/_+-]*\)[[:space:]].*/\1/p' "$PROJ/harness/vm-skip" 2>/dev/null | paste -sd, -)
fi
[ -n "$VM_SKIP" ] && export VM_APPEND="${VM_APPEND:-} dmabuf.skip=$VM_SKIP"
"$PROJ/harness/vm-run.sh" test || vm_ok=0

out=$VMDIR/test
results=$out/results.log
console=$out/console.log
: >"$res"

# Split the results channel into one file per suite.
rm -rf "$out/suites"; mkdir -p "$out/suites"
awk -v dir="$out/suites" '
	/^#### SUITE-BEGIN / { name = $3; gsub("/", "+", name); file = dir "/" name ".ktap"
			       print "" > file; next }
	/^#### SUITE-END /   { gsub("/", "+", $3); f = dir "/" $3 ".rc"; print substr($4, 4) > f
			       close(f); close(file); file = ""; next }
	file != ""           { print >> file }' "$results" 2>/dev/null || true

total_fail=0
for ktap in "$out"/suites/*.ktap; do
	[ -f "$ktap" ] || continue
	base=${ktap%.ktap}
	name=$(basename "$base" | sed 's#+#/#g')
	read -r p f s < <(ktap_count <"$ktap")
	if [ ! -f "$base.rc" ]; then
		f=$((f + 1)); why=" (did not finish)"
	else
		rc=$(cat "$base.rc"); why=""
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			f=1; why=" (exit status $rc)"
		fi
		if [ $((p + f + s)) = 0 ]; then
			if grep -q '^ *1\.\.0' "$ktap"; then s=1; why=" ($(grep -m1 '1\.\.0' "$ktap" | sed 's/.*# *//'))"
			else f=1; why=" (printed no results)"; fi
		fi
	fi
	note "$(printf '%-28s %4d passed %3d failed %3d skipped%s' "vm/$name" "$p" "$f" "$s" "$why")"
	if [ "$f" -gt 0 ]; then
		# the kselftest harness's result lines, TH_LOG's "# file.c:line:test:"
		# and its "Test terminated ..." verdicts
		grep -E '^ *not ok|FAILED|check failed|^# [^ :]+:[0-9]+:|: Test (terminated|failed|exited|ended)' "$ktap" |
			grep -v '# SKIP' | head -n 15 | sed 's/^/      /' >&2 || true
		total_fail=$((total_fail + f))
	fi
	echo "vm/$name $p $f $s" >>"$res"
done

if [ $vm_ok = 0 ]; then
	echo "vm/boot 0 1 0" >>"$res"
	total_fail=$((total_fail + 1))
fi

# Kernel reports fail the suite that was running when they were printed
# (one failure per suite, "vm/kernel-log/<suite>").
if [ -f "$console" ] && scan_kernel_log "$console" >"$out/kernel-problems.txt"; then
	echo "error: kernel problems on the VM console ($(wc -l <"$out/kernel-problems.txt") lines; log: $console):" >&2
	while read -r suite lines; do
		echo "   during $suite: $lines lines" >&2
		echo "vm/kernel-log/$suite 0 1 0" >>"$res"
		total_fail=$((total_fail + 1))
	done < <(kernel_log_suites "$out/kernel-problems.txt" "$console")
	head -n 15 "$out/kernel-problems.txt" | sed 's/^/      /' >&2
else
	echo "vm/kernel-log 1 0 0" >>"$res"
fi

note "VM results channel: $results"
[ "$total_fail" = 0 ] || exit 1
