#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make format-patch [KDIR=<tree>] [PATCH_DIR=dir]: write the project as a
# reviewable 'git format-patch' series against a 6.1 tree (default: the
# Debian tree the harness uses), with a cover letter.
#
# The steps, each of which builds and keeps the KUnit suites passing
# (harness/gates.d/85-series.sh checks it), are:
#   1 the KUnit suites, hooked into the original Makefile and Kconfig,
#     with their *_beyond_upstream cases off by default
#     (CONFIG_DMABUF_KUNIT_BEYOND_UPSTREAM): they pass on the original;
#   2 the uapi header;
#   3 the sysfs statistics and include/linux/dma-buf.h, under the original
#     dma-buf.c with its four calls of the statistics renamed;
#   4 the core itself (with our Kconfig: the beyond-upstream cases on by
#     default);
#   5 Documentation/.
# Messages: harness/series/<step>-*.msg (subject, blank line, body).
# Signed-off-by: GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL, else the user's git
# identity.  The work happens in a temporary repository; KDIR is only read.
DMABUF_NO_WORKDIR=1
. "$(dirname "$0")/lib.sh"
harness_setup
. "$PROJ/harness/overlay.sh"

series_base=${KDIR:-$PRISTINE}
[ -n "$KDIR" ] || [ -f "$PRISTINE/Makefile" ] ||
	die "no tree to write the series against: run 'make tree' (unpacks Debian's 6.1) or pass KDIR=<6.1 tree>"
v=$(sed -n 's/^VERSION = //p' "$series_base/Makefile" 2>/dev/null | head -n1)
p=$(sed -n 's/^PATCHLEVEL = //p' "$series_base/Makefile" 2>/dev/null | head -n1)
[ "$v.$p" = 6.1 ] || die "$series_base is not a Linux 6.1 tree (Makefile says ${v:-?}.${p:-?}); pass KDIR=<6.1 tree>"

name=${GIT_AUTHOR_NAME:-$(git -C "$PROJ" config user.name || true)}
email=${GIT_AUTHOR_EMAIL:-$(git -C "$PROJ" config user.email || true)}
[ -n "$name" ] && [ -n "$email" ] ||
	die "the patches are signed off by your git identity: set git config user.name and user.email (or GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL)"
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
# The series must not depend on when it is written.
export GIT_AUTHOR_DATE=${GIT_AUTHOR_DATE:-$(git -C "$PROJ" log -1 --format=%cI 2>/dev/null || date -R)}
export GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE

out=${PATCH_DIR:-$CACHE/patches/$(basename "$series_base")}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dmabuf-fp.XXXXXX"); trap 'rm -rf "$tmp"' EXIT
repo=$tmp/repo gen=$tmp/gen msgs=$PROJ/harness/series
mkdir -p "$gen"
overlay_map ours "$series_base" "$gen" >"$tmp/map"
g() { git -C "$repo" "$@"; }

stage "format-patch against $series_base -> $out"
if git -C "$series_base" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	# A clone sharing the tree's objects (read-only) with only our paths
	# (and MAINTAINERS) checked out.
	git clone -q --shared --no-checkout "$series_base" "$repo"
	g sparse-checkout set --no-cone /MAINTAINERS $(cut -f2 "$tmp/map" | sed 's#^#/#') >/dev/null
	g checkout -q HEAD 2>/dev/null || g checkout -q --detach
else
	git init -q "$repo"
	{ cut -f2 "$tmp/map"; echo MAINTAINERS; } | while read -r dst; do
		if [ -f "$series_base/$dst" ]; then
			mkdir -p "$(dirname "$repo/$dst")"; cp "$series_base/$dst" "$repo/$dst"
			g add -f -- "$dst"
		fi
	done
	g commit -q --allow-empty -m "base: the files of $series_base the series touches"
fi
base=$(g rev-parse HEAD)

# ours DST: the project's file for tree path DST.
ours() { awk -F'\t' -v d="$1" '$2 == d { print $1; f = 1 } END { exit !f }' "$tmp/map"; }

