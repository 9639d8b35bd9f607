# clusterguard: build, test, benchmark, lab.
SHELL := /bin/bash
BUN := node_modules/.bin/bun
TSC := node_modules/.bin/tsc
SOURCES := $(shell find src -name '*.ts' 2>/dev/null)
BUILD_FLAGS := --compile --minify --bytecode --format=esm \
	--no-compile-autoload-dotenv --no-compile-autoload-bunfig

.PHONY: all build deps host-deps typecheck test test-unit clean lab install

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

## build: the one executable, dist/clusterguard
build: dist/clusterguard
dist/clusterguard: $(SOURCES) node_modules/.installed
	@mkdir -p dist
	$(BUN) build $(BUILD_FLAGS) src/main.ts --outfile $@

typecheck: node_modules/.installed
	$(TSC) -p . --noEmit

## test: everything a fresh Debian 12 machine needs, then every test
test: deps host-deps typecheck build
	@bash test/run.sh

## test-unit: the tests alone (no install, no build)
test-unit:
	@bash test/run.sh

clean:
	rm -rf dist

## lab: the two-VM QEMU demonstration (qemu/)
lab:
	@if [ -x qemu/lab ]; then qemu/lab demo; else echo "make lab: the QEMU lab (qemu/) is not built yet" >&2; exit 1; fi

## install: the executable, the dracut module and the kernel hooks, into DESTDIR (default: this system)
DESTDIR ?=
install: build
	install -D -m 0755 dist/clusterguard $(DESTDIR)/usr/bin/clusterguard
	install -d $(DESTDIR)/usr/lib/dracut/modules.d/90clusterguard
	install -m 0755 dracut-module/90clusterguard/*.sh $(DESTDIR)/usr/lib/dracut/modules.d/90clusterguard/
	install -m 0644 dracut-module/90clusterguard/*.service dracut-module/90clusterguard/*.conf $(DESTDIR)/usr/lib/dracut/modules.d/90clusterguard/
	install -D -m 0755 initrd/kernel/zz-clusterguard $(DESTDIR)/etc/kernel/postinst.d/zz-clusterguard
	install -D -m 0755 initrd/kernel/zz-clusterguard $(DESTDIR)/etc/kernel/postrm.d/zz-clusterguard
	install -D -m 0755 initrd/kernel/60-clusterguard.install $(DESTDIR)/usr/lib/kernel/install.d/60-clusterguard.install
	install -D -m 0644 README.md $(DESTDIR)/usr/share/doc/clusterguard/README.md
	install -d -m 0700 $(DESTDIR)/etc/clusterguard
