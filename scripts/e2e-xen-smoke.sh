#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Real-Xen smoke test: boot Debian's Xen 4.17 under QEMU TCG (SVM + NPT, so
# Xen has HVM and HAP) with Debian's 6.12 kernel as its PV dom0 and the vmed
# modules in dom0's initramfs.  dom0 (tests/e2e/xen/init-dom0) checks that
# it runs on Xen as a PV dom0, loads vmed, the vendors, the KVM/VFIO/mdev
# shim and the Xen shim, has the Xen shim issue dm_op hypercalls against
# real Xen, creates and removes a vGPU, unloads everything and checks dmesg.
#
#   bash scripts/e2e-xen-smoke.sh             build, boot, report
#   E2E_TIMEOUT=900 bash scripts/...          limit for the whole run (300 s)
#
# Output: $VMED_BUILD/e2e-xen-smoke/{console.log,initramfs.cpio.gz,xen.elf}
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

E2E="$VMED_BUILD/e2e-xen-smoke"
LOG="$E2E/console.log"
TIMEOUT="${E2E_TIMEOUT:-300}"
# Debian's modules dom0 loads, dependencies added from modinfo.  Xen's
# device nodes and xenfs (for /proc/xen/capabilities) are what a real dom0
# has; mdev is what vmed_mdev, which creates the vGPUs, links against.
# Neither KVM nor VFIO: a Xen dom0 serves vGPUs without them.
HOST_MODULES="xen-evtchn xen-privcmd xenfs mdev"
VMED_MODULES="core/vmed.ko core/vmed_mdev.ko vendors/i915/vmed_i915.ko
	vendors/nvidia-stub/vmed_nvstub.ko"
# Included when built, and reported by dom0 as missing otherwise.
XEN_SHIM=shims/xen/vmed_xen.ko

stage "e2e-xen: checking packages"
need_pkgs qemu-system-x86 busybox-static cpio kmod xz-utils \
	linux-headers-6.12-amd64

stage "e2e-xen: building the vmed modules"
bash "$VMED_ROOT/scripts/modules.sh"

# Boot exactly the kernel the modules were built for.
boot_kernel
mkdir -p "$E2E"

xen_elf "$E2E"

stage "e2e-xen: building the dom0 initramfs for $KVER"
root="$E2E/root"
initramfs_root "$root" "$VMED_ROOT/tests/e2e/xen/init-dom0"

for m in $HOST_MODULES; do
	initramfs_add_module "$KVER" "$root" "$m"
done
for m in $VMED_MODULES; do
	cp "$VMED_ROOT/$m" "$root/lib/modules/vmed/"
done
if [ -f "$VMED_ROOT/$XEN_SHIM" ]; then
	# Whatever Debian module the shim links against comes first.
	for dep in $(modinfo -F depends "$VMED_ROOT/$XEN_SHIM" | tr ',' ' '); do
		case "$dep" in vmed*) ;; *) initramfs_add_module "$KVER" "$root" "$dep" ;; esac
	done
	cp "$VMED_ROOT/$XEN_SHIM" "$root/lib/modules/vmed/"
else
	warn "no $XEN_SHIM: dom0 will report the Xen shim's cases as failed"
fi
echo "XEN_VER=$XEN_VER" >"$root/etc/e2e.conf"
initramfs_pack "$root" "$E2E/initramfs.cpio.gz"
stage "e2e-xen: initramfs $(du -h "$E2E/initramfs.cpio.gz" | cut -f1)," \
	"modules: $(tr '\n' ' ' <"$root/etc/e2e-modules")+" \
	"$(cd "$root/lib/modules/vmed" && echo *.ko)"

# -initrd takes the multiboot modules, comma-separated, each with its command
# line: dom0's kernel (its console is Xen's, hvc0, which Xen writes to com1
# next to its own messages, so both reach stdio) and dom0's initramfs.
case "$VMLINUZ$E2E" in
*,* | *' '*) die "a comma or space in $VMLINUZ or $E2E would split the multiboot modules" ;;
esac
# Xen's options: no "noreboot", so that on a dom0 crash or a Xen panic Xen
# reboots after 5 s, which -no-reboot turns into QEMU exiting, instead of
# hanging until the timeout; timestamps on Xen's lines, to see where the time
# goes; no scrubbing of free RAM, which this fresh VM has no secrets in and
# which would take a CPU of the emulation for a while.  dom0's output is
# quiet: its dmesg is printed at the end.
stage "e2e-xen: booting Xen $XEN_VER + dom0 in QEMU (TCG, timeout ${TIMEOUT}s)"
t0=$(date +%s)
rc=0
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu qemu64,+svm,+npt \
	-m 2048 -smp 2 -nographic -no-reboot -kernel "$XEN_ELF" \
	-append "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M console_timestamps=boot bootscrub=false" \
	-initrd "$VMLINUZ console=hvc0 quiet,$E2E/initramfs.cpio.gz" \
	</dev/null >"$LOG" 2>&1 || rc=$?
stage "e2e-xen: QEMU done in $(($(date +%s) - t0))s (qemu exit $rc)"
# When Xen handed over to dom0 ("Freed ... init memory" is its last word).
xen_up=$(tr -d '\r' <"$LOG" | sed -n 's/^(XEN) \[ *\([0-9.]*\)\] Freed .* init memory$/\1/p' | head -n 1)
[ -n "$xen_up" ] && echo "-- Xen started dom0 ${xen_up}s after it booted"

# The case lines and their details, without the dmesg dump that follows.
# (awk reads to the end: see console_result.)
tr -d '\r' <"$LOG" | awk 'done { next } /^E2E-DMESG-BEGIN/ { done = 1; next }
	/^E2E-TIME / { print "--", substr($0, 10); next }
	go && /^(PASS|FAIL): |^    / { print }
	/^E2E-START/ { go = 1 }'
ok=1
console_result "$LOG" "$rc" "$TIMEOUT" dom0 || ok=0
stage "e2e-xen: full console log (Xen and dom0): $LOG"
[ "$ok" = 1 ] || die "Xen smoke test failed" "$LOG"
