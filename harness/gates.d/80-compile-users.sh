#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: every in-tree user of the dma-buf API that x86_64 builds (DRM core
# and PRIME drivers, videobuf2, udmabuf and heaps, tee, xen, RDMA, fastrpc,
# ...) compiled against our include/linux/dma-buf.h; see
# harness/compile-users.sh, which `make compile-users` runs on its own.
# About 1 minute here once ccache is warm, a few minutes cold.
exec bash "$PROJ/harness/compile-users.sh"
