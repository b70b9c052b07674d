#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end test of the Xen path, with nothing mocked:
#
#   build machine
#    └ QEMU TCG, SVM + NPT CPU: Debian's Xen 4.17
#       dom0: Debian's 6.12 kernel, PV  (tests/e2e/xen/init-host)
#       vmed modules + vmed_mdev + vmed_xen (no VFIO, no vmed_kvm; with
#       E2E_XEN_PEERS=1 they come later, as peers); the build machine's root
#       over 9p, chrooted into for Debian's toolstack (xl, oxenstored,
#       xenconsoled) and QEMU as the guests' primary device model
#       └ xl create: an HVM guest, Debian's 6.12 kernel  (tests/e2e/init-guest)
#          the guest test driver vmed_guest.ko on the vGPU, which vmed_xen
#          serves at 00:08.0 as the guest's ioreq server
#
# Prints one PASS:/FAIL: line per case and ends with "N passed, N failed".
#
#   bash scripts/e2e-xen.sh                 build everything, boot, report
#   E2E_TIMEOUT=1800 bash scripts/...       limit for the whole run (3600 s)
#   E2E_XEN_RUNS="normal" bash scripts/...  only these guest runs per vendor
#                                           (of: normal hostile linux-i915
#                                           destroyed unbound neighbours)
#   E2E_XEN_PEERS=1 bash scripts/...        no guest runs: the frontends as
#                                           peers instead (make e2e-xen-peers)
#   E2E_CONF=file bash scripts/...          sourced by init-host after its
#                                           defaults (timeouts, RUNS,
#                                           GUEST_CMDLINE, ...)
#
# Output: $VMED_BUILD/e2e-xen/{console.log,initramfs.cpio.gz,guest-initramfs.cpio.gz}
# (e2e-xen-peers/ with E2E_XEN_PEERS=1)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PEERS="${E2E_XEN_PEERS:-0}"
E2E="$VMED_BUILD/e2e-xen"
[ "$PEERS" = 1 ] && E2E="$VMED_BUILD/e2e-xen-peers"
LOG="$E2E/console.log"
TIMEOUT="${E2E_TIMEOUT:-3600}"
# Debian's modules dom0 loads, dependencies added from modinfo: Xen's dom0
# devices (xl needs gntdev and gntalloc too), mdev (vGPUs are created
# through mdev for both hypervisors, by vmed_mdev) and 9p for the build
# machine's root.  No VFIO and no vmed_kvm.
HOST_MODULES="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc
	mdev netfs 9pnet 9p 9pnet_virtio"
VMED_MODULES="core/vmed.ko core/vmed_mdev.ko vendors/i915/vmed_i915.ko
	vendors/nvidia-stub/vmed_nvstub.ko shims/xen/vmed_xen.ko"
# Only with E2E_XEN_PEERS=1 (frontends as peers), loaded by dom0 after the
# Xen-only checks: the VFIO stack and vmed_kvm next to vmed_xen.
PEER_HOST_MODULES="vfio vfio_iommu_type1"
PEER_VMED_MODULES="shims/kvm/vmed_kvm.ko"

stage "e2e-xen: checking packages"
# The toolstack and the guests' QEMU run in dom0 from this machine's root,
# so they must be installed here.  xen-utils-4.17 only recommends the
# hypervisor package (need_pkgs installs no recommends): this machine's
# boot configuration stays as it is.
need_pkgs qemu-system-x86 busybox-static cpio kmod xz-utils \
	linux-headers-6.12-amd64 make gcc libc6-dev xen-utils-4.17 xenstore-utils \
	qemu-system-xen

stage "e2e-xen: building the vmed modules"
bash "$VMED_ROOT/scripts/modules.sh"

# Boot exactly the kernel the modules were built for in dom0, and Debian's
# (the same one unless VMED_HOST_KERNEL is set) in the guests.
boot_kernel
mkdir -p "$E2E"
xen_elf "$E2E"

# The guest also carries Linux's i915 (the linux-i915 run).
GUEST_WITH_I915=1 guest_initramfs "$E2E"

vmm=0
vmm_build "$E2E" && vmm=1

