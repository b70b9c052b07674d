#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# DKMS packaging test: what an operator does with dkms.conf, against
# Debian's 6.12 kernel headers. The tree is copied to /usr/src/vmed-<ver>,
# added, built and installed with Debian's dkms for that kernel release,
# the installed modules are checked (vermagic, dependencies, found by
# modinfo through depmod), and everything is removed again. Nothing is
# loaded. Prints one PASS:/FAIL: line per check and "N passed, N failed".
#
#   bash scripts/dkms.sh
#
# A vmed already known to DKMS at the same version is left alone: the test
# refuses to run rather than replace an operator's installation.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODULES="vmed vmed_mdev vmed_i915 vmed_nvstub vmed_kvm vmed_xen"

stage "dkms: checking packages"
need_pkgs dkms make gcc libc6-dev kmod
ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 ||
	need_pkgs linux-headers-6.12-amd64
KDIR="$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sort -V | tail -n 1)"
KVER="${KDIR#/usr/src/linux-headers-}"
VER="$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$VMED_ROOT/dkms.conf")"
[ -n "$VER" ] || die "no PACKAGE_VERSION in dkms.conf"
SRC="/usr/src/vmed-$VER"
OUT="$VMED_BUILD/dkms"
mkdir -p "$OUT"

if dkms status "vmed/$VER" 2>/dev/null | grep -q .; then
	die "vmed/$VER is already known to DKMS ($(dkms status "vmed/$VER" | head -n 1)); remove it first: dkms remove vmed/$VER --all"
fi
[ -e "$SRC" ] && die "$SRC exists; remove it first"

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
# step "case" LOG command...: run, PASS or FAIL by its status, tail of LOG
# on failure.
step() {
	local c=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		pass "$c"
	else
		fail "$c"
		tail -n 15 "$log" | sed 's/^/    /'
		return 1
	fi
}

cleanup() {
	dkms remove "vmed/$VER" --all >/dev/null 2>&1 || true
	rm -rf "$SRC"
}
trap cleanup EXIT

stage "dkms: copying the tree to $SRC"
# Sources only: tracked files in a git checkout, else all but build products.
mkdir -p "$SRC"
if git -C "$VMED_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$VMED_ROOT" ls-files -z | (cd "$VMED_ROOT" && xargs -0 cp --parents -t "$SRC")
else
	(cd "$VMED_ROOT" && tar --exclude=./build --exclude=./.git --exclude='*.ko' \
		--exclude='*.o' -cf - .) | tar -C "$SRC" -xf -
fi

stage "dkms: add, build and install vmed/$VER for $KVER"
step "dkms add vmed/$VER" "$OUT/add.log" dkms add "vmed/$VER"
if ! step "dkms build vmed/$VER -k $KVER" "$OUT/build.log" \
	dkms build "vmed/$VER" -k "$KVER"; then
	make_log="/var/lib/dkms/vmed/$VER/build/make.log"
	[ -f "$make_log" ] && tail -n 20 "$make_log" | sed 's/^/    make.log: /'
fi
step "dkms install vmed/$VER -k $KVER" "$OUT/install.log" \
	dkms install "vmed/$VER" -k "$KVER" || true
if dkms status "vmed/$VER" -k "$KVER" 2>&1 | grep -q ': installed'; then
	pass "dkms status: vmed/$VER, $KVER: installed"
else
	fail "dkms status: vmed/$VER, $KVER: installed"
	dkms status 2>&1 | sed 's/^/    /'
fi

# What depmod made of it: modinfo -k finds each module by name.
for m in $MODULES; do
	file=$(modinfo -k "$KVER" -n "$m" 2>/dev/null || true)
	case "$file" in
	/lib/modules/"$KVER"/updates/dkms/"$m".ko*)
		pass "$m installed: $file" ;;
	*)
		fail "$m installed in /lib/modules/$KVER/updates/dkms"
		echo "    modinfo -k $KVER -n $m: '${file:-not found}'"
		continue ;;
	esac
	vm=$(modinfo -k "$KVER" -F vermagic "$m" | cut -d' ' -f1)
	if [ "$vm" = "$KVER" ]; then
		pass "$m: vermagic $KVER"
	else
		fail "$m: vermagic $KVER"
		echo "    vermagic '$vm'"
	fi
	if [ "$m" != vmed ]; then
		deps=$(modinfo -k "$KVER" -F depends "$m")
		if echo ",$deps," | grep -q ',vmed,'; then
			pass "$m: depends on vmed ($deps)"
		else
			fail "$m: depends on vmed"
			echo "    depends '$deps'"
		fi
	fi
	# The shims are peers: neither needs the other, and Xen needs no VFIO.
	if [ "$m" = vmed_xen ]; then
		if echo ",$deps," | grep -qE ',(vmed_kvm|vfio[a-z_]*),'; then
			fail "vmed_xen: needs neither vmed_kvm nor vfio"
			echo "    depends '$deps'"
		else
			pass "vmed_xen: needs neither vmed_kvm nor vfio ($deps)"
		fi
	fi
done

stage "dkms: removing vmed/$VER"
step "dkms remove vmed/$VER --all" "$OUT/remove.log" \
	dkms remove "vmed/$VER" --all || true
left=$(find "/lib/modules/$KVER" -name 'vmed*.ko*' 2>/dev/null | head -n 5)
if [ -z "$left" ]; then
	pass "no vmed module left in /lib/modules/$KVER"
else
	fail "no vmed module left in /lib/modules/$KVER"
	echo "$left" | sed 's/^/    /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
