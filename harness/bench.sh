#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: what CONFIG_DMABUF_SYSFS_STATS costs an export, on our core
# and on the tree's original, measured in one run.
#
# Four boots of the test VM run tests/userspace/bench-export (a 1-page
# system-heap buffer exported, given an fd and closed, several thousand
# times, median of repeats):
#   ours, stats on          the ours test kernel
#   ours, stats off         the same kernel, dma_buf_sysfs_stats.enable=0
#   original, stats on      the upstream test kernel
#   original, stats off     the upstream kernel rebuilt without the option
# in turn, BENCH_PASSES times (default 3), and prints each median, the
# lowest per configuration, and the two on/off ratios of those.  Timings
# come from one machine in one run; under TCG they are slow in absolute
# terms, so only the ratios mean anything.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

BENCH_CYCLES=${BENCH_CYCLES:-3000}
BENCH_REPEATS=${BENCH_REPEATS:-7}
export BENCH_CYCLES BENCH_REPEATS

# Build both test kernels (and their initramfs) the usual way.
for impl in ours upstream; do
	IMPL=$impl "$here/tree.sh"
	IMPL=$impl "$here/vm-kernel.sh"
	IMPL=$impl "$here/initramfs.sh"
done

IMPL=upstream . "$here/lib.sh"
nostats=$WORK/build-x86-nostats
mkdir -p "$nostats"
stage "building the original core without CONFIG_DMABUF_SYSFS_STATS (log: $LOGDIR/bench-nostats.log)"
build_nostats() {
	cp "$BUILD_X86/.config" "$nostats/.config.new"
	"$KSRC/scripts/config" --file "$nostats/.config.new" \
		--disable DMABUF_SYSFS_STATS
	cmp -s "$nostats/.config.new" "$nostats/.config.in" ||
		cp "$nostats/.config.new" "$nostats/.config"
	mv "$nostats/.config.new" "$nostats/.config.in"
	make -C "$KSRC" O="$nostats" ARCH=x86_64 CC="$KCC" olddefconfig
	if grep -q '^CONFIG_DMABUF_SYSFS_STATS=y' "$nostats/.config"; then
		echo "error: CONFIG_DMABUF_SYSFS_STATS is still set" >&2
		return 1
	fi
	make -C "$KSRC" O="$nostats" ARCH=x86_64 CC="$KCC" -j"$JOBS" bzImage
}
run_logged "$LOGDIR/bench-nostats.log" flock "$LOCK" bash -c "$(declare -f build_nostats); $(declare -p KSRC nostats BUILD_X86 KCC JOBS); build_nostats"

# One boot: IMPL, kernel image, extra command line, label.
results=()
boot() {
	local impl=$1 kernel=$2 extra=$3 label=$4 line

	IMPL=$impl VM_KERNEL=$kernel \
		VM_APPEND="dmabuf.bench=$BENCH_CYCLES,$BENCH_REPEATS $extra" \
		"$here/vm-run.sh" bench || true
	IMPL=$impl . "$here/lib.sh"
	line=$(grep -m1 '^# BENCH' "$VMDIR/bench/results.log" 2>/dev/null || true)
	if [ -z "$line" ]; then
		echo "error: no benchmark result from the '$label' boot; see $VMDIR/bench/" >&2
		exit 1
	fi
	line=${line#*median_ns=}
	results+=("$label ${line%% *}")
	echo "   $label: ${line%% *} ns per export+fd+close"
}

# The host's load drifts over minutes, so the four boots take turns,
# BENCH_PASSES times, and each label keeps its lowest median: the run
# least disturbed by whatever else the host was doing.
IMPL=ours . "$here/lib.sh"
ours_img=$BUILD_X86/arch/x86/boot/bzImage
IMPL=upstream . "$here/lib.sh"
orig_img=$BUILD_X86/arch/x86/boot/bzImage
for pass in $(seq "${BENCH_PASSES:-3}"); do
	echo "== pass $pass"
	boot ours "$ours_img" "" "ours-stats-on"
	boot ours "$ours_img" "dma_buf_sysfs_stats.enable=0" "ours-stats-off"
	boot upstream "$orig_img" "" "original-stats-on"
	boot upstream "$nostats/arch/x86/boot/bzImage" "" "original-stats-off"
done

awk -v r="${results[*]}" 'BEGIN {
	n = split(r, f, " ")
	for (i = 1; i < n; i += 2)
		if (!(f[i] in t) || f[i + 1] < t[f[i]])
			t[f[i]] = f[i + 1]
	printf "ours     stats on/off: %.3f (%d / %d ns)\n",
		t["ours-stats-on"] / t["ours-stats-off"], t["ours-stats-on"], t["ours-stats-off"]
	printf "original stats on/off: %.3f (%d / %d ns)\n",
		t["original-stats-on"] / t["original-stats-off"], t["original-stats-on"], t["original-stats-off"]
}'
