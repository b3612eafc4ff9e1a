#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# GStreamer (Debian's gst-launch-1.0, v4l2src from gstreamer1.0-plugins-good)
# capturing from both vivid instances with io-mode=dmabuf: v4l2src exports
# every vb2 buffer as a dma-buf (VIDIOC_EXPBUF) and hands the frames on as
# dma-buf memory.  Per instance:
#   <vivid>_dmabuf_capture   N frames reach fakesink, the pipeline ends in EOS
#   <vivid>_buffers_exported v4l2src's allocator logged VIDIOC_EXPBUF exports
#                            ("exported DMABUF as fd", GST_DEBUG=v4l2allocator:6)
#   <vivid>_dmabuf_mapped    a few frames are dumped by fakesink, which maps
#                            the dma-buf memory (dma-buf mmap); the dump must
#                            hold non-zero pixels
. /tests/clients/vivid-lib.sh
frames=${GST_FRAMES:-30}
echo "KTAP version 1"
n=0
fail() { n=$((n + 1)); echo "not ok $n $1 # $2"; }
pass() { n=$((n + 1)); echo "ok $n $1"; }

if ! command -v gst-launch-1.0 >/dev/null; then
	fail gst_launch_present "not staged (prep.d/40-debian-clients.sh)"; echo "1..$n"; exit 1
fi
vivid_setup >/tmp/vivid-setup.out 2>&1 || { fail vivid_loaded "$(cat /tmp/vivid-setup.out)"; echo "1..$n"; exit 1; }
pass vivid_loaded
if gst-inspect-1.0 v4l2src >/tmp/gst-inspect.out 2>&1; then
	pass v4l2src_plugin_loads
else
	sed 's/^/# /' /tmp/gst-inspect.out; fail v4l2src_plugin_loads "gst-inspect-1.0 v4l2src failed"
fi

# 10 frames/s: see vivid_calm in vivid-lib.sh
caps=video/x-raw,format=YUY2,width=320,height=180,framerate=10/1
for inst in 0 1; do
	eval dev=\$VID$inst
	name=vivid$inst
	[ $inst = 0 ] && name=$name-vmalloc || name=$name-dma-contig
	t0=$(date +%s)
	GST_DEBUG=v4l2allocator:6 GST_DEBUG_NO_COLOR=1 \
	gst-launch-1.0 -v v4l2src device=$dev io-mode=dmabuf num-buffers=$frames ! $caps ! \
		fakesink silent=false >/tmp/gst.$inst.out 2>&1
	rc=$?
	t1=$(date +%s)
	got=$(grep -c 'fakesink0:sink) (' /tmp/gst.$inst.out)
	exported=$(grep -c 'exported DMABUF as fd' /tmp/gst.$inst.out)
	echo "# $dev: exit $rc, $got frames in $((t1 - t0))s, $exported dma-buf exports"
	grep -v -e 'last-message = ' -e 'v4l2allocator' /tmp/gst.$inst.out | sed 's/^/#   /'
	grep -m 4 'exported DMABUF as fd' /tmp/gst.$inst.out | sed 's/^.*v4l2allocator/#   v4l2allocator/'
	if [ $rc = 0 ] && [ "$got" = "$frames" ] && grep -q 'Got EOS' /tmp/gst.$inst.out; then
		pass ${name}_dmabuf_capture
	else
		fail ${name}_dmabuf_capture "exit $rc, $got of $frames frames"
	fi
	if [ "$exported" -gt 0 ]; then
		pass ${name}_buffers_exported
	else
		fail ${name}_buffers_exported "no VIDIOC_EXPBUF export logged by v4l2src"
	fi

	gst-launch-1.0 -q v4l2src device=$dev io-mode=dmabuf num-buffers=3 ! $caps ! \
		fakesink dump=true >/tmp/gst.dump.$inst.out 2>/tmp/gst.dump.$inst.err
	rc=$?
	sed 's/^/#   /' /tmp/gst.dump.$inst.err
	# dump lines: "00000000 (0x...): 10 80 10 80 ...  <ascii>"; count
	# lines with a byte other than 00.
	lines=$(grep -c '^[0-9a-f]\{8\} (' /tmp/gst.dump.$inst.out)
	nonzero=$(grep '^[0-9a-f]\{8\} (' /tmp/gst.dump.$inst.out | cut -d: -f2 | cut -c1-50 |
		grep -c '[1-9a-f]')
	echo "# dump of 3 frames: exit $rc, $lines lines, $nonzero with non-zero bytes"
	# 3 frames x 320x180x2 bytes / 16 bytes per line = 21600
	if [ $rc = 0 ] && [ "$lines" -ge 21600 ] && [ "$nonzero" -gt 0 ]; then
		pass ${name}_dmabuf_mapped
	else
		fail ${name}_dmabuf_mapped "exit $rc, $lines dump lines, $nonzero non-zero"
	fi
	rm -f /tmp/gst.dump.$inst.out
done
echo "1..$n"
