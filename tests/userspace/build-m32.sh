#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the 32-bit copy of dmabuf-uapi for the VM, so its "compat32_ioctls"
# case can run the same checks through the kernel's compat ioctl path.
#
# Meant to be called from an initramfs prep script (tests/vm/prep.d), with
# the harness's environment: PROJ, UAPI_INC, KSFT_INC, STAGE.  The binary goes next
# to the 64-bit one as /tests/bin/dmabuf-uapi-32 and is claimed, so the
# runner does not also run it as a suite of its own (the 64-bit program
# runs it and relays its output).  Without a 32-bit toolchain (Debian:
# gcc-multilib) nothing is built and that case reports SKIP.
set -u
: "${PROJ:?}" "${UAPI_INC:?}" "${KSFT_INC:?}" "${STAGE:?}"

src=$PROJ/tests/userspace/dmabuf-uapi.c
out=$STAGE/tests/bin/dmabuf-uapi-32

if ! echo 'int main(void){return 0;}' |
	gcc -m32 -static -x c -o /dev/null - 2>/dev/null; then
	echo "build-m32: gcc -m32 -static does not work here (install gcc-multilib);" \
	     "compat32_ioctls will be skipped"
	exit 0
fi
mkdir -p "$(dirname "$out")" "$STAGE/suites.d/.claimed"
gcc -m32 -static -O2 -Wall -pthread -I"$UAPI_INC" -I"$KSFT_INC" -I"$PROJ/tests/userspace" \
	-o "$out" "$src" || exit 1
touch "$STAGE/suites.d/.claimed/dmabuf-uapi-32"
echo "build-m32: $out"
