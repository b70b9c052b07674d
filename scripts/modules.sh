#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build every vmed module out of tree against Debian's 6.12 kernel headers,
# with W=1 and sparse on every file. Any compiler, sparse or modpost warning
# fails the build.
#
#   bash scripts/modules.sh            build (W=1 + sparse)
#   KDIR=/path/to/headers bash ...     use another header tree
#   VMED_HOST_KERNEL=dir bash ...      the sanitizer kernel's build tree
#                                      (scripts/sanitizer-kernel.sh)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stage "modules: checking build dependencies"
need_pkgs make gcc libc6-dev sparse kmod bc
if [ -z "${KDIR:-}" ] && [ -n "${VMED_HOST_KERNEL:-}" ]; then
	KDIR="$VMED_HOST_KERNEL/obj"
elif [ -z "${KDIR:-}" ]; then
	# The 6.12 series is what vmed targets; the exact release is whatever
	# Debian ships today.
	ls -d /usr/src/linux-headers-6.12.*-amd64 >/dev/null 2>&1 ||
		need_pkgs linux-headers-6.12-amd64
	KDIR="$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sort -V | tail -n 1)"
fi
[ -f "$KDIR/Makefile" ] || die "no kernel headers at $KDIR"

log="$VMED_BUILD/modules.log"
mkdir -p "$VMED_BUILD"
stage "modules: building against $(basename "$KDIR") with W=1 and sparse (C=2)"
if ! make -C "$KDIR" M="$VMED_ROOT" W=1 C=2 modules >"$log" 2>&1; then
	die "module build failed" "$log"
fi
if grep -E -i 'warning:|error:' "$log" >"$log.warnings"; then
	cat "$log.warnings" >&2
	die "$(wc -l <"$log.warnings") warning(s) in the module build" "$log"
fi
mods=$(cd "$VMED_ROOT" && find . -name '*.ko' -not -path './build/*' | sort)
for m in $mods; do
	stage "modules: built ${m#./} ($(modinfo -F description "$VMED_ROOT/$m" | cut -c1-60)...)"
done
stage "modules: $(echo "$mods" | wc -w) module(s), 0 warnings (log: $log)"
