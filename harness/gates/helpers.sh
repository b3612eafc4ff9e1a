# SPDX-License-Identifier: GPL-2.0-only
# Helpers of the quality gates (harness/gates.d/*.sh), on top of
# harness/lib.sh.  Source it, then call gate_setup: sourcing only defines
# variables and functions.
#
# Environment (set by harness/gates/run.sh): PROJ, and lib.sh's inputs
# (IMPL, KDIR, DMABUF_CACHE).  The gates read the project's files from the
# prepared tree KSRC (so paths are the kernel's: drivers/dma-buf/dma-buf.c,
# include/linux/dma-buf.h...), and keep their caches and build directories
# under $WORK.

# shellcheck source=../lib.sh
. "${PROJ:?PROJ not set (run the gates through make check or harness/gates/run.sh)}/harness/lib.sh"
GATES=$PROJ/harness/gates
GSTATE=$WORK/gates		# per-gate caches

# gate_setup: lib.sh's harness_setup, the gates' state directory, the list
# of the project's files, and lock waits recorded for since().
gate_setup() {
	harness_setup
	mkdir -p "$GSTATE"
	LOCK_WAIT_FILE=$GSTATE/lock.wait
	our_files
}

# The project's files, by their path in the tree (the overlay map of
# harness/overlay.sh, IMPL=ours).
#   OUR_C:     C sources and private headers of the core and of kunit/
#   OUR_HDRS:  the public headers
#   OUR_BUILD: Kconfig and Makefiles
our_files() {
	local f
	OUR_C=() OUR_HDRS=() OUR_BUILD=()
	for f in "$PROJ"/*.c "$PROJ"/*.h; do
		[ -f "$f" ] && OUR_C+=("drivers/dma-buf/$(basename "$f")")
	done
	for f in "$PROJ"/kunit/*.c "$PROJ"/kunit/*.h; do
		[ -f "$f" ] && OUR_C+=("drivers/dma-buf/kunit/$(basename "$f")")
	done
	for f in include/linux/dma-buf.h include/uapi/linux/dma-buf.h \
		 include/trace/events/dma_buf.h; do
		[ -f "$PROJ/$f" ] && OUR_HDRS+=("$f")
	done
	OUR_BUILD=(drivers/dma-buf/Kconfig drivers/dma-buf/Makefile)
	[ -f "$PROJ/kunit/Makefile" ] && OUR_BUILD+=(drivers/dma-buf/kunit/Makefile)
	return 0
}

# The project path of a tree path (for messages and the cleanroom split).
proj_path() {
	case "$1" in
	drivers/dma-buf/Makefile) echo Kbuild ;;
	drivers/dma-buf/*) echo "${1#drivers/dma-buf/}" ;;
	*) echo "$1" ;;
	esac
}

# An extended regex matching a compiler/sparse diagnostic located in one of
# our files, whatever prefix the build put before the path (../src/, an
# absolute path, nothing):  PATH:LINE[:COL]: warning|error
ours_diag_re() {
	local alt="" f
	for f in "${OUR_C[@]}" "${OUR_HDRS[@]}"; do
		alt+="${alt:+|}${f//./\\.}"
	done
	printf '^([^ :]*/)?(%s):[0-9]+(:[0-9]+)?: (warning|error)' "$alt"
}
# Any diagnostic (ours or not), same shape.
ANY_DIAG_RE='^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error)'

