#!/usr/bin/env bash
# Build vmed into a UML kernel and run its KUnit suites (vmed_*) with
# KASAN, UBSAN, lockdep (PROVE_LOCKING) and gcov coverage, then print a
# per-suite summary and a closing "<N> passed, <M> failed" line.
#
# usage: scripts/kunit.sh [--no-coverage] [kunit.py run args...]
#   --no-coverage   skip the lcov/genhtml step and the coverage threshold
#                   (the kernel is still built with CONFIG_GCOV, so switching
#                   this flag does not force a rebuild)
#   other args      passed to "kunit.py run", e.g. a suite filter glob:
#                   scripts/kunit.sh --no-coverage 'vmed_vgpu*'
#                   (with extra args the coverage threshold is not enforced)
#
# environment:
#   VMED_BUILD          output dir (default <repo>/build); kernel source,
#                       build dir, logs and coverage report all live there
#   VMED_COVERAGE_MIN   minimum line coverage of core/ in percent (default 85)
#   VMED_KLOG_IGNORE    extended regex; kernel-log lines matching it are not
#                       counted as sanitizer/warning reports (default: none)
#   VMED_VERBOSE=1      show kunit.py's full output (build warnings too)
#
# outputs (under $VMED_BUILD):
#   kunit.log               everything kunit.py printed, then the raw kernel console
#   kunit/                  the O= build dir (kept: warm re-runs are incremental)
#   kunit-results.json      parsed results (KernelCI JSON from kunit.py)
#   coverage/core.info      lcov data for the repo's core/ files
#   coverage/html/          genhtml report
#
# Config: tests/kunit/vmed.kunitconfig (vmed + sanitizers + lockdep) plus
# tests/kunit/overlay/uml.kunitconfig (UML-only bits and CONFIG_GCOV).
# KASAN and gcov work together in one UML build (checked with gcc 12 and
# Debian's 6.12), so there is a single build dir and a single boot; two
# small fix-ups make UML gcov work at all, see "gcov fix-ups" below.
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

coverage=1
kunit_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-coverage) coverage=0 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; kunit_args+=("$@"); break ;;
	*) kunit_args+=("$1") ;;
	esac
	shift
done

COV_MIN="${VMED_COVERAGE_MIN:-85}"
KBUILD_DIR="$VMED_BUILD/kunit"
LOG="$VMED_BUILD/kunit.log"
JSON="$VMED_BUILD/kunit-results.json"
COV_DIR="$VMED_BUILD/coverage"
KUNITCONFIG="$VMED_ROOT/tests/kunit/vmed.kunitconfig"
OVERLAY_SRC="$VMED_ROOT/tests/kunit/overlay"
UML_KUNITCONFIG="$OVERLAY_SRC/uml.kunitconfig"

mkdir -p "$VMED_BUILD"
# Two runs sharing one build dir would trample each other.
exec 9>"$VMED_BUILD/.kunit.lock"
if ! flock -n 9; then
	stage "another kunit.sh run holds $VMED_BUILD; waiting"
	flock 9
fi

# ---------------------------------------------------------------- packages
stage "checking packages"
pkgs=(build-essential flex bison bc perl python3 xz-utils libelf-dev)
[ "$coverage" = 1 ] && pkgs+=(lcov)
need_pkgs "${pkgs[@]}"

# ---------------------------------------------------------------- source
KSRC="$(kernel_source_dir)" || exit 1
KUNIT_PY="$KSRC/tools/testing/kunit/kunit.py"
[ -f "$KUNIT_PY" ] || die "kunit.py not found in $KSRC"

# ---------------------------------------------------------------- overlay
# $KSRC/drivers/vmed/{Kconfig,Makefile} come from tests/kunit/overlay; core,
# include, tests, vendors and shims are symlinks into this repo, so kbuild
# compiles the repo's files in place (objects go to the O= build dir).
# Everything is only touched when it changed, so warm runs don't rebuild
# needlessly.
copy_if_changed() {
	cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}
link_if_changed() {
	local target="$1" link="$2"
	if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then
		return 0
	fi
	rm -rf "$link"
	ln -s "$target" "$link"
}
append_once() {
	grep -qxF "$2" "$1" || printf '%s\n' "$2" >> "$1"
}

