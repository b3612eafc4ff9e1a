#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Gate: the inspector on the host, whatever kernel it runs (6.1+, with or
# without debugfs, sysfs statistics or dma-bufs at all): it builds
# warning-free, the table and --json runs exit 0, and the JSON parses.
main() {
. "$PROJ/harness/gates/helpers.sh"
gate_setup
out=$GSTATE/inspect
mkdir -p "$out"
gcc -O2 -Wall -Wextra -Werror -o "$out/dmabuf-inspect" "$PROJ/inspect/dmabuf-inspect.c"
pass=0 fail=0
if "$out/dmabuf-inspect" >"$out/table.txt" 2>&1; then
	pass=$((pass + 1))
else
	echo "table run failed:"; cat "$out/table.txt"; fail=$((fail + 1))
fi
if "$out/dmabuf-inspect" --json >"$out/inspect.json" 2>&1 &&
   python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$out/inspect.json"; then
	pass=$((pass + 1))
else
	echo "--json run failed or printed no valid JSON:"; cat "$out/inspect.json"; fail=$((fail + 1))
fi
tail -n 4 "$out/table.txt"
echo "inspect-host: $pass passed, $fail failed"
[ "$fail" = 0 ]
}
main "$@"
exit $?
