# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
# Helpers shared by the /init scripts of the e2e initramfs images (busybox
# sh).  The host scripts copy this file to /lib/e2e.sh; source it from there.
#
# Every check prints exactly one line, "PASS: <case>" or "FAIL: <case>",
# followed by indented detail lines; the host counts the former.  A failure
# never stops a run: the cases after it still give information.

# Taint bits a test module may set: O (out-of-tree, 4096) and E (unsigned,
# 8192).  Anything else (W = warning, D = oops, ...) is a failure.
TAINT_OK=12288
BAD='WARNING:|BUG:|Oops|Call Trace|general protection|UBSAN|KASAN|refcount_t|corruption|INFO: task|circular locking|Kernel panic'
# Lines that may quote the words above without being a report (a test
# driver's own result lines); empty: none.
DMESG_IGNORE=
# Whole reports (a WARNING:/BUG: block up to the end of its stack trace)
# that are another subsystem's known problem: an extended
# regex any line of the block matches; empty: none.  Such a block is
# named in the details but does not fail the check.  The init scripts
# read /etc/e2e.conf before this file: a value set there stays.
KNOWN_REPORTS=${KNOWN_REPORTS:-}
failed=0
seen=0

# Every verdict marks progress for hang_watchdog.
PROGRESS=/tmp/e2e-progress
pass() { echo "PASS: $*"; : > "$PROGRESS"; }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); : > "$PROGRESS"; }
# check "case" command...: PASS or FAIL by the command's exit status,
# which check returns.  What the command prints comes after the verdict,
# as its details.  It runs in this shell (it may be a function that
# updates state, like dmesg_clean), so its output goes through a file, one
# per nesting level.  Functions keep their variables local: a check's
# command is often one of them, and must not overwrite the case name or a
# caller's loop counter.
check_depth=0
check() {
	local c=$1 out rc=0
	shift
	check_depth=$((check_depth + 1))
	out=/tmp/check.$check_depth
	"$@" > "$out" 2>&1 || rc=$?
	check_depth=$((check_depth - 1))
	if [ $rc -eq 0 ]; then pass "$c"; else fail "$c"; fi
	cat "$out"
	return $rc
}

# What hang_watchdog writes to the kernel log after its blocked-task dump.
HANG_DUMP_END="e2e: end of the blocked-task dump"

# New dmesg lines since the last call must contain nothing from $BAD. The
# hang watchdog's own dump of blocked tasks (sysrq-w: call traces) is not
# a report; the kernel's hung-task reports are.
dmesg_clean() {
	local n
	dmesg > /tmp/dmesg
	n=$(wc -l < /tmp/dmesg)
	sed -n "$((seen + 1)),\$p" /tmp/dmesg |
		sed "/sysrq: Show Blocked State/,/$HANG_DUMP_END/d" > /tmp/dmesg.new
	seen=$n
	if [ -n "$KNOWN_REPORTS" ]; then
		drop_known_reports < /tmp/dmesg.new > /tmp/dmesg.kept
		mv /tmp/dmesg.kept /tmp/dmesg.new
	fi
	grep -E "$BAD" /tmp/dmesg.new |
		grep -v -E "${DMESG_IGNORE:-^\$}" > /tmp/bad
	if [ -s /tmp/bad ]; then
		sed 's/^/    dmesg: /' /tmp/bad
		return 1
	fi
	return 0
}

# stdin to stdout without the report blocks that match $KNOWN_REPORTS; a
# block starts at a WARNING:/BUG: line and ends with its stack trace
# (</TASK>) or an end-of-trace line.  Dropped blocks are named on stderr
# (a check's details).
drop_known_reports() {
	awk -v known="$KNOWN_REPORTS" '
	function flush(drop) {
		if (drop)
			print "    known report (KNOWN_REPORTS): " head > "/dev/stderr"
		else
			for (i = 0; i < nb; i++)
				print block[i]
		nb = 0
		inblock = 0
	}
	/(WARNING|BUG): / && !inblock { inblock = 1; head = $0; hit = 0 }
	inblock {
		block[nb++] = $0
		if ($0 ~ known)
			hit = 1
		if ($0 ~ /<\/TASK>|end trace/)
			flush(hit)
		next
	}
	{ print }
	END { if (inblock) flush(hit) }'
}