# put SRC DST: make DST in the series' tree a copy of SRC.
put() {
	mkdir -p "$(dirname "$repo/$2")"
	cp "$1" "$repo/$2"
	g add -f -- "$2"
}

# put_ours REGEX: the project's files whose tree path matches REGEX.
put_ours() {
	local src dst
	while IFS=$'\t' read -r src dst; do
		[[ $dst =~ $1 ]] && put "$src" "$dst"
	done <"$tmp/map"
	return 0
}

# edit FILE PERL-SUBSTITUTION: apply it, and fail unless it matched once.
edit() {
	local file=$1 expr=$2 n
	n=$(perl -0pi -e "\$n += ($expr); END { print STDERR \$n + 0 }" "$file" 2>&1 >/dev/null)
	[ "$n" = 1 ] || die "series: '$expr' matched ${n:-0} times in $file (expected once); is $series_base a 6.1 tree?"
}

commit_step() {
	local msg
	msg=$(ls "$msgs/$1"-*.msg)
	g diff --cached --quiet && die "series step $1 ($msg) changes nothing"
	g commit -q -s -F "$msg"
}

# 1: the suites on the original core.
put_ours '^drivers/dma-buf/(kunit/|\.kunitconfig$)'
kunit_kconfig_for_original >"$tmp/kunit.kconfig"
perl -0pi -e 'BEGIN { local $/; open my $f, "<", shift; $e = <$f> } s/\nendmenu\s*\z/\n$e\nendmenu\n/ or die' \
	"$tmp/kunit.kconfig" "$repo/drivers/dma-buf/Kconfig"
printf '%s\n' 'obj-$(CONFIG_DMABUF_KUNIT_TEST)	+= kunit/' >>"$repo/drivers/dma-buf/Makefile"
g add -f drivers/dma-buf/Kconfig drivers/dma-buf/Makefile
commit_step 1

# 2: the uapi header.
put_ours '^include/uapi/linux/dma-buf\.h$'
commit_step 2

# 3: the statistics, under the original core.
put_ours '^(drivers/dma-buf/dma-buf-sysfs-stats\.[ch]|drivers/dma-buf/dma-buf-compat\.h|include/linux/dma-buf\.h)$'
core=$repo/drivers/dma-buf/dma-buf.c
edit "$core" 's/\bdma_buf_stats_teardown\(dmabuf\);/dma_buf_stats_remove(dmabuf);/'
edit "$core" 's/\bdma_buf_init_sysfs_statistics\(\)/dma_buf_stats_init()/'
edit "$core" 's/\bdma_buf_uninit_sysfs_statistics\(\)/dma_buf_stats_exit()/'
edit "$core" 's/\tret = dma_buf_stats_setup\(dmabuf, file\);/\tdmabuf->file = file;\n\tret = dma_buf_stats_add(dmabuf);/'
g add -f drivers/dma-buf/dma-buf.c
commit_step 3

# 4: the core (everything else but the documentation), and MAINTAINERS
# for the one new file outside drivers/dma-buf/.
put_ours '^(drivers/dma-buf/[^/]+|include/.*)$'
edit "$repo/MAINTAINERS" 's|^(F:\tinclude/linux/dma-resv\.h\n)|$1F:\tinclude/trace/events/dma_buf.h\n|m'
g add -f MAINTAINERS
commit_step 4

# 5: the documentation.
put_ours '^Documentation/'
commit_step 5

# The series must end at exactly the project's files.
while IFS=$'\t' read -r src dst; do
	cmp -s "$src" "$repo/$dst" || die "series: $dst after the last patch differs from the project's $src"
done <"$tmp/map"

n=$(g rev-list --count "$base..HEAD")
# The cover letter's subject and blurb come from the branch description.
g checkout -q -B dma-buf-core
g config branch.dma-buf-core.description "$(cat "$msgs/0-cover.msg")"
rm -rf "$out"; mkdir -p "$out"
g format-patch -q --cover-letter --cover-from-description=subject -o "$out" "$base..HEAD"
ls "$out" | sed 's/^/   /'
note "$n patches and a cover letter in $out; apply with: git -C <clean 6.1 tree> am $out/000[1-9]-*.patch"
