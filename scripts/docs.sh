#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Documentation build and checks:
#
#  1. the kernel's scripts/kernel-doc -none -Wall on every C source and
#     header (not the stand-ins for kernel headers in
#     tests/user/include/{linux,asm}); any warning fails;
#  2. the HTML of Documentation/ with sphinx-build -W (warnings are
#     errors), using the kernel's kernel-doc Sphinx extension from the
#     unpacked kernel source (kernel_source_dir);
#  3. the names the documentation promises exist in the code: every
#     per-vGPU sysfs file (.../vmed/<name>), every mdev type
#     (vmed_i915-N, vmed_nvstub-Nc), every "vmed_xen/<file>" and
#     "debug/vmed/.../<file>" debugfs file, every "vmed:<event>"
#     tracepoint and every "<module>.<param>" module parameter mentioned
#     in Documentation/*.rst.
#
#   bash scripts/docs.sh         all three; HTML in $VMED_BUILD/docs/html
#
# Output: $VMED_BUILD/docs/{kernel-doc.log,sphinx.log,html/}
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="$VMED_BUILD/docs"
mkdir -p "$out"
fails=0

stage "docs: checking dependencies"
need_pkgs perl python3-sphinx xz-utils
ksrc="$(kernel_source_dir)"
[ -x "$ksrc/scripts/kernel-doc" ] || die "no scripts/kernel-doc in $ksrc"
[ -f "$ksrc/Documentation/sphinx/kerneldoc.py" ] ||
	die "no Documentation/sphinx/kerneldoc.py in $ksrc"

cd "$VMED_ROOT"
mapfile -t files < <(vmed_sources)

# 1. kernel-doc. It exits 0 after warnings unless -Werror is given, so its
# output is what counts: -none prints nothing but diagnostics.
stage "docs: kernel-doc -none -Wall on ${#files[@]} files"
log="$out/kernel-doc.log"
if ! "$ksrc/scripts/kernel-doc" -none -Wall "${files[@]}" >"$log" 2>&1; then
	echo "FAIL: kernel-doc exited non-zero (log: $log)"
	fails=$((fails + 1))
fi
if [ -s "$log" ]; then
	cat "$log"
	echo "FAIL: kernel-doc: $(grep -c . "$log") line(s) of warnings (log: $log)"
	fails=$((fails + 1))
else
	echo "PASS: kernel-doc: no warnings in ${#files[@]} files"
fi

# 2. Sphinx, warnings as errors.
stage "docs: sphinx-build -W"
log="$out/sphinx.log"
rm -rf "$out/html" "$out/doctrees"
if VMED_KERNEL_SRC="$ksrc" sphinx-build -W --keep-going -q -b html \
	-d "$out/doctrees" Documentation "$out/html" >"$log" 2>&1; then
	echo "PASS: sphinx-build -W: HTML in $out/html"
else
	cat "$log"
	echo "FAIL: sphinx-build -W (log: $log)"
	fails=$((fails + 1))
fi

# 3. Names in the documentation against the code. Each name is looked for
# as a quoted string or identifier in the C sources that create it.
stage "docs: names in Documentation/*.rst against the code"
missing=0
code_files=(core shims vendors include)
has() {	# has REGEX: the regex matches somewhere in the module sources
	grep -rqE --include='*.c' --include='*.h' -- "$1" "${code_files[@]}"
}
report() {	# report KIND NAME OK
	if [ "$3" = 1 ]; then
		return 0
	fi
	echo "  missing in the code: $1 $2"
	missing=$((missing + 1))
}
check_names() {	# check_names KIND PATTERN NAME...: has PATTERN, @ the name
	local kind=$1 pattern=$2 n ok
	shift 2
	for n in "$@"; do
		ok=0
		has "${pattern//@/$n}" && ok=1
		report "$kind" "$n" "$ok"
	done
}

