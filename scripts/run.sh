#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job: the same vendor backends under both hypervisors, for real.
#
# 1. KVM (scripts/e2e.sh): Debian's 6.12 kernel under QEMU (TCG, with SVM
#    so KVM works inside) creates vGPUs of both vendors through sysfs and
#    mdevctl, runs Debian's QEMU with -accel kvm and the vGPU as
#    -device vfio-pci,sysfsdev=..., boots a Linux guest whose driver
#    programs the vGPU (GGTT, page tables, MSI, fill and copy workloads),
#    then a hostile guest, a killed one and the test VMM's fault cases.
# 2. Xen (scripts/e2e-xen.sh): Debian's Xen 4.17 under QEMU with the same
#    kernel as its dom0 creates vGPUs through mdev, binds each to a Linux
#    HVM guest made with xl, and the same guest driver runs on it, served
#    by vmed_xen as the guest's ioreq server.  Only the normal guest and
#    one with Linux's own i915 run here (RUN_XEN_RUNS to change that; make
#    e2e-xen runs them all).
# Under both, Linux's own i915 also drives an i915 vGPU and runs
# workloads through its uAPI (tests/gem).
#
# Then it prints what happened, per hypervisor and vendor.
#
#   bash scripts/run.sh          about 14 minutes on 2 cores (estimated) once packages
#                                are installed
#   RUN_XEN_RUNS="normal hostile linux-i915 destroyed unbound" bash scripts/run.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kvm_out="$VMED_BUILD/run-e2e.out"
xen_out="$VMED_BUILD/run-e2e-xen.out"
mkdir -p "$VMED_BUILD"
set +e
stage "run: 1/2 KVM: the KVM/VFIO end-to-end scenario (scripts/e2e.sh)"
bash "$VMED_ROOT/scripts/e2e.sh" 2>&1 | tee "$kvm_out"
kvm_rc=${PIPESTATUS[0]}
stage "run: 2/2 Xen: HVM guests on vGPUs served by vmed_xen (scripts/e2e-xen.sh)"
E2E_XEN_RUNS="${RUN_XEN_RUNS:-normal linux-i915}" bash "$VMED_ROOT/scripts/e2e-xen.sh" 2>&1 |
	tee "$xen_out"
xen_rc=${PIPESTATUS[0]}
set -e

# value OUT VENDOR RUN NAME: a counter as printed after that run's checks.
value() {
	tr -d '\r' <"$1" | awk -v head="PASS: $2 $3: vmed/ counters present" \
		-v name="vmed/$4" '
		$0 == head { go = 1; next }
		go && /^    vmed\// { if ($1 == name) { print $3; exit } ; next }
		go { exit }'
}

num() {		# num OUT VENDOR RUN NAME: the counter, 0 if it was not printed
	local x
	x=$(value "$@")
	echo "${x:-0}"
}

count() {	# count OUT REGEX: matching lines of the run's output
	tr -d '\r' <"$1" | grep -c -E "$2" || true
}

# xen_numbers VENDOR RUN: vmed_xen's summary of that run's binding as
# "ioreqs buffered config mmio tracked pio msis hostile" (shims/xen/README).
xen_numbers() {
	tr -d '\r' <"$xen_out" | awk -v head="PASS: $1 $2: vmed_xen summed up the binding" '
		$0 == head { getline; print; exit }' |
		sed -n -E 's/.*: ([0-9]+) ioreqs, ([0-9]+) buffered; accesses: ([0-9]+) config, ([0-9]+) MMIO, ([0-9]+) tracked writes, ([0-9]+) port I\/O; ([0-9]+) MSIs; ([0-9]+) hostile requests$/\1 \2 \3 \4 \5 \6 \7 \8/p'
}

yes_no() { [ "$(count "$1" "$2")" -gt 0 ] && echo "$3" || echo "$4"; }

# linux_i915 OUT: how Linux's own i915 fared on the i915 vGPU, if it ran.
linux_i915() {
	local o=$1 p="vmed_i915 linux-i915" w
	[ "$(count "$o" "^(PASS|FAIL): $p: ")" -gt 0 ] || return 0
	w="^(PASS|FAIL): $p: L3: i915 uAPI: (render|blitter): "
	echo "  Linux's i915         bound the vGPU: $(yes_no "$o" "^PASS: $p: L3: i915 bound the vGPU" yes no), no *ERROR*: $(yes_no "$o" "^PASS: $p: L3: i915 logged no" yes no); workloads through its uAPI verified: $(count "$o" "${w/(PASS|FAIL)/PASS}") of $(count "$o" "$w") (render, blitter)"
}

