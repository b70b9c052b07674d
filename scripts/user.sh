#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The userspace build of the core and vendor backends (tests/user): builds
# it with gcc at -O2 and with ASan + UBSan, and with clang likewise, against
# the kernel source tree kernel_source_dir unpacks, and runs the self-test
# and the KVM shim's memory test (kvm_memory) of every variant. Ends with
# their "N passed, N failed".
#
#   bash scripts/user.sh               all four variants
#   USER_VARIANTS="gcc-O2" bash ...    only these
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

variants="${USER_VARIANTS:-gcc-O2 gcc-san clang-O2 clang-san}"
stage "user: checking build dependencies"
pkgs=(make gcc libc6-dev binutils)
case "$variants" in *clang*) pkgs+=(clang libclang-rt-14-dev) ;; esac
need_pkgs "${pkgs[@]}"
ksrc="$(kernel_source_dir)"

out="$VMED_BUILD/user"
log="$out/build.log"
mkdir -p "$out"
stage "user: building $variants (log: $log)"
if ! make -C "$VMED_ROOT/tests/user" KSRC="$ksrc" O="$out" \
	VARIANTS="$variants" -j2 all >"$log" 2>&1; then
	die "userspace build failed" "$log"
fi
if grep -E -i 'warning:|error:' "$log" >"$log.warnings"; then
	cat "$log.warnings" >&2
	die "$(wc -l <"$log.warnings") warning(s) in the userspace build" "$log"
fi
np=0
nf=0
for v in $variants; do
	for prog in selftest kvm_memory; do
		stage "user: $prog ($v)"
		res="$out/$v/$prog.out"
		"$out/$v/$prog" >"$res" 2>&1 || true
		grep -E '^FAIL' "$res" || true
		p=$(grep -c '^PASS' "$res" || true)
		f=$(grep -c '^FAIL' "$res" || true)
		if ! tail -n 1 "$res" | grep -q ' passed, .* failed$'; then
			tail -n 20 "$res"
			echo "FAIL: $prog ($v) did not finish (output: $res)"
			f=$((f + 1))
		fi
		echo "$prog ($v): $p passed, $f failed"
		np=$((np + p))
		nf=$((nf + f))
	done
done
echo "$np passed, $nf failed"
[ "$nf" -eq 0 ]