# Per-vGPU sysfs files: /sys/bus/mdev/devices/<uuid>/vmed/<name>, also
# written "vmed/<name>". They are DEVICE_ATTR_*(name) or VGPU_STAT(name).
# (include/vmed/*.h and the like are paths of the tree, /sys/module/vmed/
# holds module parameters, not per-vGPU files, and debug/vmed/ and
# events/vmed/ are debugfs and tracefs, checked below.)
mapfile -t attrs < <(grep -ohE '[A-Za-z0-9_./-]*vmed/[a-z_]+[.]?[a-z]*' Documentation/*.rst |
		     grep -vE '(^|/)(include|Documentation|module|debug|events)/|[.][a-z]+$' |
		     sed 's|.*vmed/||' | sort -u)
# Frontends add theirs at run time: attr_init(&..., "name", ...) in
# vmed_kvm, attr.name = "name" in vmed_xen.
check_names "sysfs file vmed/" \
	"(DEVICE_ATTR_R[OW]+|VGPU_STAT)\\(@\\)|attr_init\\([^,]+, \"@\"|attr\\.name = \"@\"" \
	"${attrs[@]}"

# mdev types: <driver>-<type>, where the driver is a vendor's platform
# driver and the type a .name in the type table of the same vendor; the
# "name" attribute of a type is <vendor name>-<type>, e.g. i915-8.
vendor_dir() {	# vendor_dir REGEX: the vendors/ directory whose code matches
	grep -rlE --include='*.c' -- "$1" vendors | head -n 1 | xargs -r dirname
}
mapfile -t types < <(grep -ohE '\bvmed_(i915|nvstub)-[0-9a-z]+\b' Documentation/*.rst |
		     sort -u)
for t in "${types[@]}"; do
	dir="$(vendor_dir "driver\\.name = \"${t%%-*}\"")"
	ok=0
	if [ -n "$dir" ] &&
	   grep -rqE --include='*.c' -- "\\.name = \"${t#*-}\"," "$dir"; then
		ok=1
	fi
	report "mdev type" "$t" "$ok"
done
mapfile -t pretty < <(grep -ohE '\b(i915|nvstub)-[0-9][0-9a-z]*\b' Documentation/*.rst |
		      sort -u)
for t in "${pretty[@]}"; do
	dir="$(vendor_dir "^[[:space:]]+\\.name = \"${t%%-*}\",")"
	ok=0
	if [ -n "$dir" ] &&
	   grep -rqE --include='*.c' -- "\\.name = \"${t#*-}\"," "$dir"; then
		ok=1
	fi
	report "mdev type name" "$t" "$ok"
done

# debugfs files of vmed_xen.
mapfile -t dbg < <(grep -ohE 'debug/vmed_xen/[a-z_]+' Documentation/*.rst |
		   sed 's|.*/||' | sort -u)
check_names "debugfs file vmed_xen/" "debugfs_create_[a-z0-9_]+\\(\"@\"" "${dbg[@]}"

# The core's debugfs files: the last component of debug/vmed/<dir>/.../<file>.
mapfile -t cdbg < <(grep -ohE 'debug/vmed/[^ `]*/[a-z_]+\b' Documentation/*.rst |
		    sed 's|.*/||' | sort -u)
check_names "debugfs file vmed/.../" "debugfs_create_file\(\"@\"" "${cdbg[@]}"

# Tracepoints, written <system>:<event> (as set_event and trace-cmd take
# them) or events/<system>/<event>.
mapfile -t tps < <(grep -ohE '\bvmed:vmed_[a-z_]+|events/vmed/vmed_[a-z_]+' Documentation/*.rst |
		   sed 's|.*[:/]||' | sort -u)
check_names "tracepoint vmed:" "TRACE_EVENT\(@," "${tps[@]}"

# Module parameters, written <module>.<param>=... in the documentation.
mapfile -t params < <(grep -ohE '\bvmed(_xen|_kvm|_i915|_nvstub)?\.[a-z_]+=' Documentation/*.rst |
		      sed 's/=$//' | sort -u)
for p in "${params[@]}"; do
	ok=0
	has "module_param(_cb)?\\(${p#*.}," && ok=1
	report "module parameter" "$p" "$ok"
done

checked=$(( ${#attrs[@]} + ${#types[@]} + ${#pretty[@]} + ${#dbg[@]} +
	    ${#cdbg[@]} + ${#tps[@]} + ${#params[@]} ))
if [ "$missing" -eq 0 ] && [ "$checked" -gt 0 ]; then
	echo "PASS: names in the documentation: $checked found in the code"
else
	echo "FAIL: names in the documentation: $missing of $checked not in the code"
	fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] || die "documentation: $fails check(s) failed (logs in $out)"
stage "docs: all checks passed; HTML in $out/html/index.html"
