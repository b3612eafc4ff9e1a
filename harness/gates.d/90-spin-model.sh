#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: the spin (Promela) model of a buffer's lifetime, model/dma-buf.pml
# (file references, fds, mmap, poll callbacks, importers, the release path,
# sysfs/debugfs/proc readers; see model/README.md).  model/check.sh checks
# each property of the model exhaustively (the safety ones in one pan run,
# each on its own should that run find an error): no use after free, the
# exporter's release at most once, the buffer freed at most once, no WARN
# at release, one armed poll callback per event, no deadlock, the
# buffer eventually freed (LTL), no cycle (non-progress).  Then it runs every
# deliberately broken variant (-DBUG_POLL_NO_FILE_REF, the poll callback
# without a file reference that upstream once had, and the others), each of
# which must make spin find its error.  Every check is one pass or failure;
# each line shows the run's "states, stored".  pan is built in a mktemp -d
# directory outside the repo; 34 s of CPU, ~40 s on two busy cores.  Needs
# neither the tree nor a build; spin is installed from Debian if missing.
# (All in a function: bash reads a script as it runs it, so editing a
# running gate would otherwise derail it.)
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
command -v spin >/dev/null || apt_install spin || true
if ! command -v spin >/dev/null; then
	echo "error: spin is missing (apt-get install spin)"
	gate_result spin-model 0 1
	exit 1
fi
JOBS=$JOBS bash "$PROJ/model/check.sh"
}
main "$@"
exit $?
