#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Stage Debian's dynamically linked V4L2 and GStreamer clients in the VM:
#   v4l2-compliance, v4l2-ctl          (package v4l-utils)
#   gst-launch-1.0, gst-inspect-1.0    (gstreamer1.0-tools)
#   gst-plugin-scanner + the two plugins the capture pipeline needs:
#   coreelements (fakesink; libgstreamer1.0-0) and video4linux2 (v4l2src;
#   gstreamer1.0-plugins-good).  The other plugins of the plugin directory
#   are left out on purpose: their libraries (ffmpeg, X11, ...) would
#   multiply the initramfs without serving any test.
# Missing packages are installed with apt-get (root, as on CI).  Every
# library ldd names is copied to /usr/lib/x86_64-linux-gnu in the VM, the
# dynamic loader to its usual path; the binaries keep their host paths.
. "$(dirname "$0")/clients-lib.inc"
clients_setup

pkgs=(v4l-utils gstreamer1.0-tools gstreamer1.0-plugins-good)
apt_install "${pkgs[@]}" ||
	{ echo "error: could not install ${pkgs[*]} (needed for the V4L2/GStreamer suites)" >&2; exit 1; }

MULTI=/usr/lib/x86_64-linux-gnu
GSTPLUG=$MULTI/gstreamer-1.0
SCANNER=$MULTI/gstreamer1.0/gstreamer-1.0/gst-plugin-scanner
files=(/usr/bin/v4l2-compliance /usr/bin/v4l2-ctl /usr/bin/gst-launch-1.0
       /usr/bin/gst-inspect-1.0 "$SCANNER"
       "$GSTPLUG/libgstcoreelements.so" "$GSTPLUG/libgstvideo4linux2.so")
for f in "${files[@]}"; do
	[ -e "$f" ] || { echo "error: $f not found after installing ${pkgs[*]}" >&2; exit 1; }
	mkdir -p "$STAGE$(dirname "$f")"
	cp -L "$f" "$STAGE$f"
done

# Libraries: everything ldd resolves, recursively (ldd already lists the
# whole closure), copied under their sonames; the loader at its PT_INTERP.
libs=$(for f in "${files[@]}"; do ldd "$f"; done |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
mkdir -p "$STAGE$MULTI" "$STAGE/lib64" "$STAGE/tests/clients"
n=0
for l in $libs; do
	case "$l" in
	*/ld-linux-x86-64.so.2) cp -L "$l" "$STAGE/lib64/ld-linux-x86-64.so.2" ;;
	*) cp -L "$l" "$STAGE$MULTI/$(basename "$l")" ;;
	esac
	n=$((n + 1))
done
[ -x "$STAGE/lib64/ld-linux-x86-64.so.2" ] || { echo "error: no dynamic loader found by ldd" >&2; exit 1; }

# The suites' shared shell helpers and the original core's recorded results
# for this kernel line (each line's vivid and v4l2 core answer differently).
install -m 644 "$PROJ/tests/clients/vivid-lib.sh" "$STAGE/tests/clients/vivid-lib.sh"
mkdir -p "$STAGE/tests/expected"
cp "$PROJ/tests/vm/expected/${LINUX:?}"/*.txt "$STAGE/tests/expected/" 2>/dev/null || true

# What the suites need to know about the staged set.
{
	echo "v4l-utils $(dpkg-query -W -f='${Version}' v4l-utils)"
	echo "gstreamer1.0-tools $(dpkg-query -W -f='${Version}' gstreamer1.0-tools)"
	echo "gstreamer1.0-plugins-good $(dpkg-query -W -f='${Version}' gstreamer1.0-plugins-good)"
} >"$STAGE/tests/clients-versions.txt"
echo "staged ${#files[@]} Debian client files and $n libraries ($(du -sh "$STAGE$MULTI" | cut -f1))"
