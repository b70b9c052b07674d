# shellcheck shell=bash
# Shared helpers for vmed project scripts.  Source it, don't run it:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Provides:
#   VMED_ROOT            repo root (derived from this file's location)
#   VMED_BUILD           build/output dir (env override; default $VMED_ROOT/build)
#   stage "text"         progress line:  ==> [vmed] text  [+1m05s]
#   warn "text"          warning line on stderr
#   die "cause" [log]    print the cause (and the log's tail + path), exit 1
#   need_pkgs pkg...     apt-get install only the missing Debian packages
#   kernel_source_dir    unpack /usr/src/linux-source-6.*.tar.xz once into
#                        $VMED_BUILD and print the tree's path on stdout
#   boot_kernel          set KVER and VMLINUZ: the kernel the built vmed
#                        modules are for (Debian's, installed if missing),
#                        and GUEST_KVER, GUEST_VMLINUZ for the guests
#   initramfs_root DIR INIT   a fresh busybox root with INIT as /init
#   initramfs_add_module, initramfs_pack   (see below)
#   console_result       count a QEMU console's PASS/FAIL lines (see below)
#   qemu_watched         run QEMU with a timeout and a stall watchdog
#   xen_elf DIR          set XEN_ELF: Debian's Xen $XEN_VER for QEMU -kernel
#   guest_initramfs DIR  the test guest's initramfs with tests/guest's driver
#   vmm_build DIR        build tests/vmm's test VMM into DIR
#   vmed_sources         the project's C sources and headers, one per line
#   initramfs_modules ROOT HOST VMED   Debian's and vmed's modules into ROOT
#   host_pass, host_fail "case"   a PASS:/FAIL: line decided on the host,
#                        counted in HOST_PASSED / HOST_FAILED

VMED_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VMED_BUILD="${VMED_BUILD:-$VMED_ROOT/build}"
# One start time for a whole run, also when scripts call each other.
: "${VMED_T0:=$(date +%s)}"
export VMED_ROOT VMED_BUILD VMED_T0

_vmed_elapsed() {
	local s=$(( $(date +%s) - VMED_T0 ))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

stage() {
	printf '==> [vmed] %s  [+%s]\n' "$*" "$(_vmed_elapsed)"
}

warn() {
	printf '==> [vmed] WARNING: %s\n' "$*" >&2
}

# die "cause" [logfile]
die() {
	local cause="$1" log="${2:-}"
	{
		printf '==> [vmed] FAILED after %s: %s\n' "$(_vmed_elapsed)" "$cause"
		if [ -n "$log" ] && [ -s "$log" ]; then
			printf -- '---- last 40 lines of %s ----\n' "$log"
			tail -n 40 "$log"
			printf -- '---- end; full log: %s ----\n' "$log"
			printf '==> [vmed] FAILED: %s (log: %s)\n' "$cause" "$log"
		elif [ -n "$log" ]; then
			printf '==> [vmed] log: %s (missing or empty)\n' "$log"
		fi
	} >&2
	exit 1
}

_vmed_pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

_vmed_apt_updated=""
_vmed_apt_update() {
	[ -n "$_vmed_apt_updated" ] && return 0
	stage "apt-get update" >&2
	DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
		die "apt-get update failed"
	_vmed_apt_updated=1
}

# need_pkgs pkg... : install the given Debian packages that are missing.
need_pkgs() {
	local p missing=()
	for p in "$@"; do
		_vmed_pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
	fi
	_vmed_apt_update
	stage "installing ${missing[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
}

# Newest /usr/src/linux-source-6.*.tar.xz, or nothing.
_vmed_source_tarball() {
	local f
	for f in /usr/src/linux-source-6.*.tar.xz; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done | sort -V | tail -n 1
	return 0
}

# kernel_source_dir: make sure an unpacked Debian kernel source tree exists
# under $VMED_BUILD and print its path on stdout (progress goes to stderr).
# The version is discovered, never pinned: the newest installed
# linux-source-6.* wins; if none is installed the newest one apt knows is
# installed.  The tree is re-used as long as the tarball is unchanged.
kernel_source_dir() {
	local tarball name dir stamp want ver pkg
	tarball="$(_vmed_source_tarball)"
	if [ -z "$tarball" ]; then
		need_pkgs xz-utils
		_vmed_apt_update
		pkg="$(apt-cache pkgnames linux-source-6. 2>/dev/null |
			grep -E '^linux-source-6\.[0-9]+$' | sort -V | tail -n 1)"
		[ -n "$pkg" ] || die "no linux-source-6.* package known to apt"
		need_pkgs "$pkg"
		tarball="$(_vmed_source_tarball)"
		[ -n "$tarball" ] || die "$pkg installed but no /usr/src/linux-source-6.*.tar.xz"
	fi
	name="$(basename "$tarball" .tar.xz)"          # linux-source-6.12
	dir="$VMED_BUILD/$name"
	stamp="$dir/.vmed-unpacked"
	want="$(stat -c '%s %Y' "$tarball") $tarball"
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
		stage "unpacking $tarball into $dir" >&2
		rm -rf "$dir"
		mkdir -p "$VMED_BUILD"
		tar -C "$VMED_BUILD" -xf "$tarball" || die "unpacking $tarball failed"
		[ -f "$dir/Makefile" ] || die "$tarball did not unpack to $dir"
		printf '%s\n' "$want" > "$stamp"
	fi
	ver="$(sed -n -e 's/^VERSION = //p' -e 's/^PATCHLEVEL = //p' \
		-e 's/^SUBLEVEL = //p' "$dir/Makefile" | head -n 3 | paste -sd.)"
	stage "kernel source: $name (Linux $ver) at $dir" >&2
	printf '%s\n' "$dir"
}

