#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The 32-bit build of tests/userspace/dmabuf-uapi.c, which the 64-bit
# program runs as its compat32_ioctls case (the VM kernel has
# CONFIG_IA32_EMULATION).  See tests/userspace/build-m32.sh.
exec bash "$PROJ/tests/userspace/build-m32.sh"
