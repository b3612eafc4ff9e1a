# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for the harness scripts.  Source it, then call
# harness_setup: sourcing only defines variables and functions.
#
# Inputs (environment): LINUX (the LTS line: 6.1, the default, or 6.12),
# IMPL (ours|upstream), KDIR (optional user tree of either line; its
# Makefile then decides LINUX), DMABUF_CACHE (cache root), V=1 (show full
# build output).

PROJ=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${DMABUF_CACHE:-$HOME/.cache/dmabuf-core}
IMPL=${IMPL:-ours}
KDIR=${KDIR:-}
JOBS=${JOBS:-2}
LOCK=$CACHE/build.lock

# kernel_line TREE: "VERSION.PATCHLEVEL" of a source tree's Makefile.
kernel_line() {
	local v p
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile" 2>/dev/null | head -n1)
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile" 2>/dev/null | head -n1)
	echo "${v:-?}.${p:-?}"
}

LINUX=${LINUX:-6.1}
[ -n "$KDIR" ] && [ -f "$KDIR/Makefile" ] && LINUX=$(kernel_line "$KDIR")
LINES="6.1 6.12"

# Where the default tree of the line comes from: Debian's linux-source
# package of the line.
PRISTINE=$CACHE/linux-source-$LINUX
DEB_TARBALL=/usr/src/linux-source-$LINUX.tar.xz

# Every per-tree thing lives under WORK.  A user tree gets its own
# directory, named after its path, so it never mixes with the default one.
# The layout below WORK is the same for both impls, which lets ccache
# (CCACHE_BASEDIR=WORK) share objects between them.
if [ -n "$KDIR" ] && [ -d "$KDIR" ]; then
	KDIR=$(cd "$KDIR" && pwd)
	KSRC_ORIGIN=$KDIR
	WORKBASE=$CACHE/kdir-$(basename "$KDIR")-$(printf '%s' "$KDIR" | md5sum | cut -c1-8)
elif [ "$LINUX" = 6.1 ]; then
	KSRC_ORIGIN=$PRISTINE
	WORKBASE=$CACHE
else
	# other lines beside 6.1's directories, which keep their old place
	KSRC_ORIGIN=$PRISTINE
	WORKBASE=$CACHE/linux-$LINUX
fi
WORK=$WORKBASE/$IMPL
KSRC=$WORK/src
BUILD_UML=$WORK/build-uml
# VM_FLAVOUR=name: a second x86_64 kernel with harness/configs/vm-<name>.config
# merged last (e.g. kcsan for make check-kcsan), in directories of its own.
BUILD_X86=$WORK/build-x86${VM_FLAVOUR:+-$VM_FLAVOUR}
VMDIR=$WORK/vm${VM_FLAVOUR:+-$VM_FLAVOUR}
LOGDIR=$WORK/logs
KCC=gcc

# shellcheck source=apt.sh
. "$PROJ/harness/apt.sh"

# harness_setup: what every script needs before it starts: strict mode,
# checked inputs, the cache and log directories, ccache, a make
# environment of its own.  Dies on a bad IMPL or KDIR.
harness_setup() {
	set -euo pipefail
	case "$IMPL" in
	ours|upstream) ;;
	*) echo "error: IMPL must be 'ours' or 'upstream' (got '$IMPL')" >&2; exit 2 ;;
	esac
	if [ -n "$KDIR" ] && [ ! -d "$KDIR" ]; then
		echo "error: KDIR '${KDIR}' is not a directory; pass KDIR=<path to a Linux 6.1 or 6.12 source tree>" >&2
		exit 2
	fi
	case " $LINES " in
	*" $LINUX "*) ;;
	*) echo "error: LINUX must be one of: $LINES (got '$LINUX'${KDIR:+, from $KDIR/Makefile})" >&2; exit 2 ;;
	esac

	export CCACHE_DIR=$CACHE/ccache
	export CCACHE_BASEDIR=$WORK
	export CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export CCACHE_SLOPPINESS=${CCACHE_SLOPPINESS:-time_macros}
	KCC="ccache gcc"
	command -v ccache >/dev/null 2>&1 || KCC=gcc

	# Kernel makes must not inherit the harness make's flags or variables.
	unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

	mkdir -p "$CACHE"
	# install and format-patch only read KDIR: no work directory for them
	[ -n "${DMABUF_NO_WORKDIR:-}" ] || mkdir -p "$LOGDIR"
}

stage() { echo "== $*"; }
note()  { echo "   $*"; }
die()   { echo "error: $*" >&2; exit 1; }

# run_logged LOG CMD...: run CMD with all output going to LOG; on failure
# print the tail of the log and its path, and return the command's status.
run_logged() {
	local log=$1; shift
	mkdir -p "$(dirname "$log")"
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$log"
		return "${PIPESTATUS[0]}"
	fi
	if "$@" >"$log" 2>&1; then
		return 0
	else
		local rc=$?
		echo "---- last lines of $log ----" >&2
		grep -v '^\s*$' "$log" | tail -n 40 >&2 || true
		echo "---- full log: $log ----" >&2
		return $rc
	fi
}

# locked CMD...: run CMD holding the machine-wide build lock, so builds from
# several checkouts take turns on the two cores.  CMD may be a shell
# function.  With LOCK_WAIT_FILE set, the seconds spent waiting for the
# lock are written there (the gates subtract them from their times).
locked() {
	[ -z "${LOCK_WAIT_FILE:-}" ] || echo 0 >"$LOCK_WAIT_FILE"
	if [ -n "${DMABUF_LOCK_HELD:-}" ]; then
		"$@"
	else
		(
			w=$(date +%s)
			flock 9
			[ -z "${LOCK_WAIT_FILE:-}" ] ||
				echo $(( $(date +%s) - w )) >"$LOCK_WAIT_FILE"
			export DMABUF_LOCK_HELD=1
			"$@"
		) 9>>"$LOCK"
	fi
}

# work_lock: take this tree's lock ($WORK/.lock) for the rest of the
# script, so two runs on the same IMPL/KDIR (say, two checkouts both running
# make check) take turns instead of overwriting each other's tree, builds
# and VM logs.  Scripts started from a locked one inherit the lock.
work_lock() {
	[ "${DMABUF_WORK_LOCKED:-}" = "$WORK" ] && return 0
	mkdir -p "$WORK"
	exec 8>>"$WORK/.lock"
	if ! flock -n 8; then
		note "waiting for another run using $WORK"
		flock 8
	fi
	export DMABUF_WORK_LOCKED=$WORK
}

# kmake DIR ARGS...: make in the per-impl tree with our compiler settings.
kmake() {
	local out=$1; shift
	make -C "$KSRC" O="$out" CC="$KCC" HOSTCC="$KCC" "$@"
}

require_tree() {
	[ -f "$KSRC/Makefile" ] && [ -f "$WORK/tree.stamp" ] ||
		die "no prepared tree at $KSRC; run 'make tree IMPL=$IMPL${KDIR:+ KDIR=$KDIR}' first"
}

# elapsed SECONDS_START: human readable time since start.
elapsed() {
	local s=$(( $(date +%s) - $1 ))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}