# initramfs_add_module KVER ROOT NAME [LIST]: copy the module NAME of kernel
# KVER to ROOT/lib/modules/NAME.ko, after what it depends on (modinfo), and
# append each name once to ROOT/etc/LIST (default e2e-modules), which is
# thus a load order.
# Modules come from /lib/modules/KVER, or from $HOST_MODBASE/lib/modules/KVER
# for the sanitizer kernel (boot_kernel).  busybox insmod cannot read
# .ko.xz, so they are decompressed here.
initramfs_add_module() {
	local kver="$1" root="$2" name="${3//-/_}" list="${4:-e2e-modules}"
	local file dep base=/
	[ "$kver" = "$KVER" ] && base="${HOST_MODBASE:-/}"
	grep -qx "$name" "$root/etc/$list" 2>/dev/null && return 0
	file="$(modinfo -b "$base" -k "$kver" -n "$name")" || die "no module $name in $kver"
	for dep in $(modinfo -b "$base" -k "$kver" -F depends "$name" | tr ',' ' '); do
		initramfs_add_module "$kver" "$root" "$dep" "$list"
	done
	mkdir -p "$root/lib/modules" "$root/etc"
	case "$file" in
	*.ko.xz) xz -dc "$file" >"$root/lib/modules/$name.ko" ;;
	*) cp "$file" "$root/lib/modules/$name.ko" ;;
	esac || die "cannot copy $file"
	echo "$name" >>"$root/etc/$list"
}

# boot_kernel: QEMU tests boot exactly the kernel the modules were built
# for (core/vmed.ko's vermagic), so they load without --force: KVER and
# VMLINUZ.  The guests boot GUEST_KVER's GUEST_VMLINUZ, with the guest
# driver built against its headers: the same Debian kernel, except when
# VMED_HOST_KERNEL names a kernel built by scripts/sanitizer-kernel.sh,
# which then runs the vmed modules (L2, dom0) while the guests stay on
# Debian's.
boot_kernel() {
	KVER="$(modinfo -F vermagic "$VMED_ROOT/core/vmed.ko" | cut -d' ' -f1)"
	if [ -n "${VMED_HOST_KERNEL:-}" ]; then
		[ "$KVER" = "$(cat "$VMED_HOST_KERNEL/kver")" ] ||
			die "core/vmed.ko is for $KVER, not $VMED_HOST_KERNEL's kernel"
		VMLINUZ="$VMED_HOST_KERNEL/vmlinuz"
		HOST_MODBASE="$VMED_HOST_KERNEL/root"
		GUEST_KVER="$(basename "$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sort -V | tail -n 1)")"
		GUEST_KVER="${GUEST_KVER#linux-headers-}"
	else
		HOST_MODBASE=/
		GUEST_KVER="$KVER"
	fi
	if [ ! -f "/boot/vmlinuz-$GUEST_KVER" ] || [ ! -d "/lib/modules/$GUEST_KVER/kernel" ]; then
		need_pkgs "linux-image-$GUEST_KVER"
	fi
	GUEST_VMLINUZ="/boot/vmlinuz-$GUEST_KVER"
	[ -n "${VMED_HOST_KERNEL:-}" ] || VMLINUZ="$GUEST_VMLINUZ"
	[ -f "$VMLINUZ" ] || die "no kernel image $VMLINUZ"
	[ -f "$GUEST_VMLINUZ" ] || die "no $GUEST_VMLINUZ after installing linux-image-$GUEST_KVER"
}

