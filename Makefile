# SPDX-License-Identifier: GPL-2.0
# vmed: every target installs what it needs (Debian 12, as root) and prints
# the stage it is in. The kernel build itself is driven by ./Kbuild.

# make fuzz FUZZ_SECONDS=N: every fuzz target for N seconds (default 60)
FUZZ_SECONDS ?= 60

.PHONY: all modules kunit checkpatch docs dkms user-test bench fuzz e2e-boot e2e e2e-xen-smoke e2e-xen e2e-xen-peers e2e-sanitizers check run clean

all: modules

modules:
	@bash scripts/modules.sh

kunit:
	@bash scripts/kunit.sh

checkpatch:
	@bash scripts/checkpatch.sh

docs:
	@bash scripts/docs.sh

dkms:
	@bash scripts/dkms.sh

user-test:
	@bash scripts/user.sh

bench:
	@bash scripts/bench.sh

fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

e2e-boot:
	@bash scripts/e2e-boot.sh

e2e:
	@bash scripts/e2e.sh

e2e-xen-smoke:
	@bash scripts/e2e-xen-smoke.sh

e2e-xen:
	@bash scripts/e2e-xen.sh

e2e-xen-peers:
	@bash scripts/e2e-xen-peers.sh

e2e-sanitizers:
	@bash scripts/e2e-sanitizers.sh

check:
	@bash scripts/check.sh

run:
	@bash scripts/run.sh

clean:
	rm -rf build
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name 'modules.order' -o -name 'Module.symvers' \) \
		-not -path './.git/*' -delete
