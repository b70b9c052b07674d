#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end test of the KVM/VFIO path, with nothing mocked:
#
#   build machine
#    └ QEMU TCG, SVM CPU: Debian's 6.12 kernel, "L2"  (tests/e2e/kvm/init-host)
#       vmed modules + vmed_kvm; the build machine's root over 9p, chrooted
#       into for mdevctl and Debian's QEMU:
#       └ qemu-system-x86_64 -accel kvm -device vfio-pci,sysfsdev=<vGPU>
#          Debian's 6.12 kernel, "L3"  (tests/e2e/init-guest)
#             the guest test driver vmed_guest.ko on the vGPU
#
# Prints one PASS:/FAIL: line per case and ends with "N passed, N failed".
#
#   bash scripts/e2e.sh                     build everything, boot, report
#   E2E_TIMEOUT=1200 bash scripts/e2e.sh    limit for the whole L2 run (900 s)
#
# For bringing the harness up against another mdev driver (the kernel's
# mtty sample, say) before vmed's own pieces exist:
#   E2E_EXTRA_KO="a.ko ..."  more modules for L2's /lib/modules/vmed
#   E2E_CONF=file            sourced by init-host after its defaults
#                            (VMED_MODULES, VENDORS, RUNS, ...)
#   E2E_GUEST_DIR, E2E_VMM_DIR  instead of tests/guest and tests/vmm
#
# Output: $VMED_BUILD/e2e-kvm/{console.log,initramfs.cpio.gz,guest-initramfs.cpio.gz}
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

E2E="$VMED_BUILD/e2e-kvm"
LOG="$E2E/console.log"
TIMEOUT="${E2E_TIMEOUT:-900}"
# Debian's modules L2 needs: the KVM/VFIO/mdev stack and 9p for the host
# root; dependencies are added from modinfo.
HOST_MODULES="ccp kvm_amd vfio vfio_iommu_type1 mdev irqbypass netfs 9pnet 9p 9pnet_virtio"
# The vmed modules, as built by scripts/modules.sh.
VMED_MODULES="core/vmed.ko core/vmed_mdev.ko vendors/i915/vmed_i915.ko
	vendors/nvidia-stub/vmed_nvstub.ko shims/kvm/vmed_kvm.ko"
GUEST_DIR="${E2E_GUEST_DIR:-$VMED_ROOT/tests/guest}"
VMM_DIR="${E2E_VMM_DIR:-$VMED_ROOT/tests/vmm}"

stage "e2e: checking packages"
# mdevctl and QEMU run inside L2 from this machine's root, so they must be
# installed here.
need_pkgs qemu-system-x86 busybox-static cpio kmod xz-utils \
	linux-headers-6.12-amd64 mdevctl make gcc libc6-dev socat

stage "e2e: building the vmed modules"
bash "$VMED_ROOT/scripts/modules.sh"

# Boot exactly the kernel the modules were built for in L2, and Debian's
# (the same one unless VMED_HOST_KERNEL is set) in L3.
boot_kernel
mkdir -p "$E2E"

# L3 also carries Linux's i915 (the linux-i915 run).
GUEST_WITH_I915=1 guest_initramfs "$E2E" "$GUEST_DIR"
guest=$GUEST_KO_BUILT

vmm=0
# Without tests/vmm, L2 reports the missing VMM.
if [ -f "$VMM_DIR/Makefile" ] && vmm_build "$E2E" "$VMM_DIR"; then
	vmm=1
fi

stage "e2e: building the L2 initramfs for $KVER"
root="$E2E/root"
initramfs_root "$root" "$VMED_ROOT/tests/e2e/kvm/init-host"
mkdir -p "$root"/{l3,mnt}
initramfs_modules "$root" "$HOST_MODULES" "$VMED_MODULES"
for m in ${E2E_EXTRA_KO:-}; do
	cp "$m" "$root/lib/modules/vmed/" || die "E2E_EXTRA_KO: no $m"
done
cp "$GUEST_VMLINUZ" "$root/l3/vmlinuz"
cp "$E2E/guest-initramfs.cpio.gz" "$root/l3/initramfs.cpio.gz"
[ "$vmm" = 1 ] && cp "$E2E/vmed-vmm" "$root/bin/vmed-vmm"
{
	echo "GUEST_DRIVER=$guest"
	if [ -n "${E2E_CONF:-}" ]; then
		cat "$E2E_CONF" || die "E2E_CONF: cannot read $E2E_CONF"
	fi
} >"$root/etc/e2e.conf"
initramfs_pack "$root" "$E2E/initramfs.cpio.gz"
stage "e2e: initramfs $(du -h "$E2E/initramfs.cpio.gz" | cut -f1)," \
	"modules: $(tr '\n' ' ' <"$root/etc/e2e-modules")+" \
	"$(cd "$root/lib/modules/vmed" && echo *.ko)"

