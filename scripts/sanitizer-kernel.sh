#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build Debian's 6.12 kernel with the sanitizers on, for running the real
# shim paths (VFIO ioctls, KVM page tracking, ioreq handling, foreign
# mappings) under them: KASAN (generic, outline), UBSAN, lockdep
# (PROVE_LOCKING) and kmemleak.  It also has what Debian's kernel lacks:
# iommufd and the VFIO device cdev (/dev/iommu, /dev/vfio/devices/vfioN),
# so the test VMM can drive the KVM shim through iommufd as well as
# through the type1 container QEMU uses.
#
# The patches in scripts/sanitizer-kernel-patches/ are applied to the source
# first.  Each silences one report that is the kernel's own and would
# otherwise come before vmed's code runs: lockdep checks nothing after its
# first report, so one such report would hide every later one.
#
#   bash scripts/sanitizer-kernel.sh     build (or reuse) it
#   SANITIZER_KASAN=0 bash ...           the same without KASAN, for a Xen
#                                        PV dom0, in build/sanitizer-kernel-nokasan
#
# The configuration is Debian's own (/boot/config-*, so the kernel boots
# the same QEMU, Xen and 9p setups the e2e tests use) trimmed with
# localmodconfig to the modules those tests load, plus the debug options
# below.  The result is cached in $VMED_BUILD/sanitizer-kernel and reused
# while the source, the Debian config and this script are unchanged:
#
#   obj/                      the build tree (KDIR for out-of-tree modules)
#   root/lib/modules/$KVER/   its modules (modinfo -b root)
#   vmlinuz, kver             the image and its release string
#
# KASAN cannot run in a Xen PV domain: Linux 6.12 sets up the KASAN shadow
# only on the native boot path (x86_64_start_kernel), which a PV kernel
# never takes.  For the Xen test's dom0 the same kernel is built without
# it (SANITIZER_KASAN=0); the Xen shim's memory safety is KUnit's (its
# ioreq, mapping and tracking code under KASAN against a fake Xen) and the
# fuzzers'.  Outline KASAN builds faster than inline.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KASAN="${SANITIZER_KASAN:-1}"
OUT="$VMED_BUILD/sanitizer-kernel"
[ "$KASAN" = 1 ] || OUT="$VMED_BUILD/sanitizer-kernel-nokasan"
OBJ="$OUT/obj"
# Every Debian module an e2e test loads (scripts/e2e*.sh HOST_MODULES);
# localmodconfig keeps these and what they depend on, and turns every
# other module off.  vfio-pci is not loaded, but what selects VFIO_VIRQFD
# (vfio's virqfd, which vmed_kvm uses for INTx) into vfio.ko.
NEEDED_MODULES="ccp kvm_amd vfio vfio_iommu_type1 mdev irqbypass netfs
	9pnet 9p 9pnet_virtio xen-evtchn xen-privcmd xenfs xen-gntdev
	xen-gntalloc vfio-pci"
# The debug options, set after localmodconfig; olddefconfig resolves what
# they select.
SANITIZER_OPTIONS=(
	-d DEBUG_INFO -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -e DEBUG_INFO_NONE
	-d DEBUG_INFO_BTF -d MODULE_SIG -d MODULE_SIG_ALL -d MODULE_COMPRESS
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
	--set-str LOCALVERSION -vmed-sanitizers
	-e UBSAN -e UBSAN_BOUNDS -e UBSAN_SHIFT -d UBSAN_TRAP
	-e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST
	-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_DEFAULT_OFF
	--set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 65536
	-e DEBUG_FS -e DEBUG_FS_ALLOW_ALL -d WERROR
	-e IOMMUFD -e VFIO_DEVICE_CDEV
)

# KVM's external write tracking (what vmed_kvm tracks guest page tables
# with) and mdev have no prompt of their own: Debian's kernel has them
# because i915's KVMGT selects them, so the KVM test's kernel keeps
# KVMGT and builds DRM and i915 for it.  The Xen test's kernel needs
# neither: the small mtty sample selects mdev there.
if [ "$KASAN" = 1 ]; then
	SANITIZER_OPTIONS+=(-e KASAN -e KASAN_GENERIC -e KASAN_OUTLINE
		-d KASAN_INLINE -d KASAN_VMALLOC)
	MUST_HAVE="KVM_EXTERNAL_WRITE_TRACKING"
else
	SANITIZER_OPTIONS+=(-d KASAN --set-str LOCALVERSION -vmed-sanitizers-nokasan
		-d DRM_I915_GVT_KVMGT -d DRM -e SAMPLES
		-m SAMPLE_VFIO_MDEV_MTTY)
	MUST_HAVE=
fi

stage "sanitizer kernel: checking packages"
need_pkgs make gcc libc6-dev bc bison flex libelf-dev libssl-dev kmod \
	cpio xz-utils linux-headers-6.12-amd64
