#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Configure and build the x86_64 test kernel (bzImage + modules + uapi
# headers) in $WORK/build-x86.
#
# Config = tinyconfig + kvm_guest.config + harness/configs/vm.config +
# tests/vm/config.d/*.config.  It is generated in a scratch directory and
# copied into the build directory only when it differs, and not at all
# when none of its inputs changed, so an unchanged tree rebuilds nothing.
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
require_tree

B=$BUILD_X86
GEN=$WORK/kconfig-x86${VM_FLAVOUR:+-$VM_FLAVOUR}
log=$LOGDIR/vm-kernel${VM_FLAVOUR:+-$VM_FLAVOUR}.log
cfglog=$LOGDIR/vm-config${VM_FLAVOUR:+-$VM_FLAVOUR}.log
mkdir -p "$B"

fragments=("$PROJ/harness/configs/vm.config")
for f in "$PROJ"/tests/vm/config.d/*.config; do
	[ -f "$f" ] && fragments+=("$f")
done
if [ -n "${VM_FLAVOUR:-}" ]; then
	[ -f "$PROJ/harness/configs/vm-$VM_FLAVOUR.config" ] ||
		die "VM_FLAVOUR=$VM_FLAVOUR: no harness/configs/vm-$VM_FLAVOUR.config"
	fragments+=("$PROJ/harness/configs/vm-$VM_FLAVOUR.config")
fi

# Everything the generated config depends on.
config_inputs_sum() {
	{
		echo "$KCC"
		gcc --version | head -n1
		cat "${fragments[@]}"
		cat "$KSRC/kernel/configs/kvm_guest.config" "$KSRC/Makefile"
		cat "$WORK/src.origin"
		cat "$KSRC/drivers/dma-buf/Kconfig"
	} | md5sum | cut -d' ' -f1
}

# Check that every option of the fragments ended up as written; where
# several fragments set an option, the last one counts.
check_config() {
	local cfg=$1 missing=() f line sym val later
	local -A last=()
	for f in "${fragments[@]}"; do
		while read -r line; do
			case "$line" in CONFIG_*=*) last[${line%%=*}]=$f ;; esac
		done <"$f"
	done
	for f in "${fragments[@]}"; do
		while read -r line; do
			case "$line" in
			CONFIG_*=*)
				sym=${line%%=*} val=${line#*=}
				later=${last[$sym]:-$f}
				[ "$later" = "$f" ] || continue
				if [ "$val" = n ]; then
					grep -q -E "^$sym=(y|m)$" "$cfg" && missing+=("$line")
				else
					grep -q -x -F "$sym=$val" "$cfg" || missing+=("$line")
				fi ;;
			"# CONFIG_"*" is not set")
				sym=${line#\# }; sym=${sym%% *}
				grep -q -E "^$sym=(y|m)$" "$cfg" && missing+=("$sym=n")
			esac
		done <"$f"
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "error: the x86_64 config did not take these options (unmet dependencies?): ${missing[*]} -- see $cfglog and $cfg" >&2
		return 1
	fi
}

generate_config() {
	stage "configuring x86_64 kernel (log: $cfglog)"
	rm -rf "$GEN"; mkdir -p "$GEN"
	{
		kmake "$GEN" ARCH=x86_64 tinyconfig &&
		kmake "$GEN" ARCH=x86_64 kvm_guest.config &&
		(cd "$KSRC" && scripts/kconfig/merge_config.sh -m -O "$GEN" "$GEN/.config" "${fragments[@]}") &&
		kmake "$GEN" ARCH=x86_64 olddefconfig
	} >"$cfglog" 2>&1 || {
		tail -n 20 "$cfglog" >&2
		die "generating the x86_64 config failed; full log: $cfglog"
	}
	check_config "$GEN/.config"
	if cmp -s "$GEN/.config" "$B/.config"; then
		note "config unchanged"
	else
		note "config updated"
		cp "$GEN/.config" "$B/.config"
	fi
}

sum=$(config_inputs_sum)
if [ -f "$B/.config" ] && [ "$(cat "$B/.harness-config.sum" 2>/dev/null)" = "$sum" ]; then
	check_config "$B/.config"
else
	generate_config
	echo "$sum" >"$B/.harness-config.sum"
fi

stage "building x86_64 kernel IMPL=$IMPL (log: $log)"
t0=$(date +%s)
build() {
	kmake "$B" ARCH=x86_64 -j"$JOBS" bzImage modules &&
	kmake "$B" ARCH=x86_64 headers_install
}
run_logged "$log" locked build ||
	die "x86_64 kernel build failed (IMPL=$IMPL); full log: $log"
check_config "$B/.config"
ccache_line=""
if [ "$KCC" != gcc ]; then
	ccache_line=", $(grep -c -E '^  (CC|AS)' "$log" || true) objects compiled"
fi
note "bzImage: $B/arch/x86/boot/bzImage ($(elapsed "$t0")$ccache_line)"