# multidevs=remap: / spans several file systems here (/proc, /sys, /dev,
# maybe more), whose inode numbers would otherwise collide in L2.
# L2's idle loop polls instead of halting: with HLT, L2 stalled in about
# half of the runs, each time as an L3 booted, its CPU halted in the idle
# loop with interrupts enabled and never woken (QEMU 7.2's TCG with nested
# SVM; cause not known). Polling keeps its CPU out of the halted state
# whose wakeup got lost. An L2 that stalls all the same (qemu_watched:
# its console silent for STALL_SECONDS) is run again, up to three times
# in all; each stalled log is kept.
# At a stall, where L2's CPU stands, from QEMU's monitor: halted or not,
# interrupts on or off (RFL bit 9), privilege level, and whether it is in
# L2's kernel, one of its modules (L2 boots with nokaslr and prints where
# they are: E2E-ADDR, E2E-MOD) or elsewhere (L3's code, nested).
MONITOR="$E2E/monitor.sock"
l2_cpu_state() {
	local out="$E2E/stall-cpu.txt" rip where=elsewhere a b name size
	printf 'info registers\ninfo lapic\nx/8i $pc\n' |
		timeout 20 socat - "UNIX-CONNECT:$MONITOR" > "$out" 2>&1 || true
	rip=$(grep -o -m 1 'RIP=[0-9a-f]*' "$out" | cut -d= -f2)
	if [ -n "$rip" ]; then
		# Kernel addresses are negative as 64-bit signed numbers, and
		# in order.
		rip=$((16#$rip))
		a=$(tr -d '\r' < "$LOG" | awk '$1 == "E2E-ADDR" && $4 == "_stext" { print $2 }')
		b=$(tr -d '\r' < "$LOG" | awk '$1 == "E2E-ADDR" && $4 == "_etext" { print $2 }')
		if [ -n "$a" ] && [ -n "$b" ] && [ "$rip" -ge $((16#$a)) ] &&
			[ "$rip" -lt $((16#$b)) ]; then
			where="L2's kernel text"
		fi
		while read -r name size a; do
			a=${a#0x}
			[ "$rip" -ge $((16#$a)) ] && [ "$rip" -lt $((16#$a + size)) ] &&
				where="L2's module $name"
		done < <(tr -d '\r' < "$LOG" | awk '$1 == "E2E-MOD" { print $2, $3, $7 }')
	fi
	stage "e2e: L2's CPU at the stall: $(grep -E -m 1 -o 'RIP=[0-9a-f]+ RFL=[0-9a-f]+' "$out") $(grep -E -m 1 -o 'CPL=[0-9] .*HLT=[01]' "$out"), in $where (all registers: $out)"
	# Its local APIC: the timer, and what is pending or blocked by TPR.
	tr -d '\r' < "$out" | grep -E '^(LVTT|Timer|ISR|IRR|APR)' |
		sed 's/^/    lapic: /'
}
STALL_HOOK=l2_cpu_state
stage "e2e: booting L2 in QEMU (TCG, timeout ${TIMEOUT}s); L3 runs inside it"
for try in 1 2 3; do
	t0=$(date +%s)
	rc=0
	qemu_watched "$TIMEOUT" "$LOG" qemu-system-x86_64 -accel tcg \
		-cpu qemu64,+svm,+npt -m 2048 -nographic -no-reboot \
		-kernel "$VMLINUZ" -initrd "$E2E/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 nokaslr idle=poll" \
		-monitor "unix:$MONITOR,server=on,wait=off" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap ||
		rc=$?
	stage "e2e: L2 done in $(($(date +%s) - t0))s (qemu exit $rc)"
	[ "$STALLED" = 1 ] && [ "$try" -lt 3 ] || break
	mv "$LOG" "$E2E/console-stalled-$try.log"
	stage "e2e: NOTE: L2 stalled (console silent for ${STALL_SECONDS}s; log: $E2E/console-stalled-$try.log): running it again"
done
[ "$STALLED" = 1 ] && stage "e2e: L2 stalled again (console silent for ${STALL_SECONDS}s)"

# The case lines and their details, without the logs dumped around them.
# awk (and grep below) read to the end rather than stop early: tr would
# otherwise die of SIGPIPE, which pipefail and set -e turn into a silent
# exit here (or a missed E2E-DONE below).
tr -d '\r' <"$LOG" | awk 'done { next } /^E2E-DMESG-BEGIN/ { done = 1; next }
	/^E2E-L3-BEGIN/ { l3 = 1 } /^E2E-L3-END/ { l3 = 0; next }
	/^E2E-L3-RUN / { sub(/\]: .*/, "]"); print "-- L3 run:", substr($0, 12); next }
	/^E2E-VENDOR / { print "-- vendor", $2, $3, $4; next }
	/^E2E-HANG-/ { print; next }
	go && !l3 && /^(PASS|FAIL): |^    / { print }
	/^E2E-START/ { go = 1 }'
ok=1
console_result "$LOG" "$rc" "$TIMEOUT" L2 "$HOST_PASSED" "$HOST_FAILED" || ok=0
stage "e2e: full console log (L2 and every L3 run): $LOG"
[ "$ok" = 1 ] || die "KVM/VFIO end-to-end test failed" "$LOG"