stage "installing vmed overlay into $KSRC/drivers/vmed"
vd="$KSRC/drivers/vmed"
mkdir -p "$vd"
copy_if_changed "$OVERLAY_SRC/Kconfig" "$vd/Kconfig"
copy_if_changed "$OVERLAY_SRC/Makefile" "$vd/Makefile"
for sub in core include tests vendors shims; do
	[ -d "$VMED_ROOT/$sub" ] || die "repo has no $sub/ directory ($VMED_ROOT/$sub)"
	link_if_changed "$VMED_ROOT/$sub" "$vd/$sub"
done
append_once "$KSRC/drivers/Kconfig" 'source "drivers/vmed/Kconfig"'
append_once "$KSRC/drivers/Makefile" 'obj-y += vmed/'

# gcov fix-ups (1/2), for the unpacked tree: gcc (7+) writes the .gcda files
# from per-object destructors placed in .fini_array.00100, but the 6.12 UML
# linker scripts only collect plain .fini_array, so those destructors never
# run and no coverage data appears.  Collect the prioritised entries too
# (same layout as GNU ld's default script).  Skipped once the tree has it.
for lds in arch/um/include/asm/common.lds.S arch/um/kernel/dyn.lds.S; do
	f="$KSRC/$lds"
	[ -f "$f" ] || continue
	if ! grep -qF '.fini_array.*' "$f"; then
		sed -i 's/\*(\.fini_array)/KEEP(*(SORT_BY_INIT_PRIORITY(.fini_array.*))) &/' "$f"
		grep -qF '.fini_array.*' "$f" || die "could not patch $f for gcov"
	fi
done

# ---------------------------------------------------------------- run
# Stale outputs from an earlier run must not be mistaken for this run's.
rm -f "$JSON" "$KBUILD_DIR/test.log"
if [ -d "$KBUILD_DIR" ]; then
	find "$KBUILD_DIR" -name '*.gcda' -delete
fi

# gcov fix-ups (2/2): gcc's libgcov.a (gcc 12 at least) exports a global mangle_path() that
# clashes with the kernel's fs/seq_file.c one when UML links vmlinux with
# --coverage ("multiple definition of `mangle_path'").  Renaming the
# kernel's symbol with a macro avoids patching the source; it is always
# passed so the make command line (and thus the build) stays stable.
kunit_cmd=(python3 "$KUNIT_PY" run
	--build_dir="$KBUILD_DIR"
	--jobs="$(nproc)"
	--kunitconfig="$KUNITCONFIG"
	--kunitconfig="$UML_KUNITCONFIG"
	--make_options="KCFLAGS=-Dmangle_path=kernel_seq_mangle_path"
	--json="$JSON"
	"${kunit_args[@]}")

stage "kunit.py run: configure, build (cold: ~9 min), boot UML; log: $LOG"
{
	printf '$ cd %s && %s\n' "$KSRC" "${kunit_cmd[*]}"
	printf 'started %s\n' "$(date -Is)"
} > "$LOG"
set +e
if [ "${VMED_VERBOSE:-0}" = 1 ]; then
	(cd "$KSRC" && "${kunit_cmd[@]}" </dev/null) 2>&1 | tee -a "$LOG"
	kunit_rc=${PIPESTATUS[0]}
else
	# Terminal: only kunit.py's own timestamped progress/result lines.
	(cd "$KSRC" && "${kunit_cmd[@]}" </dev/null) 2>&1 | tee -a "$LOG" |
		grep --line-buffered -E '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]'
	kunit_rc=${PIPESTATUS[0]}
fi
set -e

RAW="$KBUILD_DIR/test.log"
if [ -f "$RAW" ]; then
	{
		printf '\n===== raw kernel console (%s) =====\n' "$RAW"
		cat "$RAW"
	} >> "$LOG"
fi
stage "kunit.py exited with $kunit_rc"

if [ ! -s "$RAW" ]; then
	die "kunit.py failed before the kernel ran (config or build error)" "$LOG"
fi
if [ ! -s "$JSON" ]; then
	die "kunit.py produced no results ($JSON missing); kernel did not run or crashed early" "$LOG"
fi

fail_reasons=()
[ "$kunit_rc" -eq 0 ] || fail_reasons+=("kunit.py exited with $kunit_rc (failed, crashed or missing tests)")