# The gates judge the tree's copies, the ones the tests ran on.
# harness/check.sh and run.sh bring the tree up to date first; a file edited
# since is named, so nobody mistakes the result for the newer file's.
require_fresh_tree() {
	local f stale=() missing=() keep
	[ -f "$KSRC/Makefile" ] || { echo "error: no tree at $KSRC (run 'make tree')"; exit 1; }
	for f in "${OUR_C[@]}" "${OUR_HDRS[@]}" "${OUR_BUILD[@]}"; do
		if [ ! -f "$KSRC/$f" ]; then
			missing+=("$f")
		elif ! cmp -s "$PROJ/$(proj_path "$f")" "$KSRC/$f"; then
			stale+=("$f")
		fi
	done
	if [ ${#stale[@]} -gt 0 ]; then
		echo "note: changed in the project since the tree was made (judging the tree's copy): ${stale[*]}"
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		echo "note: new in the project since the tree was made (not judged): ${missing[*]}"
		for keep in OUR_C OUR_HDRS OUR_BUILD; do
			local -n arr=$keep
			local kept=()
			for f in "${arr[@]}"; do
				[ -f "$KSRC/$f" ] && kept+=("$f")
			done
			arr=("${kept[@]}")
			unset -n arr
		done
	fi
	return 0
}

# since T0: "Ns" elapsed since T0 (date +%s), less the last wait for the
# build lock, which is mentioned.
since() {
	local all=$(( $(date +%s) - $1 )) w
	w=$(cat "$GSTATE/lock.wait" 2>/dev/null || echo 0)
	if [ "$w" -gt 1 ]; then
		echo "$(( all - w ))s (after waiting ${w}s for the build lock)"
	else
		echo "${all}s"
	fi
}

# hash_of FILES...: one checksum of the files' names and contents.
hash_of() {
	local f
	for f in "$@"; do
		printf '%s\n' "$f"
		if [ -f "$f" ]; then cat "$f"; else echo "<missing>"; fi
	done | sha256sum | cut -c1-32
}

# gate_result NAME PASSED FINDINGS: the closing lines every gate prints.
# Each clean unit (file, build) counts as one pass, each finding as one
# failure.  Exit status 1 if there is any finding.
gate_result() {
	local name=$1 passed=$2 findings=$3
	echo
	echo "$name: $findings finding(s)"
	echo "$name: $passed passed, $findings failed"
	[ "$findings" -eq 0 ]
}

# A build directory configured like the x86_64 test kernel, for builds that
# must not disturb $BUILD_X86 (other flags, other compiler).
#   gate_build_dir DIR [MAKE ARGS...]
# Copies BUILD_X86's .config and runs olddefconfig, when that .config or
# the arguments changed.  Call it under `locked`.
gate_build_dir() {
	local dir=$1; shift
	local src_cfg=$BUILD_X86/.config
	if [ ! -f "$src_cfg" ]; then
		echo "error: $src_cfg is missing; build the test kernel first ('make vm-kernel')"
		return 1
	fi
	mkdir -p "$dir"
	local stamp
	stamp="$(hash_of "$src_cfg") $KCC $*"
	if [ ! -f "$dir/.config" ] || [ "$(cat "$dir/.gate-config.stamp" 2>/dev/null)" != "$stamp" ]; then
		cp "$src_cfg" "$dir/.config"
		make -C "$KSRC" O="$dir" ARCH=x86_64 "$@" olddefconfig >/dev/null || return 1
		echo "$stamp" >"$dir/.gate-config.stamp"
	fi
	# (no `make prepare`: building single objects prepares the tree anyway)
}

# The object files of our C sources (tree paths).
our_objects() {
	local f
	for f in "${OUR_C[@]}"; do
		case "$f" in *.c) echo "${f%.c}.o" ;; esac
	done
}

# count_diags LOG NAME: print the warnings/errors of LOG that are located in
# our files (deduplicated: a header's warning repeats for every file that
# includes it), then those elsewhere as "not counted".  Sets DIAG_COUNT and
# DIAG_FILES (how many of our files have one).
count_diags() {
	local log=$1 re mine other
	re=$(ours_diag_re)
	mine=$(grep -a -E "$re" "$log" | sed -E 's#^([^ :]*/)?((drivers|include)/)#\2#' | sort -u || true)
	other=$(grep -a -E "$ANY_DIAG_RE" "$log" | grep -a -v -E "$re" | sort -u || true)
	DIAG_COUNT=0 DIAG_FILES=0
	if [ -n "$mine" ]; then
		printf '%s\n' "$mine"
		DIAG_COUNT=$(printf '%s\n' "$mine" | grep -c .)
		DIAG_FILES=$(printf '%s\n' "$mine" | cut -d: -f1 | sort -u | grep -c .)
	fi
	if [ -n "$other" ]; then
		echo "not counted (outside our files): $(printf '%s\n' "$other" | grep -c .)"
		printf '%s\n' "$other" | head -n 20 | sed 's/^/    /'
	fi
	return 0
}
