#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages the harness needs, if any is missing.
# 'apt-get update' runs only when something has to be installed.
set -euo pipefail

PKGS=(linux-source-6.1 qemu-system-x86 busybox-static ccache sparse coccinelle
      flex bison libelf-dev libssl-dev bc cpio kmod rsync python3 gcc make
      binutils xz-utils gcc-multilib ocaml-nox spin gnuplot-nox)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} = 0 ]; then
	echo "== deps: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null ||
		{ echo "error: missing packages (${missing[*]}) and not root; install them with apt-get as root" >&2; exit 1; }
	SUDO=sudo
fi
log=${TMPDIR:-/tmp}/dmabuf-deps.$$.log
echo "== deps: installing ${missing[*]} (log: $log)"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get install -y --no-install-recommends "${missing[@]}" ||
       { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; }
     } >"$log" 2>&1 </dev/null; then
	tail -n 20 "$log" >&2
	echo "error: apt-get could not install: ${missing[*]} (full log: $log)" >&2
	exit 1
fi
rm -f "$log"