# ---------------------------------------------------------------- results
# Per suite: count leaf test cases (parameterised cases count per parameter,
# as kunit.py does).  Last line of output: "<passed> <failed> <skipped>".
results="$(python3 - "$JSON" <<'PY'
import json, sys

with open(sys.argv[1]) as f:
    top = json.load(f)

def leaves(group, path):
    for case in group.get("test_cases", []):
        yield path + [case["name"]], case["status"]
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, path + [sub["name"]])

rows = []
# Suites are the top-level sub_groups; a suite that crashed before it
# reported any case appears as a bare top-level test case.
for case in top.get("test_cases", []):
    rows.append((case["name"], [([case["name"]], case["status"])]))
for suite in top.get("sub_groups", []):
    rows.append((suite["name"], list(leaves(suite, [suite["name"]]))))

tp = tf = ts = 0
width = max([len(n) for n, _ in rows] + [10])
for name, cases in rows:
    p = sum(1 for _, s in cases if s == "PASS")
    sk = sum(1 for _, s in cases if s == "SKIP")
    fl = len(cases) - p - sk
    tp, tf, ts = tp + p, tf + fl, ts + sk
    tag = "FAIL" if fl else "ok"
    extra = f", {sk} skipped" if sk else ""
    print(f"  {tag:4}  {name:{width}}  {p} passed, {fl} failed{extra}")
    for path, s in cases:
        if s not in ("PASS", "SKIP"):
            label = ".".join(path)
            if not path[-1]:
                label += "<no result line: crashed, or never ran after a crash>"
            print(f"          {s}: {label}")
if not rows:
    print("  (no test suites in the results)")
print(tp, tf, ts)
PY
)" || die "could not parse $JSON" "$LOG"
read -r n_pass n_fail n_skip <<<"$(tail -n 1 <<<"$results")"
suite_table="$(sed '$d' <<<"$results")"

[ "$n_fail" -eq 0 ] || fail_reasons+=("$n_fail test case(s) failed")
if [ $((n_pass + n_fail + n_skip)) -eq 0 ]; then
	fail_reasons+=("no test cases ran (is CONFIG_VMED_KUNIT_TEST built? filter too narrow?)")
fi

# ---------------------------------------------------------------- kernel log
# Any sanitizer / lockdep / WARN / BUG / Oops report fails the run, even if
# every test case passed.
klog_pattern='BUG: KASAN|UBSAN:|WARNING: possible|\bBUG:|kernel BUG at|Oops|\bWARNING:|Kernel panic|general protection fault|Segfault with no mm'
klog_hits="$(grep -nE "$klog_pattern" "$RAW" || true)"
if [ -n "$klog_hits" ] && [ -n "${VMED_KLOG_IGNORE:-}" ]; then
	klog_hits="$(grep -vE "$VMED_KLOG_IGNORE" <<<"$klog_hits" || true)"
fi
if [ -n "$klog_hits" ]; then
	n_hits="$(wc -l <<<"$klog_hits")"
	fail_reasons+=("kernel log has $n_hits sanitizer/lockdep/WARN/BUG line(s) (see $RAW)")
fi

# Compiler warnings in vmed's files (tests included) fail the run as they
# do in the module build; gcc names our file just before each warning.
n_warn="$(awk '/drivers\/vmed\//{ ctx = 4 } /warning:/{ if (ctx > 0) n++ }
	{ if (ctx > 0) ctx-- } END { print n + 0 }' "$LOG")"
[ "$n_warn" -eq 0 ] ||
	fail_reasons+=("$n_warn compiler warning(s) in vmed's files (see $LOG)")

