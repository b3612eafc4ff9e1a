# SPDX-License-Identifier: GPL-2.0-only
#
# This file has two readers.  Inside a kernel tree it is the kbuild
# Makefile of drivers/dma-buf (kbuild exports KERNELRELEASE); run directly
# in the project checkout it drives the host-side harness in harness/.

ifneq ($(KERNELRELEASE),)

# The core is always built when drivers/dma-buf is entered, which happens
# only for CONFIG_DMA_SHARED_BUFFER.
obj-y := dma-buf.o dma-resv-glue.o
obj-y += dma-fence.o dma-fence-array.o dma-fence-chain.o dma-fence-unwrap.o
obj-y += dma-resv.o

obj-$(CONFIG_DMABUF_SYSFS_STATS) += dma-buf-sysfs-stats.o
obj-$(CONFIG_SYNC_FILE)		+= sync_file.o
obj-$(CONFIG_SW_SYNC)		+= sw_sync.o sync_debug.o
obj-$(CONFIG_UDMABUF)		+= udmabuf.o
obj-$(CONFIG_DMABUF_HEAPS)	+= dma-heap.o heaps/
obj-$(CONFIG_DMABUF_KUNIT_TEST)	+= kunit/

# The tree's in-kernel fence and reservation selftests.
obj-$(CONFIG_DMABUF_SELFTESTS)	+= dmabuf_selftests.o
dmabuf_selftests-y := selftest.o st-dma-fence.o st-dma-fence-chain.o \
		      st-dma-fence-unwrap.o st-dma-resv.o

else

include harness/host.mk

endif
