#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl (from Debian's linux-source) over every C
# source and header of vmed. Any error, warning or check fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_pkgs perl
ksrc="$(kernel_source_dir)"
cd "$VMED_ROOT"
# Sources only: tracked files in a git checkout, else everything but build
# products (a tarball, or a machine without git). The stand-ins for kernel
# headers in tests/user/include/{linux,asm} are left out: like the headers
# they stand in for (and tools/include), they need what checkpatch rightly
# refuses in driver code (new typedefs such as gfp_t, macros that drop
# their arguments such as MODULE_LICENSE(), volatile bitop signatures).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files '*.c' '*.h' \
			     ':!tests/user/include/linux' ':!tests/user/include/asm')
else
	mapfile -t files < <(find . \( -path ./build -o -path ./.git \
			       -o -path ./tests/user/include/linux \
			       -o -path ./tests/user/include/asm \) -prune -o \
			     -name '*.[ch]' ! -name '*.mod.c' -print | sort)
fi
stage "checkpatch: ${#files[@]} files"
log="$VMED_BUILD/checkpatch.log"
mkdir -p "$VMED_BUILD"
perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" >"$log" 2>&1 || true
if grep -E ': (ERROR|WARNING|CHECK):' "$log"; then
	die "checkpatch found problems" "$log"
fi
stage "checkpatch: clean (log: $log)"
