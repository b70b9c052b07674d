#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: the whole KVM path, for real. Builds the vmed modules, the
# guest driver and the test VMM; boots Debian's 6.12 kernel under QEMU (TCG,
# with SVM so KVM works inside); there creates vGPUs of both vendors through
# sysfs and mdevctl, runs Debian's QEMU with -accel kvm and the vGPU as
# -device vfio-pci,sysfsdev=..., boots a Linux guest whose driver programs
# the vGPU (GGTT, page tables, MSI, fill and copy workloads), then the fault
# cases; and prints what happened, per vendor, from the shim's counters.
#
#   bash scripts/run.sh          about 3 minutes on 2 cores once packages
#                                are installed
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="$VMED_BUILD/run-e2e.out"
mkdir -p "$VMED_BUILD"
stage "run: the KVM/VFIO end-to-end scenario (scripts/e2e.sh)"
set +e
bash "$VMED_ROOT/scripts/e2e.sh" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
set -e

# value VENDOR RUN NAME: a counter as printed after that run's checks.
value() {
	tr -d '\r' <"$out" | awk -v head="PASS: $1 $2: vmed/ counters present" \
		-v name="vmed/$3" '
		$0 == head { go = 1; next }
		go && /^    vmed\// { if ($1 == name) { print $3; exit } ; next }
		go { exit }'
}

num() {		# num VENDOR RUN NAME: the counter, 0 if it was not printed
	local x
	x=$(value "$@")
	echo "${x:-0}"
}

count() {	# count REGEX: matching lines of the run's output
	tr -d '\r' <"$out" | grep -c -E "$1" || true
}

echo
echo "== What happened =="
for v in vmed_i915 vmed_nvstub; do
	[ "$(count "^PASS: $v: create ")" -gt 0 ] || continue
	tw=$(num "$v" normal tracked_writes)
	sw=$(num "$v" normal stale_writes)
	cat <<TXT
$v (Debian QEMU 7.2, -accel kvm, vfio-pci on an mdev; Linux 6.12 guest):
  vGPUs created        $(count "^PASS: $v: create .* through sysfs") through sysfs, $(count "^PASS: $v: mdevctl start") through mdevctl, $(count "^PASS: $v vmm [a-z-]+: exit 0") more for the test VMM's cases
  write tracking       $( [ "$(value "$v" normal kvm)" = 1 ] && echo "KVM external write tracking" || echo "none (revalidation)")
  page tables shadowed $(value "$v" normal shadowed_tables)
  tracked writes       $tw guest stores reported by KVM's write tracking, $((tw - sw)) of them into shadowed page tables
  DMA mappings         $(value "$v" normal dma_maps) guest pages pinned and mapped, $(value "$v" normal dma_unmaps) released; $(value "$v" normal pinned_pages) left pinned
  interrupts           $(value "$v" normal msi_injected) MSIs delivered to the guest
  guest workloads      $(count "^PASS: $v normal: guest [a-z0-9]+: (fill|copy) verified") verified byte for byte (fill, copy); the guest driver passed $(count "^PASS: $v normal: guest ") checks
  hostile guest        $(( $(num "$v" hostile ggtt_scratch) + $(num "$v" hostile ppgtt_scratch) )) entries beyond guest RAM pointed at scratch, $(num "$v" hostile failures) vGPU failures
  killed guest         QEMU killed mid-workload: $( [ "$(count "^PASS: $v killed: QEMU killed")" -gt 0 ] && echo yes || echo no), pinned pages afterwards: $( [ "$(count "^PASS: $v killed: pinned_pages -eq 0")" -gt 0 ] && echo 0 || echo "not 0")
  test VMM             $(count "^PASS: $v vmm ") checks passed, $(count "^FAIL: $v vmm ") failed (unmap while pinned, removal while open, ...)
TXT
done
echo "Full console (L2 and every guest): $VMED_BUILD/e2e-kvm/console.log"
tr -d '\r' <"$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1
exit "$rc"