# initramfs_root DIR INIT: DIR becomes a busybox root with INIT as /init,
# the test helpers as /lib/e2e.sh and lib/modules/vmed for the modules.
initramfs_root() {
	rm -rf "$1"
	mkdir -p "$1"/{bin,dev,etc,proc,sys,tmp,lib/modules/vmed}
	cp /bin/busybox "$1/bin/busybox"
	ln -s busybox "$1/bin/sh"
	install -m 755 "$2" "$1/init"
	install -m 644 "$VMED_ROOT/tests/e2e/lib.sh" "$1/lib/e2e.sh"
	mknod -m 600 "$1/dev/console" c 5 1 2>/dev/null || true
}

# console_result LOG RC TIMEOUT WHO [PASS FAIL]: count the PASS:/FAIL: lines
# of a QEMU console log (plus PASS/FAIL decided on the host), count one more
# failure if WHO never printed E2E-DONE (RC 124: the timeout hit), print
# "N passed, N failed"; returns 1 if anything failed. grep reads to the end:
# a reader that stops early would kill tr with SIGPIPE under pipefail.
console_result() {
	local log="$1" rc="$2" timeout="$3" who="$4" np nf why
	np=$(($(tr -d '\r' <"$log" | grep -c '^PASS: ' || true) + ${5:-0}))
	nf=$(($(tr -d '\r' <"$log" | grep -c '^FAIL: ' || true) + ${6:-0}))
	if ! tr -d '\r' <"$log" | grep '^E2E-DONE' >/dev/null; then
		[ "$rc" -eq 124 ] && why="timed out after ${timeout}s" || why="qemu exit $rc"
		echo "FAIL: $who did not finish ($why)"
		nf=$((nf + 1))
	fi
	echo "$np passed, $nf failed"
	[ "$nf" -eq 0 ]
}

# qemu_watched TIMEOUT LOG COMMAND...: run a QEMU command line (output to
# LOG) for at most TIMEOUT s, and end it early if the emulated machine has
# stalled: LOG unchanged for STALL_SECONDS.  A live test host is never that
# silent: its hang_watchdog (tests/e2e/lib.sh) reports a stuck step sooner,
# and its kernel reports hung tasks and soft lockups.  What stays silent is
# a machine whose emulated CPU no longer runs the host kernel at all (seen
# as an L3 booted: QEMU's nested SVM emulation, its vCPU halted for good or
# spinning in L3's code with L2's timer interrupts never delivered).
# STALL_HOOK, if set, is a command run at a stall before QEMU is killed.
# Returns the command's exit status (124: timed out); sets STALLED to 1 if
# it was ended for a stall, else 0.
STALL_SECONDS=${STALL_SECONDS:-300}
qemu_watched() {
	local timeout=$1 log=$2 pid qpid size last_size=-1 still=0 rc=0
	shift 2
	STALLED=0
	timeout "$timeout" "$@" </dev/null >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 10
		qpid=$(pgrep -P "$pid" | head -n 1 || true)
		size=$(stat -c %s "$log" 2>/dev/null || echo 0)
		if [ "$size" = "$last_size" ]; then
			still=$((still + 10))
		else
			still=0
		fi
		last_size=$size
		if [ "$still" -ge "$STALL_SECONDS" ] && [ -n "$qpid" ]; then
			STALLED=1
			[ -z "${STALL_HOOK:-}" ] || "$STALL_HOOK" || true
			kill -KILL "$qpid" 2>/dev/null || true
			break
		fi
	done
	wait "$pid" || rc=$?
	return "$rc"
}

