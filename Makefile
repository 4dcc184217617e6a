# tiengmo: the thin wrapper over meson + ninja. The two commands a ward's IT person needs:
#   make run    install what is missing, build, create and migrate the database, load the demo ward
#               into a new database, and serve on http://127.0.0.1:8080
#   make test   install what the tests need and run every suite (unit, API, end-to-end in Chromium,
#               the same on PostgreSQL, sanitizers, fuzz replay)
# Other targets: make (build only), make sanitize, make fuzz, make bench, make clean.

BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
MIGRATIONS := $(wildcard src/store/migrations/*/*.sql)

.PHONY: all deps deps-test run test test-unit test-api test-e2e test-pg sanitize fuzz bench bench-sse clean format
.PHONY: bench-search
.PHONY: bench-startup

all: deps $(BUILD)/tiengmo

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

# meson lists migrations when it configures; reconfigure when one is added.
$(BUILD)/build.ninja: meson.build $(MIGRATIONS)
	@if [ -d $(BUILD) ]; then meson setup --reconfigure $(BUILD) >/dev/null; else meson setup $(BUILD) >/dev/null; fi

$(BUILD)/tiengmo: $(BUILD)/build.ninja FORCE
	@ninja -C $(BUILD) >/dev/null || ninja -C $(BUILD)

FORCE:

run: all
	@./$(BUILD)/tiengmo demo --if-new >/dev/null
	@echo "tiengmo is starting on http://127.0.0.1:8080  (stop with Ctrl-C)"
	@if [ -f data/demo-logins.txt ]; then echo "demo logins:"; cat data/demo-logins.txt; fi
	@exec ./$(BUILD)/tiengmo serve

$(ASAN_BUILD)/build.ninja: meson.build $(MIGRATIONS)
	@if [ -d $(ASAN_BUILD) ]; then meson setup --reconfigure $(ASAN_BUILD) >/dev/null; \
	else meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug >/dev/null; fi

sanitize: deps-test $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD) >/dev/null || ninja -C $(ASAN_BUILD)
	@echo "== unit tests (ASan + UBSan)"
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN_BUILD) --suite unit --print-errorlogs
	@echo "== API tests (ASan + UBSan)"
	@# Reports (a leak at server exit, an error in the server or a CLI run) go to files, since the
	@# harness does not look at every exit status; any report fails the target and is printed.
	@logs="$(CURDIR)/$(ASAN_BUILD)/sanitizer-logs"; rm -rf "$$logs"; mkdir -p "$$logs"; \
	ASAN_OPTIONS=detect_leaks=1:log_path="$$logs/asan" \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path="$$logs/ubsan" \
		TIENGMO_BIN=$(ASAN_BUILD)/tiengmo node --test --test-concurrency=1 tests/api/; rc=$$?; \
	if [ -n "$$(ls -A "$$logs")" ]; then \
		echo "sanitizer reports from the API tests:"; cat "$$logs"/*; exit 1; fi; \
	exit $$rc

test-unit: all
	@echo "== unit tests"
	@meson test -C $(BUILD) --suite unit --print-errorlogs

test-api: all
	@echo "== API tests"
	@TIENGMO_BIN=$(BUILD)/tiengmo node --test --test-concurrency=1 tests/api/

# The web app in Debian's Chromium (playwright-core, axe-core); screenshots in tests/artifacts/e2e/.
test-e2e: all
	@echo "== end-to-end tests (Chromium)"
	@TIENGMO_BIN=$(BUILD)/tiengmo node --test --test-concurrency=1 tests/e2e/

# The store's unit tests (each on a fresh database) and the API suite (a fresh database per server)
# on a throwaway PostgreSQL cluster, which is stopped and removed whatever the outcome.
test-pg: all
	@echo "== unit and API tests on PostgreSQL"
	@export TIENGMO_PG_STATE="$(CURDIR)/$(BUILD)/pg-test.state"; \
	scripts/pg-test.sh stop; url=$$(scripts/pg-test.sh start) || exit 1; \
	trap 'scripts/pg-test.sh stop' EXIT; trap 'exit 130' INT TERM; rc=0; \
	for t in test_store test_audit test_bus test_tips_search; do \
		psql -X -q -d "$$url" -c "CREATE DATABASE unit_$$t" || rc=1; \
		TIENGMO_TEST_DB=$$(echo "$$url" | sed "s|/postgres?|/unit_$$t?|") \
			meson test -C $(BUILD) --print-errorlogs $$t || rc=1; \
	done; \
	TIENGMO_TEST_PG="$$url" TIENGMO_BIN=$(BUILD)/tiengmo node --test --test-concurrency=1 tests/api/ || rc=1; \
	exit $$rc

test: deps-test all
	@$(MAKE) --no-print-directory test-unit test-api test-e2e test-pg sanitize fuzz-replay

# libFuzzer drivers (clang); `make fuzz-replay` runs each over its committed corpus.
$(FUZZ_BUILD)/build.ninja: meson.build $(MIGRATIONS)
	@if [ -d $(FUZZ_BUILD) ]; then meson setup --reconfigure $(FUZZ_BUILD) >/dev/null; \
	else CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null; fi

fuzz-replay: deps-test $(FUZZ_BUILD)/build.ninja
	@ninja -C $(FUZZ_BUILD) fuzz >/dev/null || ninja -C $(FUZZ_BUILD) fuzz
	@echo "== fuzz corpus replay"
	@meson test -C $(FUZZ_BUILD) --suite fuzz --no-rebuild --print-errorlogs

fuzz: fuzz-replay
	@tests/fuzz/run.sh $(FUZZ_BUILD)

bench: all
	@scripts/deps.sh bench
	@TIENGMO_BIN=$(BUILD)/tiengmo bench/http.sh
	@TIENGMO_BIN=$(BUILD)/tiengmo bench/startup.sh

# cold start (exec to the first /healthz answer) and idle RSS, SQLite and PostgreSQL (bench/startup.sh;
# BENCH_BASE_BIN=… runs a second binary alongside, e.g. a build of the commit before a change)
bench-startup: all
	@TIENGMO_BIN=$(BUILD)/tiengmo bench/startup.sh

# search over 1,000,000 tips on both engines (bench/search.sh; COUNT=… for fewer)
bench-search: all
	@scripts/deps.sh bench
	@TIENGMO_BUILD=$(BUILD) bench/search.sh

# live event fan-out: 10,000 streams, one event each; then 2,000 streams with 10 % stalled (bench/sse/)
bench-sse: all
	@TIENGMO_BIN=$(BUILD)/tiengmo bench/sse/run.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