stage "e2e-xen: building the dom0 initramfs for $KVER"
root="$E2E/root"
initramfs_root "$root" "$VMED_ROOT/tests/e2e/xen/init-host"
mkdir -p "$root"/{guest,mnt}
initramfs_modules "$root" "$HOST_MODULES" "$VMED_MODULES"
if [ "$PEERS" = 1 ]; then
	# The peers' modules go in a list of their own, loaded late.
	cp "$root/etc/e2e-modules" "$E2E/boot-modules"
	initramfs_modules "$root" "$PEER_HOST_MODULES" "$PEER_VMED_MODULES"
	grep -vxF -f "$E2E/boot-modules" "$root/etc/e2e-modules" \
		>"$root/etc/e2e-modules-peers" || true
	cp "$E2E/boot-modules" "$root/etc/e2e-modules"
fi
cp "$GUEST_VMLINUZ" "$root/guest/vmlinuz"
[ "$vmm" = 1 ] && cp "$E2E/vmed-vmm" "$root/bin/vmed-vmm"
cp "$E2E/guest-initramfs.cpio.gz" "$root/guest/initramfs.cpio.gz"
{
	echo "XEN_VER=$XEN_VER"
	echo "GUEST_DRIVER=$GUEST_KO_BUILT"
	echo "PEERS=$PEERS"
	if [ "$PEERS" = 1 ]; then
		echo 'RUNS=""'
	elif [ -n "${E2E_XEN_RUNS:-}" ]; then
		echo "RUNS=\"$E2E_XEN_RUNS\""
	fi
	if [ -n "${E2E_CONF:-}" ]; then
		cat "$E2E_CONF" || die "E2E_CONF: cannot read $E2E_CONF"
	fi
} >"$root/etc/e2e.conf"
initramfs_pack "$root" "$E2E/initramfs.cpio.gz"
stage "e2e-xen: initramfs $(du -h "$E2E/initramfs.cpio.gz" | cut -f1)," \
	"modules: $(tr '\n' ' ' <"$root/etc/e2e-modules")+" \
	"$(cd "$root/lib/modules/vmed" && echo *.ko)"

case "$VMLINUZ$E2E" in
*,* | *' '*) die "a comma or space in $VMLINUZ or $E2E would split the multiboot modules" ;;
esac
# Xen as in e2e-xen-smoke.sh (reboot on a crash, which -no-reboot turns
# into QEMU exiting; timestamps; no scrubbing), with room for the guests
# next to dom0's 1 GiB.  -smp 2: the guests' QEMU and dom0 need a CPU
# each while a guest runs.
stage "e2e-xen: booting Xen $XEN_VER + dom0 in QEMU (TCG, timeout ${TIMEOUT}s); the HVM guests run inside it"
t0=$(date +%s)
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt \
	-m 2048 -smp 2 -nographic -no-reboot -kernel "$XEN_ELF" \
	-append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M console_timestamps=boot bootscrub=false" \
	-initrd "$VMLINUZ console=hvc0 quiet,$E2E/initramfs.cpio.gz" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	</dev/null >"$LOG" 2>&1 || rc=$?
stage "e2e-xen: QEMU done in $(($(date +%s) - t0))s (qemu exit $rc)"

tr -d '\r' <"$LOG" | awk 'done { next } /^E2E-DMESG-BEGIN/ { done = 1; next }
	/^E2E-GUEST-BEGIN/ { g = 1 } /^E2E-GUEST-END/ { g = 0; next }
	/^E2E-GUEST-RUN / { sub(/\]: .*/, "]"); print "-- guest run:", substr($0, 15); next }
	/^E2E-VENDOR / { print "-- vendor", $2, $3, $4; next }
	/^E2E-TIME / { print "--", substr($0, 10); next }
	/^E2E-HANG-/ { print; next }
	go && !g && /^(PASS|FAIL): |^    / { print }
	/^E2E-START/ { go = 1 }'
ok=1
console_result "$LOG" "$rc" "$TIMEOUT" dom0 "$HOST_PASSED" "$HOST_FAILED" || ok=0
stage "e2e-xen: full console log (Xen, dom0 and every guest): $LOG"
[ "$ok" = 1 ] || die "Xen end-to-end test failed" "$LOG"