# A kmemleak kernel (the sanitizer e2e) must find no leak.  kmemleak only
# reports objects older than 5 s that two scans in a row found
# unreferenced: scan, wait, scan.  On other kernels there is nothing to do.
has_kmemleak() {
	[ -e /sys/kernel/debug/kmemleak ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e /sys/kernel/debug/kmemleak ]
}
# What kmemleak suspects before the test (the kernel's own boot) is not
# the test's: forget it.
kmemleak_baseline() {
	has_kmemleak || return 0
	echo scan > /sys/kernel/debug/kmemleak
	echo clear > /sys/kernel/debug/kmemleak
}
kmemleak_clean() {
	local f=/sys/kernel/debug/kmemleak
	echo scan > $f && sleep 6 && echo scan > $f || return 1
	cat $f > /tmp/kmemleak
	[ -s /tmp/kmemleak ] || return 0
	echo "    $(grep -c '^unreferenced object' /tmp/kmemleak) unreferenced object(s); the first:"
	head -n 40 /tmp/kmemleak | sed 's/^/    kmemleak: /'
	return 1
}

taint_ok() {
	local t
	t=$(cat /proc/sys/kernel/tainted)
	[ $((t & ~TAINT_OK)) -eq 0 ] || { echo "    tainted=$t"; return 1; }
}

load() {	# load name file [param=value...]
	local n=$1 f=$2 out
	shift 2
	if out=$(insmod "$f" "$@" 2>&1) && [ -d "/sys/module/$n" ]; then
		pass "load $n"
	else
		fail "load $n"
		echo "    insmod $f $*: $out"
		dmesg | tail -n 5 | sed 's/^/    dmesg: /'
	fi
}

unload() {	# unload name
	local out
	if out=$(rmmod "$1" 2>&1) && [ ! -d "/sys/module/$1" ]; then
		pass "unload $1"
	else
		fail "unload $1"
		echo "    rmmod $1: $out"
		dmesg | tail -n 5 | sed 's/^/    dmesg: /'
	fi
}

# The mounts every init needs, and the console as stdio.
e2e_mounts() {
	/bin/busybox --install -s /bin
	export PATH=/bin
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mount -t tmpfs tmpfs /tmp
}

e2e_poweroff() {
	sync
	poweroff -f
	echo o > /proc/sysrq-trigger
}

# task_state TASKDIR: one letter (R, S, D, Z, ...) from /proc/PID[/task/TID]/stat.
task_state() {
	sed 's/.*) //; s/ .*//' "$1/stat" 2>/dev/null
}

# task_stacks [PATTERN]: the kernel stack of every task that is running or
# in uninterruptible sleep, and of every task whose name matches the
# extended regex PATTERN in any state: where a stuck run stands.
task_stacks() {
	local t st comm
	for t in /proc/[0-9]*/task/[0-9]*; do
		st=$(task_state "$t")
		comm=$(cat "$t/comm" 2>/dev/null)
		case "$st" in
		R|D) ;;
		I) continue ;;	# idle kernel threads
		*) [ -n "${1:-}" ] && echo "$comm" | grep -q -E "$1" || continue ;;
		esac
		echo "    task ${t#/proc/} ($comm) state $st:"
		sed 's/^/      /' "$t/stack" 2>/dev/null
	done
}

# hang_watchdog SECONDS [PATTERN]: in the background, once no verdict has
# come for SECONDS, print the kernel's view of every busy or blocked task
# (task_stacks PATTERN, then the kernel's own blocked-task dump) between
# E2E-HANG-BEGIN and E2E-HANG-END, once. The host's timeout still ends the
# run; this says where it stood.
hang_watchdog() {
	local limit=$1 pattern=${2:-} now last
	: > "$PROGRESS"
	# Hung tasks are reported by the kernel after a minute, not two.
	echo 60 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
	(
		while sleep 20; do
			now=$(date +%s)
			last=$(stat -c %Y "$PROGRESS" 2>/dev/null) || continue
			[ $((now - last)) -ge "$limit" ] || continue
			echo "E2E-HANG-BEGIN no verdict for ${limit}s"
			task_stacks "$pattern"
			echo w > /proc/sysrq-trigger
			# The dump's end, for dmesg_clean: it is ours.
			echo "$HANG_DUMP_END" > /dev/kmsg
			dmesg | sed -n '/sysrq: Show Blocked State/,$p' |
				tail -n 120 | sed 's/^/    /'
			echo "E2E-HANG-END"
			exit 0
		done
	) &
}

