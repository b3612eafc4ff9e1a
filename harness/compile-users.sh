#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Compile every in-tree user of the dma-buf API that x86_64 can build,
# against the dma-buf header of the tree under test (IMPL=ours: the
# project's), so that API drift shows up as a compile error.
#
# Users are found, not listed: every .c file of the tree (outside tools/,
# Documentation/ and our own kunit/) that names a function or macro
# declared in the tree's include/linux/dma-buf.h, one of its structs, or
# includes the header.  A file that another .c #includes (i915's selftests)
# is built through its includer.
#
# Build directory $WORK/build-users, config = x86_64_defconfig +
# harness/compile-users.config (regenerated when either changes).  Only the
# users' object files are built (make path/file.o), with -k, under the
# machine-wide build lock.  Files that this config does not build (ARM-only
# SoC drivers; decided by compile-users-objs.py from the kbuild Makefiles)
# are listed, not counted as errors.
#
# Output: one line per failing file, then
#   compile-users: N files compiled, N errors, N not buildable on x86_64 (T)
# Exit status non-zero on any error.
. "$(dirname "$0")/lib.sh"
harness_setup
require_tree

BU=$WORK/build-users
log=$LOGDIR/compile-users.log
cfglog=$LOGDIR/compile-users-config.log
frag=$PROJ/harness/compile-users.config
mkdir -p "$BU"
t0=$(date +%s)

# ---- the users ----------------------------------------------------------
hdr=$KSRC/include/linux/dma-buf.h
[ -f "$hdr" ] || die "no $hdr"
words=$( {
	grep -oE '\b(dma_buf_[a-z0-9_]+|get_dma_buf)[[:space:]]*\(' "$hdr" | sed -E 's/[[:space:]]*\($//'
	grep -oE '^#define[[:space:]]+[A-Z_]*DMA_BUF[A-Z_]*' "$hdr" | awk '{print $2}' | grep -v '^__'
	grep -oE 'struct dma_buf[a-z_]*' "$hdr" | sed 's/^struct /struct /'
} | sort -u)
pattern=$(printf '%s\n' "$words" | sed 's/.*/\\b&\\b/' | paste -sd'|')
pattern="$pattern|include <linux/dma-buf\\.h>"

mapfile -t found < <(cd "$KSRC" && grep -rlE --include='*.c' -e "$pattern" \
	--exclude-dir=tools --exclude-dir=Documentation --exclude-dir=include \
	--exclude-dir=scripts --exclude-dir=usr . | sed 's#^\./##' |
	grep -v '^drivers/dma-buf/kunit/' | sort)
[ ${#found[@]} -gt 0 ] || die "found no users of $hdr"

# A .c that another .c includes is compiled as part of that one.
declare -A target_of=()
for f in "${found[@]}"; do
	base=$(basename "$f")
	inc=$(cd "$KSRC" && grep -lE "^#include \"([a-z0-9_/.-]*/)?$base\"" \
		"$(dirname "$f")"/*.c "$(dirname "$(dirname "$f")")"/*.c 2>/dev/null | head -n1 || true)
	if [ -n "$inc" ] && [ "$inc" != "$f" ]; then
		target_of[$f]=${inc%.c}.o
	else
		target_of[$f]=${f%.c}.o
	fi
done
mapfile -t targets < <(printf '%s\n' "${target_of[@]}" | sort -u)

# ---- config -------------------------------------------------------------
sum=$( { echo "$KCC"; cat "$frag" "$KSRC/Makefile" "$WORK/src.origin" \
	"$KSRC/drivers/dma-buf/Kconfig" "$KSRC/arch/x86/configs/x86_64_defconfig"; } |
	md5sum | cut -d' ' -f1)
configure() {
	kmake "$BU" ARCH=x86_64 x86_64_defconfig &&
	(cd "$KSRC" && scripts/kconfig/merge_config.sh -m -O "$BU" "$BU/.config" "$frag") &&
	kmake "$BU" ARCH=x86_64 olddefconfig
}
if [ ! -f "$BU/.config" ] || [ "$(cat "$BU/.users-config.sum" 2>/dev/null)" != "$sum" ]; then
	stage "configuring build-users IMPL=$IMPL (log: $cfglog)"
	run_logged "$cfglog" locked configure || die "configuring $BU failed"
	echo "$sum" >"$BU/.users-config.sum"
fi
unset_opts=()
while read -r line; do
	case "$line" in CONFIG_*=*) grep -qx -F "$line" "$BU/.config" || unset_opts+=("${line%%=*}") ;; esac
done <"$frag"
[ ${#unset_opts[@]} -gt 0 ] && note "options x86_64 cannot take (their users are skipped): ${unset_opts[*]}"

# kbuild would compile a driver's file even when the config leaves the
# driver out (with the parent directory's flags), so pick the objects this
# config really builds.
mapfile -t verdicts < <(python3 "$PROJ/harness/compile-users-objs.py" "$KSRC" "$BU/.config" "${targets[@]}")
targets=() notcfg=()
for v in "${verdicts[@]}"; do
	case "$v" in
	"build "*) targets+=("${v#build }") ;;
	"skip "*) v=${v#skip }; notcfg+=("${v%% *}") ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || die "no dma-buf user is built by $BU/.config"

# ---- build --------------------------------------------------------------
stage "compiling ${#targets[@]} objects (${#found[@]} dma-buf users) IMPL=$IMPL (log: $log)"
stamp=$BU/.users-start
touch "$stamp"
build() {
	date +%s >"$BU/.users-build-start"
	kmake "$BU" ARCH=x86_64 -k -j"$JOBS" "${targets[@]}"
}
rc=0
run_logged "$log" locked build >/dev/null 2>&1 || rc=$?

# ---- verdict per object -------------------------------------------------
ok=0 err=0 unreach=${#notcfg[@]} fresh=0
errs=() unreachable=("${notcfg[@]}")
for t in "${targets[@]}"; do
	if grep -qF ": $t] Error" "$log"; then
		err=$((err + 1)); errs+=("$t")
	elif [ -f "$BU/$t" ]; then
		ok=$((ok + 1))
		[ "$BU/$t" -nt "$stamp" ] && fresh=$((fresh + 1))
	else
		unreach=$((unreach + 1)); unreachable+=("$t")
	fi
done
for t in "${errs[@]}"; do
	echo "error: $t"
	grep -E "(^|/)${t%.o}\.c:[0-9]+:[0-9]+: error:" "$log" | head -n 5 | sed 's/^/    /'
done
if [ ${#unreachable[@]} -gt 0 ]; then
	note "not buildable with this x86_64 config (${#unreachable[@]}):"
	printf '%s\n' "${unreachable[@]}" | sed 's/\.o$/.c/' | paste -sd' ' | fold -s -w 100 | sed 's/^/      /'
fi
nwarn=$(grep -cE ': warning:' "$log" || true)
note "$nwarn compiler warnings in $log; $fresh of $ok objects recompiled in this run"
# A make failure that no object explains (e.g. in prepare) is an error too.
if [ $rc != 0 ] && [ $err = 0 ]; then
	grep -E '\*\*\*|error:' "$log" | head -n 10 >&2
	err=1
fi
b0=$(cat "$BU/.users-build-start" 2>/dev/null || echo "$t0")
note "build $(elapsed "$b0") (after $(( (b0 - t0) / 60 ))m waiting for the build lock and configuring)"
echo "compile-users: $ok files compiled, $err errors, $unreach not buildable on x86_64 ($(elapsed "$t0"))"
echo "$ok passed, $err failed"
[ $err = 0 ]
