# SPDX-License-Identifier: GPL-2.0-only
#
# The project's host-side targets; the work is done by the scripts in
# harness/ (see README.md and harness/README.md).  What goes into a kernel
# tree as drivers/dma-buf/Makefile is ./Kbuild: nothing of this file ships.
#
#   make demo                 build + boot the test kernel, share a dma-buf
#   make check                every test; ends with "N passed, N failed"
#   IMPL=ours|upstream        our core (default) or the tree's original one
#   KDIR=/path/to/linux-6.1   use that tree instead of Debian's linux-source
#   V=1                       show build output instead of logging it

IMPL ?= ours
KDIR ?=
V ?= 0
export IMPL KDIR V DMABUF_CACHE

H := harness

.PHONY: help deps tree kunit vm-kernel initramfs vm-test demo check \
	install format-patch clean distclean bench compile-users check-kcsan

help:
	@sed -n 's/^#   //p' Makefile
	@echo "targets: deps tree kunit vm-kernel vm-test demo check bench compile-users install format-patch clean"

deps:
	@$(H)/deps.sh

tree: deps
	@$(H)/tree.sh

kunit: tree
	@$(H)/kunit-uml.sh

vm-kernel: tree
	@$(H)/vm-kernel.sh
	@$(H)/initramfs.sh

initramfs:
	@$(H)/initramfs.sh

vm-test: tree
	@$(H)/vm-kernel.sh
	@$(H)/vm-test.sh

demo: tree
	@$(H)/vm-kernel.sh
	@$(H)/demo.sh

check:
	@$(H)/check.sh

# The KUnit and concurrent userspace suites on a KCSAN kernel (not in make
# check: a kernel of its own, about 20 minutes cold).
check-kcsan: tree
	@$(H)/check-kcsan.sh

# Every operation of this core side by side with the original, as ratios
# (BENCH_AA=1: the original in both slots, the noise control).
bench: deps
	@$(H)/bench.sh

# Every in-tree user of the dma-buf API that x86_64 builds, compiled
# against this IMPL's header (also a gate of make check).
compile-users: tree
	@$(H)/compile-users.sh

install:
	@$(H)/install.sh

format-patch:
	@$(H)/format-patch.sh

# Drops this IMPL's tree and build directories (keeps ccache and the
# unpacked Debian tree).
clean:
	@$(H)/clean.sh
