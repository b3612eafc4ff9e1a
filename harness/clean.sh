#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Remove this IMPL's tree, build directories and logs (not ccache, not the
# unpacked Debian tree).
. "$(dirname "$0")/lib.sh"
harness_setup
work_lock
stage "removing $WORK"
locked rm -rf "$WORK"
