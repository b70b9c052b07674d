#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Real-kernel smoke test: boot Debian's own 6.12 kernel in QEMU (TCG, with
# SVM so kvm_amd loads), load the KVM/VFIO/mdev stack and the four vmed
# modules, check they load, register their devices, unload cleanly and
# leave dmesg clean.  The guest side is tests/e2e/init.
#
#   bash scripts/e2e-boot.sh              build, boot, report
#   E2E_TIMEOUT=600 bash scripts/...      guest time limit (default 300 s)
#
# Output: $VMED_BUILD/e2e/{initramfs.cpio.gz,console.log}
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

E2E="$VMED_BUILD/e2e"
LOG="$E2E/console.log"
TIMEOUT="${E2E_TIMEOUT:-300}"
# Load order is decided by dependencies, but these are what later tests use.
HOST_MODULES="ccp kvm_amd vfio vfio_iommu_type1 mdev"
VMED_MODULES="core/vmed.ko core/vmed_mdev.ko vendors/i915/vmed_i915.ko vendors/nvidia-stub/vmed_nvstub.ko shims/kvm/vmed_kvm.ko"

stage "e2e: checking packages"
need_pkgs qemu-system-x86 busybox-static cpio kmod xz-utils linux-headers-6.12-amd64

stage "e2e: building the vmed modules"
bash "$VMED_ROOT/scripts/modules.sh"

# Boot exactly the kernel the modules were built for.
boot_kernel

stage "e2e: building the initramfs for $KVER"
root="$E2E/root"
initramfs_root "$root" "$VMED_ROOT/tests/e2e/init"

for m in $HOST_MODULES; do
	initramfs_add_module "$KVER" "$root" "$m"
done
for m in $VMED_MODULES; do
	cp "$VMED_ROOT/$m" "$root/lib/modules/vmed/"
done
initramfs_pack "$root" "$E2E/initramfs.cpio.gz"
stage "e2e: initramfs $(du -h "$E2E/initramfs.cpio.gz" | cut -f1)," \
	"modules: $(tr '\n' ' ' <"$root/etc/e2e-modules")+ vmed x4"

stage "e2e: booting $VMLINUZ in QEMU (TCG, timeout ${TIMEOUT}s)"
t0=$(date +%s)
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt \
	-m 1024 -nographic -no-reboot -kernel "$VMLINUZ" \
	-initrd "$E2E/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1" \
	</dev/null >"$LOG" 2>&1 || rc=$?
stage "e2e: guest done in $(( $(date +%s) - t0 ))s (qemu exit $rc), log: $LOG"

# The case lines and their details, without the dmesg dump that follows.
# (awk reads to the end: see console_result.)
tr -d '\r' <"$LOG" | awk 'done { next } /^E2E-DMESG-BEGIN/ { done = 1; next }
	go && /^(PASS|FAIL): |^    / { print }
	/^E2E-START/ { go = 1 }'
console_result "$LOG" "$rc" "$TIMEOUT" guest || die "e2e smoke test failed" "$LOG"
