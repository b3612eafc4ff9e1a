# SPDX-License-Identifier: GPL-2.0-only
# Installing what a fresh machine lacks.  Source it (harness/lib.sh does;
# so do the VM prep scripts): it only defines apt_install.

# apt_install PKG...: install the packages of the list that are missing (a
# fresh machine), with apt-get update only if the install fails without it.
# Prints what it installs; the tail of apt's log on failure (status 1).
apt_install() {
	local missing=() p sudo="" log
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || {
			echo "error: missing packages (${missing[*]}) and not root; install them with apt-get as root" >&2
			return 1
		}
		sudo="sudo -n"
	fi
	log=${TMPDIR:-/tmp}/dmabuf-apt.$$.log
	echo "== installing ${missing[*]} (apt-get; log: $log)"
	if ! { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
			-o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" ||
	       { $sudo apt-get update -q -o DPkg::Lock::Timeout=600 &&
		 DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
			-o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}"; }
	     } >"$log" 2>&1 </dev/null; then
		tail -n 20 "$log" >&2
		echo "error: apt-get could not install: ${missing[*]} (full log: $log)" >&2
		return 1
	fi
	rm -f "$log"
}
