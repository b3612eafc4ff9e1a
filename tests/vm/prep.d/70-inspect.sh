#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Stage the inspector (inspect/dmabuf-inspect.c) as /bin/dmabuf-inspect,
# for userspace/dmabuf-inspect-test and the demo.
set -euo pipefail
: "${STAGE:?}" "${PROJ:?}"
gcc -static -O2 -Wall -Wextra -Werror -o "$STAGE/bin/dmabuf-inspect" "$PROJ/inspect/dmabuf-inspect.c"
echo "staged dmabuf-inspect"
