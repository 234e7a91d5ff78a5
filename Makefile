# kcal — one plain GNU Makefile. Objects go to $(BUILD) so a sanitizer build
# (make test-asan, BUILD=build-asan) never mixes with the normal one.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc
PKGS      := libical libevent jansson sqlite3 zlib libmicrohttpd libxml-2.0 \
             libcrypt nettle

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN      := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
             -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS    ?= -O2 -g
# override: what kcal needs is added even to CFLAGS given on the command
# line (test-asan does that).
override CFLAGS += -std=c11 -D_GNU_SOURCE -DKCAL_VERSION='"$(VERSION)"' -Iinclude -Idaemon \
             $(WARN) $(PKG_CFLAGS) $(SAN)
LDFLAGS   += $(SAN)

COMMON_SRC := include/kcal-protocol.c include/xmalloc.c include/when.c \
              include/itinerary-fmt.c include/itinerary-html.c \
              include/users.c
DAEMON_LIB := $(filter-out daemon/kcald.c,$(wildcard daemon/*.c))
DAEMON_SRC := daemon/kcald.c
CLIENT_LIB := $(filter-out client/kcal.c,$(wildcard client/*.c))
CLIENT_SRC := client/kcal.c
UNIT_SRC   := $(wildcard tests/unit/test-*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
COMMON_OBJ := $(call obj,$(COMMON_SRC))
DLIB_OBJ   := $(call obj,$(DAEMON_LIB))
CLIB_OBJ   := $(call obj,$(CLIENT_LIB))
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BENCH_BIN  := $(BUILD)/bench/floor $(BUILD)/bench/kbench $(BUILD)/bench/maxrss
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRC))
FUZZ_REG   := $(patsubst %,$(BUILD)/tests/%,$(FUZZ_NAMES))
FUZZ_SECONDS ?= 60
FUZZ_OBJ   := $(call obj,$(FUZZ_SRC) tests/fuzz/driver.c)

all: $(BUILD)/kcald $(BUILD)/kcal

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/kcald: $(call obj,$(DAEMON_SRC)) $(DLIB_OBJ) $(COMMON_OBJ)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/kcal: $(call obj,$(CLIENT_SRC)) $(CLIB_OBJ) $(COMMON_OBJ)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs jansson libcrypt 2>/dev/null)

# Unit tests link the library objects of both sides from archives, so only
# the objects a test uses are pulled in (daemon/server.o needs kcald.c's
# server_reload: a test that uses it defines its own).  Each test-*.c has
# a main.
$(BUILD)/libkcald.a: $(DLIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(BUILD)/libkcal.a: $(CLIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libkcald.a \
    $(BUILD)/libkcal.a $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

deps:
	@sh contrib/deps.sh test

build-deps:
	@sh contrib/deps.sh build

# A fuzz target's saved inputs (corpus and regressions) as a test: the
# target with tests/fuzz/driver.c's main, built by the normal compiler.
$(BUILD)/tests/fuzz-%: $(BUILD)/tests/fuzz/fuzz-%.o $(BUILD)/tests/fuzz/driver.o \
    $(BUILD)/libkcald.a $(BUILD)/libkcal.a $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

tests: all $(UNIT_BIN) $(BENCH_BIN) $(FUZZ_REG) $(BUILD)/tests/slowsync.so

# Preloaded into kcald by test-sync-offloop.sh and test-remind-offloop.sh
# (a slow disk, for commits):
# built without the sanitizers, which a preloaded library cannot carry.
$(BUILD)/tests/slowsync.so: tests/e2e/slowsync.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) -O2 -shared -fPIC $(WARN) -o $@ $< -ldl

.SECONDARY: $(FUZZ_OBJ)

test: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) sh tests/run.sh

# AddressSanitizer + UndefinedBehaviorSanitizer, leak checking on.
test-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' tests
	@BUILD=build-asan KCAL_SANITIZED=1 sh tests/run.sh

# ThreadSanitizer: kcald's worker threads (daemon/worker.c) against its
# loop.  The tests that run threads: the feeds' (built off the loop),
# CalDAV's reads and a socket peer's (off the loop too), the HTTP
# server's, and the basic walk; TSAN_TESTS to choose others (or all:
# TSAN_TESTS="$$(cd tests && ls unit/test-*.c e2e/test-*.sh)").
TSAN_TESTS ?= e2e/test-feed-offloop.sh e2e/test-feeds.sh \
	e2e/test-golden-feeds.sh e2e/test-briefing.sh e2e/test-feed-leaks.sh \
	e2e/test-dav-offloop.sh e2e/test-dav-read.sh e2e/test-read-offloop.sh \
	e2e/test-basic.sh e2e/test-checkpoint.sh unit/test-worker.c \
	unit/test-httpd.c unit/test-log.c unit/test-import-pipe.c \
	e2e/test-import-stream.sh
test-tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=thread' tests
	@BUILD=build-tsan KCAL_SANITIZED=1 TSAN_OPTIONS='halt_on_error=1 second_deadlock_stack=1' \
	    sh tests/run.sh $(TSAN_TESTS)

# ThreadSanitizer for CI (.ci/run), a few minutes: only kcald and the unit
# tests it runs are built, and only the tests of code that runs on threads:
# the worker (feeds built off the loop), the login threads (CalDAV's
# yescrypt), an import's record thread (import-pipe.c, alone and in
# kcald) and its commit thread (with status and a SIGTERM during it),
# group commit, and the socket's and CalDAV's reads on the worker pool,
# the WAL's checkpoint thread (and its own writes), and the sync thread
# (with its slow-disk library, slowsync.so: groups, CalDAV writes and a
# reminder burst).
TSAN_CI_TESTS := unit/test-worker.c unit/test-account.c unit/test-store-ckpt.c \
	unit/test-import-pipe.c e2e/test-import-stream.sh \
	e2e/test-feed-offloop.sh e2e/test-dav-auth.sh e2e/test-import-status.sh \
	e2e/test-group-commit.sh e2e/test-read-offloop.sh e2e/test-dav-offloop.sh \
	e2e/test-checkpoint.sh e2e/test-sync-offloop.sh e2e/test-remind-offloop.sh \
	e2e/test-log-offloop.sh
test-tsan-ci: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=thread' all build-tsan/tests/slowsync.so \
	    $(patsubst unit/%.c,build-tsan/tests/%,$(filter unit/%,$(TSAN_CI_TESTS)))
	@BUILD=build-tsan KCAL_SANITIZED=1 TSAN_OPTIONS='halt_on_error=1 second_deadlock_stack=1' \
	    sh tests/run.sh $(TSAN_CI_TESTS)

# Hardening (README.md, "Hardening and limits").  make fuzz: each libFuzzer
# target for FUZZ_SECONDS, built by clang with ASan and UBSan in build-fuzz;
# a crash leaves its input in build-fuzz/fuzz/ and fails the target.
fuzz: build-deps
	@sh contrib/deps.sh fuzz
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all' \
	    fuzz-targets
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run-fuzz.sh $(FUZZ_NAMES)

fuzz-targets: $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_NAMES))

$(BUILD)/fuzz/fuzz-%: $(BUILD)/tests/fuzz/fuzz-%.o $(BUILD)/libkcald.a \
    $(BUILD)/libkcal.a $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) -lm

# The end-to-end suite with kcald under valgrind memcheck (KCALD_WRAPPER,
# honoured by tests/e2e/lib.sh): any error or definite leak fails the test.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --track-fds=no
test-valgrind: deps
	@sh contrib/deps.sh valgrind
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) KCALD_WRAPPER='$(VALGRIND)' \
	    sh tests/run.sh $$(cd tests && ls e2e/test-*.sh)

# The kill loop's long run (make test runs 5 kills).
test-killloop-long: all
	@BUILD=$(BUILD) KCAL_KILL_LOOPS=$${KCAL_KILL_LOOPS:-200} \
	    sh tests/run.sh e2e/test-killloop.sh

# 200 concurrent clients against a private kcald (tests/load/, LOAD_SECONDS).
load: all
	@BUILD=$(BUILD) sh tests/load/run.sh

# Benchmarks (tests/bench/): never part of `make test`.  BENCH_N="1000 10000
# 100000" chooses the sizes; the table and $(BUILD)/bench/results.json are
# described in README.md, "Performance".  The bench tools are built by
# `make tests` too, for the harness's smoke test (tests/e2e/test-bench-smoke.sh).
# Section 8 (tests/bench/davbench.py) puts kcald's CalDAV beside Radicale's
# when the Debian package radicale is installed.
# kbench sends with kcal's own conn_write_all (client/conn.c).
$(BUILD)/tests/bench/kbench.o: override CFLAGS += -Iclient
$(BUILD)/bench/kbench: $(BUILD)/tests/bench/kbench.o $(BUILD)/libkcal.a \
    $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# maxrss starts the clients whose peak memory the bench prints (why: the
# file's comment).
$(BUILD)/bench/maxrss: $(BUILD)/tests/bench/maxrss.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^

# floor creates its databases with the store's own code (store_open, the
# real migrations), so it links the daemon's objects as a unit test does.
$(BUILD)/bench/floor: $(BUILD)/tests/bench/floor.o $(BUILD)/libkcald.a \
    $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

bench: all $(BENCH_BIN)
	@BUILD=$(BUILD) python3 tests/bench/bench.py

# The Debian package (contrib/debian, README.md "Debian package"): the
# source is copied to $(BUILD)/deb/kcal-$(VERSION) with contrib/debian as
# its debian/, then built there by dpkg-buildpackage; the .deb lands in
# $(BUILD)/deb/ and lintian's verdict in $(BUILD)/deb/lintian.txt.
DEB_DIR := $(BUILD)/deb/kcal-$(VERSION)
deb:
	@sh contrib/deps.sh deb
	@rm -rf $(BUILD)/deb && mkdir -p $(DEB_DIR)
	@cp -R Makefile README.md include daemon client contrib tests $(DEB_DIR)/
	@cp -R contrib/debian $(DEB_DIR)/debian
	@cd $(DEB_DIR) && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
	    { tail -n 30 ../build.log; exit 1; }
	@lintian --display-info --pedantic $(BUILD)/deb/kcal_*.deb >$(BUILD)/deb/lintian.txt 2>&1 || true
	@ls $(BUILD)/deb/*.deb
	@cat $(BUILD)/deb/lintian.txt

run: build-deps
	@$(MAKE) --no-print-directory all
	@sh contrib/run-demo.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/lib/systemd/user
	install -m 755 $(BUILD)/kcald $(BUILD)/kcal $(DESTDIR)$(PREFIX)/bin/
	install -m 644 contrib/man/kcal.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 contrib/man/kcald.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 contrib/man/kcal-protocol.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 644 contrib/man/kcald.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 contrib/completion/kcal.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kcal
	install -d $(DESTDIR)$(PREFIX)/share/kcal
	install -m 755 contrib/notify/kcal-notify-send contrib/notify/kcal-notify-mail \
	    contrib/notify/kcal-notify-push $(DESTDIR)$(PREFIX)/share/kcal/
	install -m 644 contrib/notify/kcal-notify-lib.sh $(DESTDIR)$(PREFIX)/share/kcal/
	sed 's|@BINDIR@|$(PREFIX)/bin|' contrib/systemd/kcald.service > $(DESTDIR)$(PREFIX)/lib/systemd/user/kcald.service

clean:
	rm -rf build build-asan build-tsan build-fuzz

.PHONY: all deps build-deps tests test test-asan test-tsan test-tsan-ci bench run install clean deb \
	fuzz fuzz-targets test-valgrind test-killloop-long load

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
