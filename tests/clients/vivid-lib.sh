# SPDX-License-Identifier: GPL-2.0-only
# Shared by the V4L2 suites in the VM (sourced by busybox sh; staged at
# /tests/clients/vivid-lib.sh by tests/vm/prep.d/40-debian-clients.sh).
#
# Three vivid instances with a video capture node each: instance 0 uses
# videobuf2-vmalloc, instances 1 and 2 videobuf2-dma-contig, so both vb2
# dma-buf exporters and importers are exercised.  (A dma-contig queue
# rejects a vmalloc buffer unless its pages happen to be physically
# contiguous, so that pairing would be a coin toss and is not used.)

# Debian's dynamically linked clients find their libraries here.
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu
export HOME=/tmp XDG_CACHE_HOME=/tmp
export GST_REGISTRY=/tmp/gst-registry.bin

VIVID_ARGS="n_devs=3 node_types=0x1,0x1,0x1 allocators=0,1,1"

# vivid_setup: load vivid (once) and set VID0 / VID1 / VID2 to the capture
# nodes of instances 0, 1 and 2.  Returns non-zero with a reason on stdout if it fails.
vivid_setup() {
	if ! grep -q '^vivid ' /proc/modules; then
		modprobe vivid $VIVID_ARGS || { echo "modprobe vivid $VIVID_ARGS failed"; return 1; }
	fi
	VID0= VID1= VID2=
	for v in /sys/class/video4linux/video*; do
		[ -e "$v/name" ] || continue
		case "$(cat "$v/name")" in
		vivid-000-vid-cap) VID0=/dev/$(basename "$v") ;;
		vivid-001-vid-cap) VID1=/dev/$(basename "$v") ;;
		vivid-002-vid-cap) VID2=/dev/$(basename "$v") ;;
		esac
	done
	[ -c "$VID0" ] && [ -c "$VID1" ] && [ -c "$VID2" ] ||
		{ echo "vivid capture nodes not found (got '$VID0' '$VID1' '$VID2')"; return 1; }
	return 0
}

# vivid_calm DEV: input 0 (webcam), 320x180 YUYV at 10 frames/s.  The
# capture thread of 6.1's vivid can compute a negative timeout (and log
# "schedule_timeout: wrong timeout value" with a call trace) when making a
# frame takes about as long as the frame interval, which emulated CPUs
# (TCG) reach at vivid's default size and rate; small, slow frames keep it
# far from that.
vivid_calm() {
	v4l2-ctl -d "$1" -i 0 >/dev/null &&
	v4l2-ctl -d "$1" --set-fmt-video=width=320,height=180,pixelformat=YUYV --set-parm=10 >/dev/null
}
