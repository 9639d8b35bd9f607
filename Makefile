# clusterguard: build, test, benchmark, lab.
SHELL := /bin/bash
BUN := node_modules/.bin/bun
TSC := node_modules/.bin/tsc
SOURCES := $(shell find src -name '*.ts' 2>/dev/null) $(wildcard src/web/assets/*)
BUILD_FLAGS := --compile --minify --bytecode --format=esm \
	--no-compile-autoload-dotenv --no-compile-autoload-bunfig

.PHONY: all build man deb deps host-deps typecheck lint test test-unit clean lab lab-base lab-matrix lab-initramfs-tools lab-manual-confirm lab-systemd-boot lab-soak install bench sim

all: build

## deps: npm packages, pinned by package-lock.json
deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || bash test/install-host-deps.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## host-deps: Debian packages the tests use (installed only when missing)
host-deps:
	@bash test/install-host-deps.sh

## build: the one executable, dist/clusterguard, and its manual pages and bash completion (man)
build: dist/clusterguard man
dist/clusterguard: $(SOURCES) node_modules/.installed
	@mkdir -p dist
	$(BUN) build $(BUILD_FLAGS) src/main.ts --outfile $@

## man: clusterguard(8) from the yargs commands, clusterguard.toml(5) from the config schema, and the bash completion,
## generated (src/manual/) into dist/man and dist/bash-completion; never committed
MANUAL := dist/man/clusterguard.8 dist/man/clusterguard.toml.5 dist/bash-completion/clusterguard
man: $(MANUAL)
$(MANUAL) &: $(SOURCES) src/manual/completion.bash.in examples/clusterguard.toml node_modules/.installed
	$(BUN) src/manual/generate.ts dist

## deb: dist/clusterguard_VERSION_ARCH.deb, the Debian package of exactly what `make install` installs, built with
## dpkg-deb (packaging/deb/: control file, maintainer scripts, copyright, lintian overrides)
VERSION := $(shell sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' package.json)
DEB := dist/clusterguard_$(VERSION)_$(shell dpkg --print-architecture 2>/dev/null).deb
deb: $(DEB)
$(DEB): dist/clusterguard $(MANUAL) $(wildcard packaging/deb/* initrd/kernel/* initrd/systemd/* dracut-module/90clusterguard/* initrd/initramfs-tools/*/* initrd/initramfs-tools/*/*/*) \
		README.md examples/clusterguard.toml Makefile
	@bash test/install-host-deps.sh dpkg-dev
	bash packaging/deb/build.sh dist

typecheck: node_modules/.installed
	$(TSC) -p . --noEmit

## lint: Biome (format and lint, biome.json) over the TypeScript, shellcheck over every shell script
## (test/shell-scripts.sh lists them); fails on any finding. `make test` runs it as two of its tests.
lint: node_modules/.installed
	@bash test/install-host-deps.sh shellcheck
	@bash test/lint.sh

## sim: randomized simulation of two real node runtimes under faults (docs/design.md, "Randomized simulation"). SEED=S replays one
## schedule with its timeline; otherwise SIM_MINUTES (default 10) or SIM_COUNT schedules on SIM_JOBS processes (2); Ctrl-C ends
## a run early with the summary of what it covered.
SIM_JOBS ?= 2
SIM_MINUTES ?= 10
sim: node_modules/.installed
	@$(BUN) test/sim/main.ts $(if $(SEED),--seed $(SEED),--jobs $(SIM_JOBS) $(if $(SIM_COUNT),--count $(SIM_COUNT),--minutes $(SIM_MINUTES)))

## lab-base: the cached Debian 12 base image (outside the clone; rebuilt only when its inputs change)
lab-base:
	@bash qemu/image/build-base.sh

## test: everything a fresh Debian 12 machine needs, then the linters, every test and the lab scenarios
test: deps host-deps typecheck build deb lab-base
	@bash test/run.sh

## test-unit: the tests alone (no install, no build)
test-unit:
	@bash test/run.sh

clean:
	rm -rf dist

## lab: the two-VM QEMU demonstration (qemu/)
lab: deps host-deps deb lab-base
	qemu/lab demo

## lab-matrix: every lab scenario, MATRIX_REPEAT times (default 1), then a table of passes per scenario
MATRIX_REPEAT ?= 1
lab-matrix: deps host-deps deb lab-base
	qemu/lab matrix --repeat $(MATRIX_REPEAT)

## lab-initramfs-tools: the scenarios start-one-by-one and kill-active with a guard initrd that initramfs-tools built
## (an image of its own, where initramfs-tools replaced dracut: needs the Debian mirror when it is built)
lab-initramfs-tools: deps host-deps deb lab-base
	CG_LAB_INITRD=initramfs-tools qemu/lab scenario start-one-by-one kill-active

