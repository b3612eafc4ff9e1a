#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the test VM's initramfs ($WORK/vm/initramfs.cpio.gz):
#   busybox-static, the kernel's modules, /init and the suite runner,
#   tests/vm/suites.d/*, the static userspace tests (tests/userspace/*.c ->
#   /tests/bin/), the demos (demo/*.c -> /demo/), and whatever tests/vm/prep.d/*.sh
#   add to the staging root.
# Userspace programs are compiled against the uapi headers exported from the
# tree being tested ($WORK/build-x86/usr/include), so IMPL=upstream builds
# them with the original uapi header, and on that tree's selftest harness
# (tools/testing/selftests/kselftest_harness.h).
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
require_tree

B=$BUILD_X86
[ -f "$B/arch/x86/boot/bzImage" ] && [ -d "$B/usr/include/linux" ] ||
	die "no x86_64 kernel in $B; run 'make vm-kernel IMPL=$IMPL' first"

STAGE=$VMDIR/root
BIN=$VMDIR/bin
log=$LOGDIR/initramfs.log
UAPI_INC=$B/usr/include
KSFT_INC=$KSRC/tools/testing/selftests
USERSPACE_CFLAGS="-static -O2 -Wall -pthread -I$UAPI_INC -I$KSFT_INC -I$PROJ/tests/userspace"
export LINUX KSRC B UAPI_INC KSFT_INC STAGE IMPL WORK LOGDIR PROJ USERSPACE_CFLAGS
: >"$log"

stage "building initramfs IMPL=$IMPL (log: $log)"

# compile SRC OUT: static build, redone only when an input is newer.
compile() {
	local src=$1 out=$2 dep
	if [ -x "$out" ]; then
		local stale=0
		for dep in "$src" "$PROJ"/tests/userspace/*.h "$UAPI_INC/linux/dma-buf.h" \
			   "$KSFT_INC/kselftest_harness.h" "$KSFT_INC/kselftest.h" \
			   "$UAPI_INC/linux/dma-heap.h" "$UAPI_INC/linux/udmabuf.h"; do
			[ -e "$dep" ] && [ "$dep" -nt "$out" ] && stale=1
		done
		[ $stale = 0 ] && return 0
	fi
	mkdir -p "$(dirname "$out")"
	echo "gcc $src -> $out" >>"$log"
	# shellcheck disable=SC2086
	if ! gcc $USERSPACE_CFLAGS -o "$out.tmp" "$src" >>"$log" 2>&1; then
		grep -E 'error|warning' "$log" | tail -n 20 >&2 || true
		die "compiling $src failed (IMPL=$IMPL); full log: $log"
	fi
	mv "$out.tmp" "$out"
}

find_busybox() {
	local bb
	for bb in /bin/busybox /usr/bin/busybox; do
		[ -x "$bb" ] || continue
		if ! readelf -l "$bb" 2>/dev/null | grep -q 'program interpreter'; then
			echo "$bb"; return 0
		fi
	done
	die "no static busybox found; run 'make deps' (installs busybox-static)"
}

# 1. userspace programs
n_tests=0
for src in "$PROJ"/tests/userspace/*.c; do
	[ -f "$src" ] || continue
	compile "$src" "$BIN/tests/$(basename "$src" .c)"
	n_tests=$((n_tests + 1))
done
# drop binaries whose source went away
for out in "$BIN"/tests/*; do
	[ -f "$out" ] || continue
	[ -f "$PROJ/tests/userspace/$(basename "$out").c" ] || rm -f "$out"
done
for src in "$PROJ"/demo/*.c; do
	[ -f "$src" ] && compile "$src" "$BIN/demo/$(basename "$src" .c)"
done

# 2. staging root
rm -rf "$STAGE"
mkdir -p "$STAGE"/{bin,sbin,etc,proc,sys,dev,tmp,root,lib/modules,tests/bin,demo,suites.d,post.d}
bb=$(find_busybox)
cp "$bb" "$STAGE/bin/busybox"
for applet in $("$bb" --list); do
	[ -e "$STAGE/bin/$applet" ] || ln -s busybox "$STAGE/bin/$applet"
done
install -m 755 "$PROJ/tests/vm/init" "$STAGE/init"
install -m 755 "$PROJ/tests/vm/run-suites.sh" "$STAGE/bin/run-suites"
install -m 755 "$PROJ/tests/vm/run-bench.sh" "$STAGE/bin/run-bench"
install -m 755 "$PROJ/tests/vm/ksft-nest.sh" "$STAGE/bin/ksft-nest"
for s in "$PROJ"/tests/vm/post.d/*; do
	[ -f "$s" ] && install -m 755 "$s" "$STAGE/post.d/"
done
for s in "$PROJ"/tests/vm/suites.d/*; do
	[ -f "$s" ] && install -m 755 "$s" "$STAGE/suites.d/"
done
if [ -d "$BIN/tests" ]; then
	cp -a "$BIN"/tests/. "$STAGE/tests/bin/"
fi
for src in "$PROJ"/demo/*.c; do
	[ -f "$src" ] && cp "$BIN/demo/$(basename "$src" .c)" "$STAGE/demo/"
done

# 3. modules
kmake "$B" ARCH=x86_64 INSTALL_MOD_PATH="$STAGE" INSTALL_MOD_STRIP=1 modules_install >>"$log" 2>&1 ||
	die "modules_install failed (IMPL=$IMPL); full log: $log"
rm -f "$STAGE"/lib/modules/*/build "$STAGE"/lib/modules/*/source

# 4. plug-ins: host-side preparation scripts
for p in "$PROJ"/tests/vm/prep.d/*.sh; do
	[ -f "$p" ] || continue
	echo "== prep $(basename "$p")" >>"$log"
	if ! bash "$p" >>"$log" 2>&1; then
		tail -n 20 "$log" >&2
		die "initramfs plug-in $p failed (IMPL=$IMPL); full log: $log"
	fi
done

# 5. pack
(cd "$STAGE" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$VMDIR/initramfs.cpio.gz.tmp"
mv "$VMDIR/initramfs.cpio.gz.tmp" "$VMDIR/initramfs.cpio.gz"
note "$n_tests userspace tests, $(find "$STAGE/lib/modules" -name '*.ko*' | wc -l) modules," \
	"$(du -h "$VMDIR/initramfs.cpio.gz" | cut -f1) -> $VMDIR/initramfs.cpio.gz"
