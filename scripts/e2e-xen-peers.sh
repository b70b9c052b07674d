#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Xen end-to-end harness (scripts/e2e-xen.sh) with both frontends in
# dom0: after the Xen-only checks, dom0 loads VFIO and vmed_kvm next to
# vmed_xen and checks that the core lets one of them hold a vGPU at a
# time (a bound vGPU refuses a VFIO open, an open one refuses binding, one
# log line each) and that a bound vGPU can be removed. No guest runs: one
# paused HVM domain is the binding target. About 4 minutes on 2 cores.
#
# Output: $VMED_BUILD/e2e-xen-peers/console.log
set -euo pipefail
E2E_XEN_PEERS=1 exec bash "$(dirname "${BASH_SOURCE[0]}")/e2e-xen.sh" "$@"
