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
#   boot_kernel          set KVER and VMLINUZ: the Debian kernel the built
#                        vmed modules are for (installed if missing)
#   initramfs_root DIR INIT   a fresh busybox root with INIT as /init
#   initramfs_add_module, initramfs_pack   (see below)
#   console_result       count a QEMU console's PASS/FAIL lines (see below)

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

# initramfs_add_module KVER ROOT NAME: copy Debian's module NAME for kernel
# KVER to ROOT/lib/modules/NAME.ko, after what it depends on (modinfo), and
# append each name once to ROOT/etc/e2e-modules, which is thus a load order.
# busybox insmod cannot read .ko.xz, so they are decompressed here.
initramfs_add_module() {
	local kver="$1" root="$2" name="${3//-/_}" file dep
	grep -qx "$name" "$root/etc/e2e-modules" 2>/dev/null && return 0
	file="$(modinfo -k "$kver" -n "$name")" || die "no module $name in $kver"
	for dep in $(modinfo -k "$kver" -F depends "$name" | tr ',' ' '); do
		initramfs_add_module "$kver" "$root" "$dep"
	done
	mkdir -p "$root/lib/modules" "$root/etc"
	case "$file" in
	*.ko.xz) xz -dc "$file" >"$root/lib/modules/$name.ko" ;;
	*) cp "$file" "$root/lib/modules/$name.ko" ;;
	esac || die "cannot copy $file"
	echo "$name" >>"$root/etc/e2e-modules"
}

# boot_kernel: QEMU tests boot exactly the kernel the modules were built
# for (core/vmed.ko's vermagic), so they load without --force.
boot_kernel() {
	KVER="$(modinfo -F vermagic "$VMED_ROOT/core/vmed.ko" | cut -d' ' -f1)"
	if [ ! -f "/boot/vmlinuz-$KVER" ] || [ ! -d "/lib/modules/$KVER/kernel" ]; then
		need_pkgs "linux-image-$KVER"
	fi
	VMLINUZ="/boot/vmlinuz-$KVER"
	[ -f "$VMLINUZ" ] || die "no $VMLINUZ after installing linux-image-$KVER"
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

# initramfs_pack ROOT OUT: a gzip'd newc cpio of ROOT, owned by root.
initramfs_pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$2" || die "cannot pack $1 into $2"
}