## lab-systemd-boot: the VMs boot through OVMF and systemd-boot on the shared disk, each machine by the default its own
## NVRAM names (an image of its own): boot-entry-selection (with a machine whose NVRAM was cleared waiting at the menu)
lab-systemd-boot: deps host-deps deb lab-base
	CG_LAB_BOOT=systemd-boot qemu/lab scenario boot-entry-selection

## lab-manual-confirm: a pair fenced by its BMCs alone (an image of its own), the ACTIVE's BMC dead and its power cut:
## the STANDBY waits off the shared disk until the administrator confirms in its initrd shell
lab-manual-confirm: deps host-deps deb lab-base
	CG_LAB_FENCE=ipmi-only qemu/lab scenario manual-confirm

## lab-soak: the chaos soak: random faults from a seeded schedule for SOAK_MINUTES (default 60), checked all along;
## SOAK_SEED=N repeats a run's schedule (default: a random seed, printed). Fails on any split brain, lost acknowledged
## record, false or missed failover.
SOAK_MINUTES ?= 60
SOAK_SEED ?=
lab-soak: deps host-deps deb lab-base
	qemu/lab chaos --minutes $(SOAK_MINUTES) $(if $(SOAK_SEED),--seed $(SOAK_SEED))

## install: the executable, the dracut module, the initramfs-tools hook and script, the kernel hooks, the agent's
## unit, the manual pages, the bash completion and the docs, into DESTDIR (default: this system); `make deb` packages exactly this
DESTDIR ?=
install: build
	install -D -m 0755 dist/clusterguard $(DESTDIR)/usr/bin/clusterguard
	install -d $(DESTDIR)/usr/lib/dracut/modules.d/90clusterguard
	install -m 0755 dracut-module/90clusterguard/*.sh $(DESTDIR)/usr/lib/dracut/modules.d/90clusterguard/
	install -m 0644 dracut-module/90clusterguard/*.service dracut-module/90clusterguard/*.conf dracut-module/90clusterguard/kernel-modules $(DESTDIR)/usr/lib/dracut/modules.d/90clusterguard/
	install -D -m 0755 initrd/initramfs-tools/hooks/clusterguard $(DESTDIR)/usr/share/initramfs-tools/hooks/clusterguard
	install -D -m 0755 initrd/initramfs-tools/scripts/local-premount/clusterguard $(DESTDIR)/usr/share/initramfs-tools/scripts/local-premount/clusterguard
	install -D -m 0755 initrd/kernel/zz-clusterguard $(DESTDIR)/etc/kernel/postinst.d/zz-clusterguard
	install -D -m 0755 initrd/kernel/zz-clusterguard $(DESTDIR)/etc/kernel/postrm.d/zz-clusterguard
	install -D -m 0755 initrd/kernel/60-clusterguard.install $(DESTDIR)/usr/lib/kernel/install.d/60-clusterguard.install
	install -D -m 0644 initrd/systemd/clusterguard-agent.service $(DESTDIR)/usr/lib/systemd/system/clusterguard-agent.service
	install -D -m 0644 dist/man/clusterguard.8 $(DESTDIR)/usr/share/man/man8/clusterguard.8
	install -D -m 0644 dist/man/clusterguard.toml.5 $(DESTDIR)/usr/share/man/man5/clusterguard.toml.5
	install -D -m 0644 dist/bash-completion/clusterguard $(DESTDIR)/usr/share/bash-completion/completions/clusterguard
	install -D -m 0644 README.md $(DESTDIR)/usr/share/doc/clusterguard/README.md
	install -D -m 0644 examples/clusterguard.toml $(DESTDIR)/usr/share/doc/clusterguard/examples/clusterguard.toml
	install -d -m 0700 $(DESTDIR)/etc/clusterguard

## bench: failure detection vs keepalived, false failovers under load, idle cost, start-up; prints a table,
## writes bench/results.json (root: network namespaces). BENCH_RUNS=20 BENCH_LOAD_SECONDS=300, ONLY=detection|keepalived|load|cost|startup.
## The guards get MIMALLOC_PURGE_DELAY=-1, as guard-initrd.sh and the agent's unit start them.
.PHONY: bench
bench: build host-deps
	@bash test/install-host-deps.sh keepalived stress-ng socat iproute2 util-linux
	MIMALLOC_PURGE_DELAY=-1 $(BUN) bench/run.ts $(if $(ONLY),--only $(ONLY))