# ---------------------------------------------------------------- coverage
# collect_coverage: lcov/genhtml for the repo's core/ files.  Sets cov_files
# (per-file lines), cov_hit, cov_found, cov_pct; on trouble sets cov_error
# and returns 1 (the run then fails, but the summary is still printed).
collect_coverage() {
	local gcda_dir="$KBUILD_DIR/drivers/vmed/core" cov_log="$COV_DIR/lcov.log"
	local lcov_rc=(--rc lcov_branch_coverage=1)
	rm -rf "$COV_DIR"
	mkdir -p "$COV_DIR"
	if ! find "$gcda_dir" -name '*.gcda' 2>/dev/null | grep -q .; then
		cov_error="no .gcda files in $gcda_dir: UML did not write coverage data (did it exit cleanly?)"
		return 1
	fi
	if ! lcov --capture --directory "$gcda_dir" --base-directory "$KSRC" \
		--output-file "$COV_DIR/raw.info" "${lcov_rc[@]}" >"$cov_log" 2>&1; then
		cov_error="lcov --capture failed (log: $cov_log)"
		return 1
	fi
	# gcc compiled the sources through the overlay symlinks, so the .gcno
	# files name $KSRC/drivers/vmed/core/x.c: map those back to the repo.
	sed -i -e "s#^SF:$KSRC/drivers/vmed/#SF:$VMED_ROOT/#" "$COV_DIR/raw.info"
	if ! lcov --extract "$COV_DIR/raw.info" "$VMED_ROOT/core/*" \
		--output-file "$COV_DIR/core.info" "${lcov_rc[@]}" >>"$cov_log" 2>&1 ||
		! grep -q '^SF:' "$COV_DIR/core.info"; then
		cov_error="no coverage records for $VMED_ROOT/core/ (log: $cov_log)"
		return 1
	fi
	if ! genhtml --quiet --prefix "$VMED_ROOT" --title "vmed core (KUnit)" \
		--branch-coverage --output-directory "$COV_DIR/html" \
		"$COV_DIR/core.info" >>"$cov_log" 2>&1; then
		cov_error="genhtml failed (log: $cov_log)"
		return 1
	fi
	# Per-file and total line coverage straight from the tracefile.
	cov_files="$(awk -v root="$VMED_ROOT/" '
		/^SF:/ { f = substr($0, 4); sub("^" root, "", f); lf = lh = 0 }
		/^LF:/ { lf = substr($0, 4) }
		/^LH:/ { lh = substr($0, 4) }
		/^end_of_record/ { printf "    %-40s %5.1f%% (%d/%d)\n", f, lf ? 100 * lh / lf : 100, lh, lf }
	' "$COV_DIR/core.info")"
	read -r cov_hit cov_found <<<"$(awk -F: '
		/^LH:/ { h += $2 } /^LF:/ { f += $2 } END { print h + 0, f + 0 }' "$COV_DIR/core.info")"
	if [ "$cov_found" -eq 0 ]; then
		cov_error="no instrumented lines in core/"
		return 1
	fi
	cov_pct="$(awk -v h="$cov_hit" -v f="$cov_found" 'BEGIN { printf "%.1f", 100 * h / f }')"
}

cov_line="" cov_files="" cov_error=""
if [ "$coverage" = 1 ] && grep -q 'Kernel panic' "$RAW"; then
	# Counters are written only when UML exits normally; after a panic any
	# .gcda files are incomplete.
	stage "coverage: skipped, the kernel panicked (no valid coverage data)"
	coverage=0
fi
if [ "$coverage" = 1 ]; then
	stage "coverage: lcov capture of $KBUILD_DIR/drivers/vmed/core"
	if collect_coverage; then
		cov_line="coverage core/: ${cov_pct}% of lines (${cov_hit}/${cov_found})"
		if [ ${#kunit_args[@]} -gt 0 ]; then
			cov_line+="  [threshold ${COV_MIN}% not enforced: partial run]"
		elif awk -v p="$cov_pct" -v m="$COV_MIN" 'BEGIN { exit !(p + 0 < m + 0) }'; then
			fail_reasons+=("coverage ${cov_pct}% of core/ lines is below VMED_COVERAGE_MIN=${COV_MIN}%")
		fi
	else
		fail_reasons+=("coverage: $cov_error")
	fi
fi

# ---------------------------------------------------------------- summary
stage "summary"
printf '%s\n' "$suite_table"
if [ -n "$klog_hits" ]; then
	echo "kernel log reports (first 20; full log: $RAW):"
	head -n 20 <<<"$klog_hits" | sed 's/^/    /'
fi
if [ -n "$cov_line" ]; then
	printf '%s\n' "$cov_files"
	echo "coverage HTML: $COV_DIR/html/index.html"
	echo "$cov_line"
fi
echo "log: $LOG"
for r in "${fail_reasons[@]}"; do
	echo "FAIL: $r"
done
echo "skipped: $n_skip"
echo "$n_pass passed, $n_fail failed"
if [ ${#fail_reasons[@]} -ne 0 ]; then
	exit 1
fi
exit 0
