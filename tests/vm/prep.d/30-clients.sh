#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build tests/clients/*.c (our own client programs, e.g. the DRM PRIME
# round trip) as static programs against the uapi headers exported by the
# tree under test, and stage them at /tests/clients/ in the VM.  They are
# run by their own suites.d scripts, not by the generic /tests/bin runner.
. "$(dirname "$0")/clients-lib.inc"
clients_setup

OUT=$CLIENTS_OUT/bin
mkdir -p "$OUT" "$STAGE/tests/clients"
mapfile -t hdrs < <(uapi_deps)
for src in "$PROJ"/tests/clients/*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	sum=$(inputs_sum "$src" "$PROJ"/tests/clients/*.h "${hdrs[@]}")
	if ! up_to_date "$OUT/$name.sum" "$sum" "$OUT/$name"; then
		run gcc -static -O2 -Wall -Wextra -Werror -I"$UAPI_INC" -I"$PROJ/tests/clients" \
			-o "$OUT/$name" "$src"
		echo "$sum" >"$OUT/$name.sum"
	fi
	install -m 755 "$OUT/$name" "$STAGE/tests/clients/$name"
done
echo "staged clients: $(ls "$STAGE/tests/clients" | tr '\n' ' ')"
