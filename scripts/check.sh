#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every test vmed has, in one run: the module build gates (W=1, sparse),
# checkpatch, the documentation build (kernel-doc, Sphinx), DKMS, the
# KUnit suites under UML with KASAN, UBSAN, lockdep and coverage, the
# userspace build and its fuzz targets (60 s each), the real-kernel smoke
# test in QEMU, the KVM/VFIO end-to-end test (nested KVM, Debian's QEMU, a
# Linux guest driving vGPUs of both vendors, fault cases), the real-Xen
# smoke test and the Xen end-to-end test (Xen 4.17 in QEMU, HVM guests
# served by vmed_xen). Prints a line per gate and suite and ends with
# "N passed, N failed" (KUnit cases and real-kernel checks, plus one per
# gate).
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

# suite NAME SLUG command...: a test run ending in "N passed, N failed";
# its cases count one by one. A run that fails without such a line, or
# exits non-zero with 0 failed, counts as one failure.
suite() {
	local name="$1" out="$VMED_BUILD/check-$2.out" rc summary sp sf=0
	shift 2
	stage "check: $name"
	mkdir -p "$VMED_BUILD"
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)"
	if [ -n "$summary" ]; then
		sp=${summary%% passed*}
		sf=${summary#*passed, }
		sf=${sf%% failed}
		passed=$((passed + sp))
		failed=$((failed + sf))
		results+=("$([ "$sf" = 0 ] && echo PASS || echo FAIL)  $name: $sp passed, $sf failed")
	fi
	if [ "$rc" -ne 0 ] && [ "$sf" = 0 ]; then
		failed=$((failed + 1))
		results+=("FAIL  $name (exit $rc; see $out)")
	fi
}

gate "modules build with W=1 and sparse, zero warnings" \
	bash "$VMED_ROOT/scripts/modules.sh"
gate "checkpatch --strict on every source file" \
	bash "$VMED_ROOT/scripts/checkpatch.sh"
gate "documentation: kernel-doc -Wall, sphinx-build -W, names match the code" \
	bash "$VMED_ROOT/scripts/docs.sh"
suite "DKMS add/build/install/remove with Debian's dkms" dkms \
	bash "$VMED_ROOT/scripts/dkms.sh"
suite "KUnit (UML, KASAN, UBSAN, lockdep, coverage)" kunit \
	bash "$VMED_ROOT/scripts/kunit.sh"
suite "userspace build of core and vendors (gcc, clang; ASan, UBSan)" user \
	bash "$VMED_ROOT/scripts/user.sh"
suite "libFuzzer targets, 60 s each (ASan, UBSan, invariants)" fuzz \
	env FUZZ_SECONDS=60 bash "$VMED_ROOT/scripts/fuzz.sh"
suite "real-kernel smoke test (Debian 6.12 in QEMU)" e2e-boot \
	bash "$VMED_ROOT/scripts/e2e-boot.sh"
suite "KVM/VFIO end to end (nested KVM, QEMU, Linux guest)" e2e \
	bash "$VMED_ROOT/scripts/e2e.sh"
suite "real-Xen smoke test (Xen 4.17 in QEMU, PV dom0)" e2e-xen-smoke \
	bash "$VMED_ROOT/scripts/e2e-xen-smoke.sh"
suite "Xen end to end (Xen 4.17 in QEMU, HVM guests, ioreq server)" e2e-xen \
	bash "$VMED_ROOT/scripts/e2e-xen.sh"
suite "Xen and VFIO frontends as peers (Xen 4.17 in QEMU)" e2e-xen-peers \
	bash "$VMED_ROOT/scripts/e2e-xen-peers.sh"

echo
echo "== vmed check summary =="
printf '  %s\n' "${results[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
