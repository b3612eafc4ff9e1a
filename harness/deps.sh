#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages the harness needs, if any is missing.
# 'apt-get update' runs only when something has to be installed.
set -euo pipefail
# (lib.sh only defines; harness_setup, which looks for ccache, comes after)
. "$(dirname "$0")/lib.sh"

PKGS=("linux-source-$LINUX" qemu-system-x86 busybox-static ccache sparse coccinelle
      flex bison libelf-dev libssl-dev bc cpio kmod rsync python3 gcc make
      binutils xz-utils gcc-multilib ocaml-nox spin gnuplot-nox)

apt_install "${PKGS[@]}"
echo "== deps: all ${#PKGS[@]} packages present"
