#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test vmed has, in one run: the module build gates (W=1, sparse),
# checkpatch, the KUnit suites under UML with KASAN, UBSAN, lockdep and
# coverage, and the real-kernel smoke test in QEMU. Prints a line per gate
# and suite and ends with "N passed, N failed" (KUnit cases and real-kernel
# checks, plus one per gate).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

passed=0
failed=0
results=()

gate() {
	local name="$1"
	shift
	stage "check: $name"
	if "$@"; then
		passed=$((passed + 1))
		results+=("PASS  $name")
	else
		failed=$((failed + 1))
		results+=("FAIL  $name")
	fi
}

gate "modules build with W=1 and sparse, zero warnings" \
	bash "$VMED_ROOT/scripts/modules.sh"
gate "checkpatch --strict on every source file" \
	bash "$VMED_ROOT/scripts/checkpatch.sh"

stage "check: KUnit suites (UML, KASAN, UBSAN, lockdep, coverage)"
kunit_out="$VMED_BUILD/check-kunit.out"
mkdir -p "$VMED_BUILD"
bash "$VMED_ROOT/scripts/kunit.sh" 2>&1 | tee "$kunit_out"
kunit_rc=${PIPESTATUS[0]}
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$kunit_out" | tail -n 1)"
if [ -n "$summary" ]; then
	kp=${summary%% passed*}
	kf=${summary#*passed, }
	kf=${kf%% failed}
	passed=$((passed + kp))
	failed=$((failed + kf))
	results+=("$([ "$kf" = 0 ] && echo PASS || echo FAIL)  KUnit: $kp passed, $kf failed")
fi
# A sanitizer report, a crash or missed coverage fails the run even when
# every case passed.
if [ "$kunit_rc" -ne 0 ] && { [ -z "$summary" ] || [ "${kf:-0}" = 0 ]; }; then
	failed=$((failed + 1))
	results+=("FAIL  KUnit run (exit $kunit_rc; see $kunit_out)")
fi

stage "check: real-kernel smoke test (Debian 6.12 in QEMU: load, register, unload)"
e2e_out="$VMED_BUILD/check-e2e-boot.out"
bash "$VMED_ROOT/scripts/e2e-boot.sh" 2>&1 | tee "$e2e_out"
e2e_rc=${PIPESTATUS[0]}
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$e2e_out" | tail -n 1)"
ef=0
if [ -n "$summary" ]; then
	ep=${summary%% passed*}
	ef=${summary#*passed, }
	ef=${ef%% failed}
	passed=$((passed + ep))
	failed=$((failed + ef))
	results+=("$([ "$ef" = 0 ] && echo PASS || echo FAIL)  real kernel: $ep passed, $ef failed")
fi
if [ "$e2e_rc" -ne 0 ] && [ "$ef" = 0 ]; then
	failed=$((failed + 1))
	results+=("FAIL  real-kernel smoke test (exit $e2e_rc; see $e2e_out)")
fi

echo
echo "== vmed check summary =="
printf '  %s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
