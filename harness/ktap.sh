# SPDX-License-Identifier: GPL-2.0-only
# Result helpers shared by the harness scripts.  Source it.

# Kernel messages that fail a run, whatever the tests said.
KERNEL_BAD_RE='WARNING:|BUG:|kernel BUG|blocked for more than|detected stalls|possible circular locking|possible recursive locking|inconsistent lock state|refcount_t:|KASAN|UBSAN|ODEBUG:|Oops|general protection fault|Call Trace|Kernel panic'

# Reports that are not about the code under test: a whole "cut here" ...
# "end trace" block matching this is dropped before the scan.
#  - UML's virt-pci warns at every boot of kunit.py's default UML config
#    (PCI over virtio with no device id).
KERNEL_BENIGN_RE='No virtio device ID configured for PCI'

# Reports in "====" frames (UBSAN, KASAN) that are not about the code under
# test: a whole frame matching this is dropped before the scan.
#  - 6.1.192's v4l2_querymenu() tests menu_skip_mask & (1ULL << index)
#    before it bounds index to 63; v4l2-compliance asks for index 64 on
#    vivid, and UBSAN reports the shift (drivers/media, not dma-buf).
KERNEL_FOREIGN_RE='UBSAN: shift-out-of-bounds in [^ ]*drivers/media/v4l2-core/v4l2-ctrls-api.c:1187'

# A KUnit case that provokes a WARNING on purpose asserts it (kunit/
# warn-watch.c) and then logs "expected warning observed: PID: <pid> at
# <file>:<line> <function>", the report's first line from "PID: " on.  A
# "cut here" block whose WARNING line ends in exactly that text is the
# asserted report and is dropped, once per acknowledgment; anything else
# in it (lockdep, BUG, ...) still counts.
KERNEL_ACK='expected warning observed: '

# scan_kernel_log FILE: print the offending lines; status 0 if any found.
# Reads FILE twice: the acknowledgments first, then the reports.
scan_kernel_log() {
	awk -v benign="$KERNEL_BENIGN_RE" -v foreign="$KERNEL_FOREIGN_RE" \
	    -v ack="$KERNEL_ACK" '
		FNR == 1 { pass++ }
		{ sub(/\r$/, "") }
		pass == 1 {
			if ((i = index($0, ack)) > 0)
				acked[substr($0, i + length(ack))]++
			next
		}
		index($0, "========================================") && /=$/ {
			if (!inframe) { inframe = 1; frame = FNR ":" $0 "\n"; next }
			frame = frame FNR ":" $0 "\n"
			if (frame !~ foreign) printf "%s", frame
			inframe = 0; next
		}
		inframe { frame = frame FNR ":" $0 "\n"; next }
		/-+\[ cut here \]-+/ { inblk = 1; blk = ""; key = "" }
		inblk {
			blk = blk FNR ":" $0 "\n"
			if (key == "" && (i = index($0, "WARNING: CPU: ")) > 0) {
				key = substr($0, i)
				key = substr(key, index(key, "PID: "))
			}
			if ($0 ~ /---\[ end trace/) {
				expected = key != "" && acked[key] > 0 &&
					   blk !~ /BUG|circular|recursive|inconsistent|refcount_t|KASAN/
				if (expected)
					acked[key]--
				if (blk !~ benign && !expected) printf "%s", blk
				inblk = 0
			}
			next
		}
		{ print FNR ":" $0 }
		END { if (inblk) printf "%s", blk; if (inframe) printf "%s", frame }' "$1" "$1" |
		grep -a -E "$KERNEL_BAD_RE"
}

# The lines the VM's runner writes to the kernel log around each suite.
KERNEL_SUITE_MARK='dmabuf-harness: suite '

# kernel_log_suites PROBLEMS CONSOLE: which suite was running when each of
# scan_kernel_log's offending lines (PROBLEMS, "LINE:text") was printed in
# CONSOLE, by the runner's "dmabuf-harness: suite NAME begins|ends" marks.
# Prints "NAME COUNT" per suite, in the order of their first report;
# "(boot)" before the first suite, "(between suites)" after one ended.
kernel_log_suites() {
	awk -v mark="$KERNEL_SUITE_MARK" '
		FILENAME == ARGV[1] { bad[$0 + 0] = 1; next }
		FNR == 1 { cur = "(boot)" }
		(i = index($0, mark)) > 0 {
			split(substr($0, i + length(mark)), w, " ")
			sub(/\r$/, "", w[2])
			cur = (w[2] == "begins") ? w[1] : "(between suites)"
		}
		FNR in bad {
			if (!(cur in count))
				order[++n] = cur
			count[cur]++
		}
		END { for (i = 1; i <= n; i++) print order[i], count[order[i]] }' "$1" "$2"
}

# ktap_count < KTAP: print "passed failed skipped" for a (possibly nested)
# KTAP/TAP stream.  Only leaf results are counted (a suite line that sums up
# its cases is not a test itself); a parent that failed without any failed
# child (it crashed, timed out, ...) counts as one failure.  An indent of
# four spaces is one nesting level; "# SKIP" marks a skipped result.
ktap_count() {
	awk '
	{
		sub(/\r$/, "")
		line = $0
		gsub(/\t/, "    ", line)
		match(line, /^ */)
		d = int(RLENGTH / 4)
		rest = substr(line, RLENGTH + 1)
		if (rest ~ /^(not )?ok( |$)/) {
			isok = (rest !~ /^not ok/)
			isskip = (toupper(rest) ~ /#[ \t]*SKIP/)
			if (kids[d + 1]) {
				if (!isok && !isskip && !childfail[d + 1])
					fail++
				kids[d + 1] = 0
				childfail[d + 1] = 0
			} else if (isskip) {
				skip++
			} else if (isok) {
				pass++
			} else {
				fail++
			}
			kids[d] = 1
			if (!isok && !isskip)
				childfail[d] = 1
		} else if (rest ~ /^Bail out!/) {
			fail++
		}
	}
	END { printf "%d %d %d\n", pass, fail, skip }'
}

# sum_results FILE...: add up "name passed failed skipped" lines and print
# the closing line "N passed, N failed[, N skipped]".  A missing FILE (a
# step that did not run, such as the gates with IMPL=upstream) adds nothing.
sum_results() {
	{ cat "$@" 2>/dev/null || :; } | awk '
	NF >= 4 { p += $2; f += $3; s += $4 }
	END {
		line = sprintf("%d passed, %d failed", p, f)
		if (s > 0)
			line = line sprintf(", %d skipped", s)
		print line
		exit (f > 0)
	}'
}
