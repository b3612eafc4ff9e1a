# SPDX-License-Identifier: GPL-2.0-only
# What the project puts into a kernel tree.  Source it (needs PROJ).
#
#   IMPL=ours:     Kconfig, .kunitconfig, *.c, *.h -> drivers/dma-buf/
#                  Kbuild -> drivers/dma-buf/Makefile (the project's own
#                  Makefile is the host harness and never enters a tree)
#                  kunit/ -> drivers/dma-buf/kunit/
#                  include/linux/dma-buf.h, include/uapi/linux/dma-buf.h,
#                  include/trace/events/dma_buf.h
#                  Documentation/** -> Documentation/**
#   IMPL=upstream: the tree's own core; only kunit/ and .kunitconfig, with
#                  the KUnit hook appended to the original Makefile/Kconfig.

# overlay_map IMPL ORIGIN GENDIR: print the overlay as lines
# "file-to-copy<TAB>path-in-the-tree".  ORIGIN is the source tree (IMPL=
# upstream reads its original Makefile/Kconfig); generated files go to GENDIR.
overlay_map() {
	local impl=$1 origin=$2 gen=$3 f
	if [ "$impl" = ours ]; then
		for f in Kconfig .kunitconfig; do
			[ -f "$PROJ/$f" ] && printf '%s\t%s\n' "$PROJ/$f" "drivers/dma-buf/$f"
		done
		printf '%s\t%s\n' "$PROJ/Kbuild" drivers/dma-buf/Makefile
		for f in "$PROJ"/*.c "$PROJ"/*.h; do
			[ -f "$f" ] && printf '%s\t%s\n' "$f" "drivers/dma-buf/$(basename "$f")"
		done
		for f in include/linux/dma-buf.h include/uapi/linux/dma-buf.h \
			 include/trace/events/dma_buf.h; do
			[ -f "$PROJ/$f" ] && printf '%s\t%s\n' "$PROJ/$f" "$f"
		done
		if [ -d "$PROJ/Documentation" ]; then
			(cd "$PROJ" && find Documentation -type f ! -name '*~' | sort) |
				while read -r f; do printf '%s\t%s\n' "$PROJ/$f" "$f"; done
		fi
	else
		# The original core, plus our KUnit suites hooked into its Makefile
		# and Kconfig so the same tests run against it.
		[ -f "$PROJ/.kunitconfig" ] && printf '%s\t%s\n' "$PROJ/.kunitconfig" drivers/dma-buf/.kunitconfig
		make_upstream_hooks "$origin" "$gen"
		printf '%s\t%s\n' "$gen/Makefile" drivers/dma-buf/Makefile
		printf '%s\t%s\n' "$gen/Kconfig" drivers/dma-buf/Kconfig
	fi
	if has_kunit_suites; then
		(cd "$PROJ" && find kunit -type f ! -name '*~' ! -name '*.o' ! -name '.*.cmd' | sort) |
			while read -r f; do printf '%s\t%s\n' "$PROJ/$f" "drivers/dma-buf/$f"; done
	else
		# The Makefile descends into kunit/; give it an empty one until
		# the suites exist.
		mkdir -p "$gen"
		echo "# placeholder: the project has no kunit/Makefile yet" >"$gen/kunit-empty.mk"
		printf '%s\t%s\n' "$gen/kunit-empty.mk" drivers/dma-buf/kunit/Makefile
	fi
}

has_kunit_suites() { [ -f "$PROJ/kunit/Makefile" ]; }

# For IMPL=upstream: the tree's own drivers/dma-buf Makefile and Kconfig,
# each with our KUnit hook appended.  The Kconfig entry is taken from the
# project's Kconfig so there is one definition of it.
make_upstream_hooks() {
	local origin=$1 gen=$2 tmp=$2/.tmp
	mkdir -p "$gen"
	{ cat "$origin/drivers/dma-buf/Makefile"
	  echo 'obj-$(CONFIG_DMABUF_KUNIT_TEST) += kunit/'
	} >"$tmp"
	cmp -s "$tmp" "$gen/Makefile" || cp "$tmp" "$gen/Makefile"
	{ cat "$origin/drivers/dma-buf/Kconfig"
	  echo
	  kunit_kconfig_for_original
	} >"$tmp"
	cmp -s "$tmp" "$gen/Kconfig" || cp "$tmp" "$gen/Kconfig"
	rm -f "$tmp"
}

# The same entries for a tree with the original core, whose 6.1 BUG()s the
# *_beyond_upstream cases would hit: those default to off there.
kunit_kconfig_for_original() {
	kunit_kconfig_entry | sed 's/^\tdefault y$/\tdefault n/'
}

kunit_kconfig_entry() {
	local entry=""
	[ -f "$PROJ/Kconfig" ] && entry=$(awk '
		/^config DMABUF_KUNIT_/ { on = 1; print; next }
		on && /^(config|menuconfig|menu|endmenu|source|if|endif|choice|comment)( |$)/ { exit }
		on { print }' "$PROJ/Kconfig")
	if [ -n "$entry" ]; then
		printf '%s\n' "$entry"
	else
		printf '%s\n' 'config DMABUF_KUNIT_TEST' \
			'	tristate "KUnit tests for the DMA-BUF core" if !KUNIT_ALL_TESTS' \
			'	depends on KUNIT' '	select DMA_SHARED_BUFFER' '	default KUNIT_ALL_TESTS'
	fi
}

