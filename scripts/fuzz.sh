#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The libFuzzer targets of tests/fuzz: builds them with clang (ASan, UBSan,
# coverage) against the kernel source tree kernel_source_dir unpacks, then
# runs each for FUZZ_SECONDS (default 60) on a copy of its seed corpus in
# $VMED_BUILD/fuzz/work/<target> (the repository is not modified). One
# line per target: executions, coverage (cov/ft), corpus size, PASS or
# FAIL; a crash prints its reproducer and the start of the report. Ends
# with "N passed, N failed".
#
#   bash scripts/fuzz.sh                      every target, 60 s each
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh     longer
#   FUZZ_TARGETS="cmd xen" bash scripts/fuzz.sh   only these
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-mmio gtt cmd gpfifo xen}"
case "$seconds" in
'' | *[!0-9]*) die "FUZZ_SECONDS must be a number of seconds, not '$seconds'" ;;
esac

stage "fuzz: checking build dependencies"
need_pkgs make clang libclang-rt-14-dev libc6-dev binutils
ksrc="$(kernel_source_dir)"

out="$VMED_BUILD/fuzz"
log="$out/build.log"
mkdir -p "$out"
stage "fuzz: building the targets (log: $log)"
if ! make -C "$VMED_ROOT/tests/fuzz" KSRC="$ksrc" O="$out" -j2 all \
	>"$log" 2>&1; then
	die "fuzz target build failed" "$log"
fi
if grep -E -i 'warning:|error:' "$log" >"$log.warnings"; then
	cat "$log.warnings" >&2
	die "$(wc -l <"$log.warnings") warning(s) in the fuzz build" "$log"
fi

np=0
nf=0
for t in $targets; do
	bin="$out/bin/fuzz_$t"
	work="$out/work/$t"
	crashes="$out/crashes/$t"
	res="$out/work/$t.log"
	[ -x "$bin" ] || die "no fuzz target '$t'"
	rm -rf "$work" "$crashes"
	mkdir -p "$work" "$crashes"
	cp "$VMED_ROOT/tests/fuzz/corpus/$t/"* "$work/"
	stage "fuzz: $t for ${seconds}s"
	rc=0
	# One process (2 cores, and a long test may share them); the leak
	# checker is off: the harness checks the kernel code's memory itself.
	ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
		"$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=3072 \
		-print_final_stats=1 -artifact_prefix="$crashes/" \
		"$work" >"$res" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$res" | tail -n 1)
	line=$(grep -E '^#[0-9]+' "$res" | grep -E 'cov: ' | tail -n 1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$line")
	corp=$(find "$work" -type f | wc -l)
	summary="$t: ${execs:-?} executions, cov ${cov:-?}, ft ${ft:-?}, corpus $corp"
	repro=$(find "$crashes" -type f | head -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$repro" ]; then
		echo "PASS: $summary"
		np=$((np + 1))
		continue
	fi
	echo "FAIL: $summary (exit $rc)"
	[ -n "$repro" ] && echo "  reproducer: $repro" &&
		echo "  reproduce:  $bin $repro"
	echo "  full log: $res"
	grep -E -m 1 -A 12 'vmed-fuzz: invariant|ERROR: |runtime error|WARNING' \
		"$res" | sed 's/^/  | /' || tail -n 15 "$res" | sed 's/^/  | /'
	nf=$((nf + 1))
done
echo "$np passed, $nf failed"
[ "$nf" -eq 0 ]
