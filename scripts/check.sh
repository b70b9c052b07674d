#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test vmed has, in one run: the module build gates (W=1, sparse),
# checkpatch, and the KUnit suites under UML with KASAN, UBSAN, lockdep and
# coverage. Prints a line per gate and suite and ends with
# "N passed, N failed" (KUnit test cases plus one per gate).
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

echo
echo "== vmed check summary =="
printf '  %s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