# ---- Scheduling: engine time against wall time.  ctr UUID NAME (each init
# ---- script's) reads a vGPU's vmed/ file.

# engine_sample UUID: "engine_time_ns centiseconds-of-uptime".
engine_sample() {
	echo "$(ctr "$1" engine_time_ns) $(tr -d . < /proc/uptime | cut -d' ' -f1)"
}

# permyriad "NS0 CS0" "NS1 CS1": engine time in ten-thousandths of the
# wall time between two engine_sample results.
permyriad() {
	# shellcheck disable=SC2086 # two words each
	set -- $1 $2
	echo $((($3 - $1) / (($4 - $2) * 1000)))
}

# weights_of PARENT: the sum of the sched_weight of its vGPUs.
weights_of() {
	local sum=0 f
	for f in /sys/class/mdev_bus/"$1"/*/vmed/sched_weight; do
		[ -r "$f" ] && sum=$((sum + $(cat "$f")))
	done
	echo "$sum"
}

# share_check LABEL PARENT A B: B saturates its engine, A is idle. B's
# engine time over 3 s under best effort is printed; then, under fixed
# share with weights 1 (B) and NEIGHBOUR_WEIGHT (A), over 6 s it must be
# its share of the wall time within 5 % (relative): neither starved (what
# it ran before is no debt) nor more. 6 s are 60 periods: a period cut at
# either end of the window is within the tolerance. The device stays
# under fixed share until share_restore PARENT A B. MDEV is
# /sys/bus/mdev/devices.
share_check() {
	local pv=/sys/class/mdev_bus/$2/vmed s0 s1 alone capped share
	SHARE_WEIGHTS="$(ctr "$3" sched_weight) $(ctr "$4" sched_weight)"
	s0=$(engine_sample "$4")
	sleep 3
	s1=$(engine_sample "$4")
	alone=$(permyriad "$s0" "$s1")
	echo fixed_share > "$pv/sched_policy"
	echo 1 > "$MDEV/$4/vmed/sched_weight"
	echo "$NEIGHBOUR_WEIGHT" > "$MDEV/$3/vmed/sched_weight"
	share=$((10000 / $(weights_of "$2")))
	sleep 1
	s0=$(engine_sample "$4")
	sleep 6
	s1=$(engine_sample "$4")
	capped=$(permyriad "$s0" "$s1")
	check "$1: fixed share: $4 alone used ${capped}/10000, its share ${share}/10000 +- 5 %" \
		test "$capped" -ge $((share * 95 / 100)) -a \
		"$capped" -le $((share * 105 / 100))
	echo "    (under best effort it used ${alone}/10000)"
}

# share_restore PARENT A B: best effort and the weights before share_check.
share_restore() {
	echo best_effort > "/sys/class/mdev_bus/$1/vmed/sched_policy"
	# shellcheck disable=SC2086 # two weights
	set -- "$@" $SHARE_WEIGHTS
	echo "$4" > "$MDEV/$2/vmed/sched_weight"
	echo "$5" > "$MDEV/$3/vmed/sched_weight"
}

# counters_note FILE UUID NAME...: the vGPU's counters NAME..., one per
# line, into FILE (ctr UUID NAME is the init script's).
counters_note() {
	local file=$1 u=$2 c
	shift 2
	for c in "$@"; do
		echo "$c $(ctr "$u" "$c")"
	done > "$file"
}

# counters_grown FILE UUID NAME...: how much each counter grew since
# counters_note FILE UUID NAME..., one indented line each.
counters_grown() {
	local file=$1 u=$2 c
	shift 2
	for c in "$@"; do
		echo "$c $(ctr "$u" "$c")"
	done | awk 'NR == FNR { before[$1] = $2; next }
		{ printf "      %s: %d\n", $1, $2 - before[$1] }' "$file" -
}
