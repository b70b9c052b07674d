#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The main job. Until the hypervisor shims exist (issues 4 and 5) it boots
# Debian's real 6.12 kernel in QEMU and loads the vmed modules there (the
# vendors register their software GPUs), then runs the KUnit suites in a UML
# kernel with KASAN, UBSAN and lockdep, and prints what each suite exercised.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stage "run: booting Debian's 6.12 kernel in QEMU and loading the vmed modules"
bash "$VMED_ROOT/scripts/e2e-boot.sh"
stage "run: booting a UML kernel with the vmed core and its KUnit suites"
bash "$VMED_ROOT/scripts/kunit.sh" --no-coverage
cat <<'TXT'

What just ran: first, Debian's own 6.12 kernel under QEMU loaded the KVM,
VFIO and mdev stack and the three vmed modules, which registered their
software GPUs and unloaded cleanly. Then the core and both vendor backends
ran in a User-Mode Linux kernel, driven through a fake hypervisor that
counts every pin, mapping, tracked page and MSI:
  vmed_device  vendor descriptor validation, GGTT/fence partition
  vmed_vgpu    attach/detach, failed state, reset, destroy while busy
  vmed_cfg     PCI config: BAR sizing, RW1C, traps follow BARs, MSI
  vmed_mmio    O(1) register dispatch, RO/W1C/masked, refused accesses
  vmed_irq     IIR/IMR/IER/master -> MSI edges
  vmed_ggtt    guest GGTT writes -> host entries with DMA addresses
  vmed_ppgtt   4-level shadowing, tracked writes, 2M pages, hostile trees
  vmed_dma     gfn <-> DMA cache, batching, invalidation
  vmed_engine  device-side memory access for software engines
  vmed_registry  shims hear of devices in any load order
  vmed_i915    a guest driver's flow on the Gen9-class vGPU: PVINFO, GGTT,
               PPGTT, execlist submission, blits, MSI; hostile workloads
  vmed_nvstub  the same on the nvidia-stub model: channels, GPFIFO, copy
               engine, semaphores; hostile pushbuffers
Every test ends with the fake hypervisor checking nothing is left pinned,
tracked or trapped.
TXT
