#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl (from Debian's linux-source) over every C
# source and header of vmed. Any error, warning or check fails.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

need_pkgs perl
ksrc="$(kernel_source_dir)"
cd "$VMED_ROOT"
# Sources only (see vmed_sources in lib.sh for what is left out).
mapfile -t files < <(vmed_sources)
stage "checkpatch: ${#files[@]} files"
log="$VMED_BUILD/checkpatch.log"
mkdir -p "$VMED_BUILD"
perl "$ksrc/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" >"$log" 2>&1 || true
if grep -E ': (ERROR|WARNING|CHECK):' "$log"; then
	die "checkpatch found problems" "$log"
fi
stage "checkpatch: clean (log: $log)"