# Debian's configuration and modules of the release whose headers the
# vmed modules are built against (scripts/modules.sh).
DEBKVER="$(basename "$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sort -V | tail -n 1)")"
DEBKVER="${DEBKVER#linux-headers-}"
need_pkgs "linux-image-$DEBKVER"
DEBCONFIG="/boot/config-$DEBKVER"
[ -f "$DEBCONFIG" ] || die "no $DEBCONFIG after installing linux-image-$DEBKVER"
SRC="$(kernel_source_dir)"

# Applied once; an unchanged patch that is already in the tree reverses
# cleanly, which is how a later run knows.
need_pkgs patch
patches=("$VMED_ROOT"/scripts/sanitizer-kernel-patches/*.patch)
for p in "${patches[@]}"; do
	if patch -d "$SRC" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1; then
		continue
	fi
	stage "sanitizer kernel: applying $(basename "$p")"
	patch -d "$SRC" -p1 -s -N <"$p" || die "$p does not apply to $SRC"
done

want="$(cat "$SRC/.vmed-unpacked") $(md5sum <"$DEBCONFIG") $(cat "${BASH_SOURCE[0]}" "${patches[@]}" | md5sum) kasan=$KASAN"
if [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$want" ] &&
	[ -f "$OUT/vmlinuz" ]; then
	stage "sanitizer kernel: up to date: $(cat "$OUT/kver") in $OUT"
	exit 0
fi

mkdir -p "$OBJ"
log="$OUT/build.log"
: >"$log"
stage "sanitizer kernel: configuring from $DEBCONFIG (log: $log)"
cp "$DEBCONFIG" "$OBJ/.config"
# localmodconfig reads an lsmod listing: the needed modules and, from
# Debian's modinfo, everything they depend on.
lsmod_file="$OUT/lsmod"
{
	echo "Module Size Used by"
	queue=$(echo $NEEDED_MODULES | tr '-' '_')
	seen=" "
	while [ -n "$queue" ]; do
		set -- $queue
		m=$1
		shift
		queue="$*"
		case "$seen" in *" $m "*) continue ;; esac
		seen="$seen$m "
		echo "$m 0 0"
		deps=$(modinfo -k "$DEBKVER" -F depends "$m" 2>/dev/null | tr ',' ' ' | tr '-' '_')
		queue="$queue $deps"
	done
} >"$lsmod_file"
make -C "$SRC" O="$OBJ" olddefconfig >>"$log" 2>&1 ||
	die "olddefconfig failed" "$log"
# It asks about options new to the trimmed set; the defaults are fine.
{ yes '' || true; } | make -C "$SRC" O="$OBJ" LSMOD="$lsmod_file" \
	localmodconfig >>"$log" 2>&1 || die "localmodconfig failed" "$log"
"$SRC/scripts/config" --file "$OBJ/.config" "${SANITIZER_OPTIONS[@]}" ||
	die "scripts/config refused the options" "$log"
make -C "$SRC" O="$OBJ" olddefconfig >>"$log" 2>&1 ||
	die "olddefconfig failed" "$log"
want_opts="UBSAN PROVE_LOCKING DEBUG_KMEMLEAK $MUST_HAVE"
[ "$KASAN" = 1 ] && want_opts="$want_opts KASAN KASAN_OUTLINE"
for opt in $want_opts \
	KVM_AMD VFIO VFIO_IOMMU_TYPE1 VFIO_MDEV VFIO_VIRQFD XEN_DOM0 XEN_GNTDEV \
	IOMMUFD VFIO_DEVICE_CDEV; do
	grep -q -E "^CONFIG_$opt=(y|m)" "$OBJ/.config" ||
		die "CONFIG_$opt did not survive the configuration" "$log"
done
stage "sanitizer kernel: $(grep -c '=m$' "$OBJ/.config") modules," \
	"$(grep -c '=y$' "$OBJ/.config") built-in options"

stage "sanitizer kernel: building (2 cores: about 40-60 minutes; log: $log)"
make -C "$SRC" O="$OBJ" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
	die "kernel build failed" "$log"
kver="$(cat "$OBJ/include/config/kernel.release")"
rm -rf "$OUT/root"
make -C "$SRC" O="$OBJ" INSTALL_MOD_PATH="$OUT/root" INSTALL_MOD_STRIP=1 \
	DEPMOD=/sbin/depmod modules_install >>"$log" 2>&1 ||
	die "modules_install failed" "$log"
cp "$OBJ/arch/x86/boot/bzImage" "$OUT/vmlinuz"
echo "$kver" >"$OUT/kver"
printf '%s\n' "$want" >"$OUT/stamp"
stage "sanitizer kernel: built $kver in $OUT"