echo
echo "== What happened =="
o=$kvm_out
for v in vmed_i915 vmed_nvstub; do
	[ "$(count $o "^PASS: $v: create ")" -gt 0 ] || continue
	tw=$(num $o "$v" normal tracked_writes)
	sw=$(num $o "$v" normal stale_writes)
	cat <<TXT
$v on KVM (Debian QEMU 7.2, -accel kvm, vfio-pci on an mdev; Linux 6.12 guest):
  vGPUs created        $(count $o "^PASS: $v: create .* through sysfs") through sysfs, $(count $o "^PASS: $v: mdevctl start") through mdevctl, $(count $o "^PASS: $v vmm [a-z-]+: exit 0") more for the test VMM's cases
  write tracking       $( [ "$(value $o "$v" normal kvm)" = 1 ] && echo "KVM external write tracking" || echo "none (revalidation)")
  page tables shadowed $(value $o "$v" normal shadowed_tables)
  tracked writes       $tw guest stores reported by KVM's write tracking, $((tw - sw)) of them into shadowed page tables
  DMA mappings         $(value $o "$v" normal dma_maps) guest pages pinned and mapped, $(value $o "$v" normal dma_unmaps) released; $(value $o "$v" normal pinned_pages) left pinned
  interrupts           $(value $o "$v" normal msi_injected) MSIs delivered to the guest
  guest workloads      $(count $o "^PASS: $v normal: guest [a-z0-9]+: (fill|copy) verified") verified byte for byte (fill, copy); the guest driver passed $(count $o "^PASS: $v normal: guest [a-z0-9]+: ") checks
  hostile guest        $(( $(num $o "$v" hostile ggtt_scratch) + $(num $o "$v" hostile ppgtt_scratch) )) entries beyond guest RAM pointed at scratch, $(num $o "$v" hostile failures) vGPU failures
  killed guest         QEMU killed mid-workload: $(yes_no $o "^PASS: $v killed: QEMU killed" yes no), pinned pages afterwards: $(yes_no $o "^PASS: $v killed: pinned_pages -eq 0" 0 "not 0")
  test VMM             $(count $o "^PASS: $v vmm ") checks passed, $(count $o "^FAIL: $v vmm ") failed (unmap while pinned, removal while open, ...)
TXT
	[ "$v" = vmed_i915 ] && linux_i915 "$o"
done
o=$xen_out
for v in vmed_i915 vmed_nvstub; do
	[ "$(count $o "^PASS: $v: create ")" -gt 0 ] || continue
	# shellcheck disable=SC2046 # one word per number
	set -- $(xen_numbers "$v" normal) 0 0 0 0 0 0 0 0
	cat <<TXT
$v on Xen 4.17 (HVM guest made with xl, QEMU its device model; vmed_xen the vGPU's ioreq server):
  vGPUs created        $(count $o "^PASS: $v: create ") through mdev sysfs, bound to the guest's domain with vmed/xen_domid; dom0 without VFIO or vmed_kvm: $(yes_no $o "^PASS: $v normal: VFIO not loaded" yes no)
  ioreqs served        $1: $3 config (PCI_CONFIG), $4 MMIO (COPY), $5 tracked page-table writes (p2m_ioreq_server), $6 port I/O; $8 malformed
  page tables shadowed $(value $o "$v" normal shadowed_tables); core tracked writes $(value $o "$v" normal tracked_writes)
  interrupts           $7 MSIs injected with XEN_DMOP_inject_msi
  guest workloads      $(count $o "^PASS: $v normal: guest [a-z0-9]+: (fill|copy) verified") verified byte for byte (fill, copy); the guest driver passed $(count $o "^PASS: $v normal: guest [a-z0-9]+: ") checks
  after the guest      binding gone with the domain: $(yes_no $o "^PASS: $v normal: domain death unbinds" yes no); foreign mappings left in dom0: $(yes_no $o "^PASS: $v normal: no foreign mappings left" 0 "not 0")
TXT
	[ "$v" = vmed_i915 ] && linux_i915 "$o"
done
echo "Full consoles: $VMED_BUILD/e2e-kvm/console.log (KVM), $VMED_BUILD/e2e-xen/console.log (Xen)"
k=$(tr -d '\r' <"$kvm_out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
x=$(tr -d '\r' <"$xen_out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
echo "KVM: ${k:-no result (exit $kvm_rc)}; Xen: ${x:-no result (exit $xen_rc)}"
[ "$kvm_rc" = 0 ] && [ "$xen_rc" = 0 ]
