#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Stage Debian's trinity (the syscall fuzzer) in the VM for
# suites.d/50-trinity.sh: the binary, the libraries ldd names, and
# tests/vm/trinity/dmabuf-testfiles.so, which turns trinity's test files
# into dma-buf fds (Debian builds trinity without its DRM fd provider).
. "$(dirname "$0")/clients-lib.inc"
clients_setup

apt_install trinity ||
	{ echo "error: could not install trinity (needed for the trinity suite)" >&2; exit 1; }

bin=/usr/bin/trinity
MULTI=/usr/lib/x86_64-linux-gnu
mkdir -p "$STAGE/usr/bin" "$STAGE$MULTI" "$STAGE/lib64"
cp -L "$bin" "$STAGE$bin"
for l in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
	case "$l" in
	*/ld-linux-x86-64.so.2) cp -L "$l" "$STAGE/lib64/ld-linux-x86-64.so.2" ;;
	*) cp -L "$l" "$STAGE$MULTI/$(basename "$l")" ;;
	esac
done
gcc -shared -fPIC -O2 -Wall -Wextra -Werror -I"$UAPI_INC" \
	-o "$STAGE/usr/lib/dmabuf-testfiles.so" "$PROJ/tests/vm/trinity/dmabuf-testfiles.c"
echo "trinity $(dpkg-query -W -f='${Version}' trinity)" >"$STAGE/tests/trinity-version.txt"
echo "staged trinity"
