#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Benchmarks of the mediation hot paths (tests/user/bench.c): builds the
# userspace gcc-bench variant (-O2 and, as in a production kernel, no
# lockdep), counts instructions per operation under callgrind, then
# times every operation (median ns) and writes one table
# with the GVT-style baselines, the memcpy limit and the issue's targets to
# $VMED_BUILD/bench/report.txt (also printed). Targets are reported as
# MET or MISSED; only a failed sanity check of the benchmark fails the run.
#
#   bash scripts/bench.sh              everything (about 5 minutes)
#   BENCH_GROUPS="mmio dma" bash ...   only these groups (mmio ggtt ppgtt
#                                      dma irq scale)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stage "bench: checking dependencies"
need_pkgs make gcc libc6-dev binutils valgrind
ksrc="$(kernel_source_dir)"

user="$VMED_BUILD/user"
out="$VMED_BUILD/bench"
log="$out/build.log"
mkdir -p "$out"
stage "bench: building tests/user gcc-bench (log: $log)"
if ! make -C "$VMED_ROOT/tests/user" KSRC="$ksrc" O="$user" \
	VARIANTS=gcc-bench -j2 all >"$log" 2>&1; then
	die "userspace build failed" "$log"
fi
if grep -E -i 'warning:|error:' "$log" >"$log.warnings"; then
	cat "$log.warnings" >&2
	die "$(wc -l <"$log.warnings") warning(s) in the userspace build" "$log"
fi
bin="$user/gcc-bench/bench"
args=()
if [ -n "${BENCH_GROUPS:-}" ]; then
	args=(-g "$BENCH_GROUPS")
fi

# Instruction counts: each measured region is dumped as <key>@<ops>.
cg="$out/callgrind"
rm -rf "$cg"
mkdir -p "$cg"
stage "bench: instruction counts under callgrind (log: $cg/run.log)"
if ! valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
	--callgrind-out-file="$cg/cg.out" "$bin" -c "${args[@]}" \
	>"$cg/run.log" 2>&1; then
	die "the benchmark failed under callgrind" "$cg/run.log"
fi
counts="$out/instructions.txt"
for f in "$cg"/cg.out.*; do
	awk '/^desc: Trigger: Client Request: /{ n = $5 }
	     /^totals:/{ t = $2 }
	     END { if (n != "") { split(n, a, "@"); print a[1], a[2], t } }' "$f"
done >"$counts"
[ -s "$counts" ] || die "no instruction counts from callgrind" "$cg/run.log"
stage "bench: $(wc -l <"$counts") regions counted ($counts)"

stage "bench: timing (log: $out/run.log)"
report="$out/report.txt"
if ! "$bin" -i "$counts" -o "$report" "${args[@]}" >/dev/null \
	2>"$out/run.log"; then
	cat "$report" 2>/dev/null || true
	die "a sanity check of the benchmark failed" "$out/run.log"
fi
cat "$report"
stage "bench: report in $report"