# initramfs_pack ROOT OUT: a gzip'd newc cpio of ROOT, owned by root.
initramfs_pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$2" || die "cannot pack $1 into $2"
}

# The Xen the real-Xen tests boot (Debian 12's).
XEN_VER=4.17
XEN_PKG="xen-hypervisor-$XEN_VER-amd64"

# xen_elf DIR: set XEN_ELF to DIR/xen.elf, Debian's Xen $XEN_VER as the ELF
# QEMU's multiboot loader takes (GRUB boots the gzip'd file).  An installed
# package is used as it is; otherwise the .deb is only unpacked into DIR:
# installing it would run update-grub on this machine and (with
# xen-hypervisor-common) make Xen its default boot entry.
xen_elf() {
	local dir="$1" gz="/boot/xen-$XEN_VER-amd64.gz" pkgdir="$1/pkg"
	stage "getting Xen $XEN_VER ($XEN_PKG)"
	mkdir -p "$dir"
	if [ ! -f "$gz" ]; then
		rm -rf "$pkgdir"
		mkdir -p "$pkgdir"
		# apt-get download wants the package lists; a fresh machine may
		# have none.
		if ! (cd "$pkgdir" && apt-get download "$XEN_PKG") >"$dir/apt.log" 2>&1; then
			_vmed_apt_update
			(cd "$pkgdir" && apt-get download "$XEN_PKG") >"$dir/apt.log" 2>&1 ||
				die "apt-get download $XEN_PKG failed" "$dir/apt.log"
		fi
		dpkg -x "$pkgdir"/"$XEN_PKG"_*.deb "$pkgdir/root" ||
			die "cannot unpack $XEN_PKG"
		gz="$pkgdir/root/boot/xen-$XEN_VER-amd64.gz"
		[ -f "$gz" ] || die "$XEN_PKG has no boot/xen-$XEN_VER-amd64.gz"
	fi
	XEN_ELF="$dir/xen.elf"
	zcat "$gz" >"$XEN_ELF" || die "cannot decompress $gz"
}

# guest_initramfs DIR [GUEST_DIR]: build the guest test driver (GUEST_DIR,
# default tests/guest) for $GUEST_KVER, report that as a host case, and pack
# DIR/guest-initramfs.cpio.gz: busybox, tests/e2e/init-guest as /init, the
# driver and its Debian dependencies, and with GUEST_WITH_I915=1 Debian's
# i915 with its own (/etc/e2e-i915-modules; for e2e.driver=i915) and the
# program that runs workloads through i915's uAPI (tests/gem, built against
# the guest kernel's uAPI headers).  Without a driver the guest still boots
# and says so.  Sets GUEST_KO_BUILT to 1 or 0.
guest_initramfs() {
	local dir="$1" src="${2:-$VMED_ROOT/tests/guest}" root="$1/guest-root"
	local ko dep
	ko="$src/vmed_guest.ko"
	GUEST_KO_BUILT=0
	mkdir -p "$dir"
	stage "building the guest driver ($src)"
	if [ -f "$src/Kbuild" ] || [ -f "$src/Makefile" ]; then
		make -C "/usr/src/linux-headers-$GUEST_KVER" M="$src" modules \
			>"$dir/guest-build.log" 2>&1 && [ -f "$ko" ] && GUEST_KO_BUILT=1
	else
		echo "no guest driver sources in $src" >"$dir/guest-build.log"
	fi
	if [ "$GUEST_KO_BUILT" = 1 ]; then
		host_pass "guest driver: built $ko"
	else
		host_fail "guest driver: not built (log: $dir/guest-build.log); the guest boots without it"
		tail -n 10 "$dir/guest-build.log" | sed 's/^/    /'
	fi
	initramfs_root "$root" "$VMED_ROOT/tests/e2e/init-guest"
	: >"$root/etc/e2e-modules"
	if [ "$GUEST_KO_BUILT" = 1 ]; then
		for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
			initramfs_add_module "$GUEST_KVER" "$root" "$dep"
		done
		cp "$ko" "$root/lib/modules/vmed_guest.ko"
	fi
	: >"$root/etc/e2e-i915-modules"
	if [ "${GUEST_WITH_I915:-0}" = 1 ]; then
		initramfs_add_module "$GUEST_KVER" "$root" i915 e2e-i915-modules
		gem_build "$dir" && cp "$dir/vmed-gem" "$root/bin/vmed-gem"
	fi
	initramfs_pack "$root" "$dir/guest-initramfs.cpio.gz"
}

