#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The real-hypervisor end-to-end tests with the vmed modules on a kernel
# built with KASAN, UBSAN, lockdep and kmemleak (scripts/sanitizer-kernel.sh,
# cached in build/sanitizer-kernel): make e2e (the kernel is L2, which runs
# KVM, VFIO and vmed_kvm) and make e2e-xen (the kernel is dom0, which runs
# vmed_xen; built without KASAN, which a Xen PV domain cannot run).  The
# guests keep Debian's kernel.  Any sanitizer report in
# the host's log fails the run (the e2e tests' "dmesg clean" cases), and
# a kmemleak scan after the modules are unloaded must find nothing.
#
#   bash scripts/e2e-sanitizers.sh                      both suites
#   E2E_SANITIZER_SUITES="e2e" bash ...                 only some of them
#
# Not part of make check: the kernel build alone takes about an hour on
# two cores.  Ends with "N passed, N failed" over both suites; their logs
# are in build/sanitizers/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SUITES="${E2E_SANITIZER_SUITES:-e2e e2e-xen}"

# The suites' outputs (and the module build log) go beside the ordinary
# runs' rather than over them.
OUT="$VMED_BUILD/sanitizers"
mkdir -p "$OUT"

# The vmed modules are built in the source tree: put back the ones for
# Debian's kernel afterwards, whatever happened.
restore_modules() {
	stage "e2e-sanitizers: rebuilding the vmed modules for Debian's kernel"
	env -u VMED_HOST_KERNEL bash "$VMED_ROOT/scripts/modules.sh" >/dev/null ||
		warn "rebuilding the modules for Debian's kernel failed"
}
trap restore_modules EXIT

# The host kernel is several times slower with the sanitizers, and so is
# every exit it handles: the harnesses' own waits get longer (their
# defaults are at the top of tests/e2e/kvm/init-host and xen/init-host).
cat >"$OUT/slow-host.conf" <<'EOF'
L3_TIMEOUT=480
KILL_WAIT=180
REMOVE_TIMEOUT=120
GUEST_TIMEOUT=1200
BUSY_WAIT=600
UNBIND_WAIT=60
EOF

passed=0
failed=0
for s in $SUITES; do
	# Xen's PV dom0 cannot run KASAN (scripts/sanitizer-kernel.sh).
	case "$s" in
	# Both vendors with the test VMM's cases twice (type1, iommufd) and
	# the two-guest runs: about 6 cases a minute on KASAN, over two hours.
	e2e) timeout=9000 kasan=1 kernel="$VMED_BUILD/sanitizer-kernel" ;;
	e2e-xen) timeout=5400 kasan=0 kernel="$VMED_BUILD/sanitizer-kernel-nokasan" ;;
	*) die "E2E_SANITIZER_SUITES: unknown suite $s" ;;
	esac
	cp "$OUT/slow-host.conf" "$OUT/$s.conf"
	# (xen_gntdev's own lock inversion, which every dom0 daemon's first
	# grant mapping would report, is patched out of lockdep's view in the
	# sanitizer kernel: scripts/sanitizer-kernel-patches/.)
	# vfio_iommu_type1's own lock order: registering a device takes
	# iommu->lock then device_list_lock, while VFIO_IOMMU_UNMAP_DMA holds
	# device_list_lock across the drivers' dma_unmap callbacks, which must
	# unpin (vfio_unpin_pages() takes iommu->lock).  Any mdev driver that
	# pins closes that cycle; lockdep reports it on the first unmap with
	# pages pinned (the test VMM's unmap-pinned case, run last so that
	# lockdep has checked everything else), through vmed's vGPU lock.
	# iommufd has no such lock.
	# And KVM's: the first external write tracker of a VM makes
	# kvm_page_track_register_notifier() allocate tracking state in
	# every memslot, walking them under slots_arch_lock without
	# kvm->srcu or slots_lock ("suspicious RCU usage", kvm_host.h).
	# KVMGT makes the same call the same way; the fix belongs in KVM.
	[ "$s" = e2e ] && echo "KNOWN_REPORTS='iommu->device_list_lock|kvm_page_track_register_notifier.0x'" >>"$OUT/$s.conf"
	# Not the two-guest run: a guest saturating the engine of a KASAN
	# host leaves that host silent past any stall limit (the scheduler's
	# paths run under KASAN and lockdep in KUnit).
	[ "$s" = e2e ] && echo 'RUNS="normal hostile killed linux-i915 vmm error persistent"' >>"$OUT/$s.conf"
	SANITIZER_KASAN=$kasan bash "$VMED_ROOT/scripts/sanitizer-kernel.sh"
	VMED_HOST_KERNEL="$kernel"
	export VMED_HOST_KERNEL
	stage "e2e-sanitizers: $s on $(cat "$VMED_HOST_KERNEL/kver") (timeout ${timeout}s)"
	rc=0
	# A live host prints within L3_TIMEOUT + 120 s (its hang watchdog):
	# only a host silent for longer has stalled (scripts/lib.sh).
	VMED_BUILD="$OUT" E2E_TIMEOUT=$timeout E2E_CONF="$OUT/$s.conf" \
		STALL_SECONDS=720 bash "$VMED_ROOT/scripts/$s.sh" \
		2>&1 | tee "$OUT/$s.out" || rc=$?
	summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT/$s.out" | tail -n 1)"
	if [ -z "$summary" ]; then
		failed=$((failed + 1))
		stage "e2e-sanitizers: $s ended without a result (exit $rc; $OUT/$s.out)"
		continue
	fi
	p=${summary%% passed*}
	f=${summary#*passed, }
	f=${f%% failed}
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$rc" -ne 0 ] && [ "$f" = 0 ] && failed=$((failed + 1))
	stage "e2e-sanitizers: $s: $summary (exit $rc)"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