# gem_build DIR: build tests/gem's program into DIR/vmed-gem against the
# guest kernel's uAPI headers and report it as a host case; returns 1 if
# it failed (the guest then says it has no program).
gem_build() {
	local dir="$1" src="$VMED_ROOT/tests/gem"
	local uapi="/usr/src/linux-headers-${GUEST_KVER%-amd64}-common/include/uapi"
	stage "building the i915 uAPI program ($src)"
	if make -C "$src" O="$dir" UAPI="$uapi" >"$dir/gem-build.log" 2>&1 &&
		[ -x "$dir/vmed-gem" ]; then
		host_pass "i915 uAPI program: built $dir/vmed-gem"
	else
		host_fail "i915 uAPI program: build failed (log: $dir/gem-build.log)"
		tail -n 10 "$dir/gem-build.log" | sed 's/^/    /'
		return 1
	fi
}

# vmm_build DIR [VMM_DIR]: build the test VMM (VMM_DIR, default tests/vmm)
# into DIR/vmed-vmm and report it as a host case; returns 1 if it failed.
vmm_build() {
	local dir="$1" src="${2:-$VMED_ROOT/tests/vmm}"
	stage "building the test VMM ($src)"
	mkdir -p "$dir"
	if make -C "$src" O="$dir" >"$dir/vmm-build.log" 2>&1 &&
		[ -x "$dir/vmed-vmm" ]; then
		host_pass "test VMM: built $dir/vmed-vmm"
	else
		host_fail "test VMM: build failed (log: $dir/vmm-build.log)"
		tail -n 10 "$dir/vmm-build.log" | sed 's/^/    /'
		return 1
	fi
}

HOST_PASSED=0
HOST_FAILED=0
host_pass() { echo "PASS: $*"; HOST_PASSED=$((HOST_PASSED + 1)); }
host_fail() { echo "FAIL: $*"; HOST_FAILED=$((HOST_FAILED + 1)); }

# vmed_sources: the C sources and headers, relative to VMED_ROOT, one per
# line: tracked files in a git checkout, else everything but build products
# (a tarball, or a machine without git). The stand-ins for kernel headers in
# tests/user/include/{linux,asm} are left out: like the headers they stand
# in for (and tools/include), they need what checkpatch rightly refuses in
# driver code (new typedefs such as gfp_t, macros that drop their arguments
# such as MODULE_LICENSE(), volatile bitop signatures).
vmed_sources() {
	if git -C "$VMED_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$VMED_ROOT" ls-files '*.c' '*.h' \
			':!tests/user/include/linux' ':!tests/user/include/asm'
	else
		(cd "$VMED_ROOT" && find . \( -path ./build -o -path ./.git \
			-o -path ./tests/user/include/linux \
			-o -path ./tests/user/include/asm \) -prune -o \
			-name '*.[ch]' ! -name '*.mod.c' -print | sed 's|^\./||' | sort)
	fi
}

# initramfs_modules ROOT "HOST_MODULES" "VMED_MODULES": Debian's modules
# for $KVER (with their dependencies, in load order) and the built vmed
# modules (paths relative to VMED_ROOT; those not built are left out, and
# the initramfs reports them missing) into an initramfs root.
initramfs_modules() {
	local root="$1" m
	for m in $2; do
		initramfs_add_module "$KVER" "$root" "$m"
	done
	for m in $3; do
		if [ -f "$VMED_ROOT/$m" ]; then
			cp "$VMED_ROOT/$m" "$root/lib/modules/vmed/"
		fi
	done
}
