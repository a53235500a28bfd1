# nas4ml: the two set-up commands of the README, plus helpers.
#   make quickstart   install what is missing, build Release, run the main job on its default
#   make test         install what is missing, build, run the whole test suite and a short fuzz run
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test test-sanitize test-tsan fuzz quickstart bench clean help

all: build

help:
	@echo "make quickstart  - install dependencies, build, run the quickstart job"
	@echo "make test        - install dependencies, build, run all tests (ctest)"
	@echo "make build       - configure and build into $(BUILD_DIR)/"
	@echo "make bench       - build and list the benchmark programs (see benchmarks/README.md)"
	@echo "make deps        - install the Debian packages (scripts/install-deps.sh)"
	@echo "make test-sanitize - the test suite under ASan+UBSan (build-asan/), then the parallel tests under TSan (build-tsan/; TSAN=0 skips it)"
	@echo "make test-tsan     - the parallel tests under ThreadSanitizer only (build-tsan/)"
	@echo "make fuzz        - fuzz every parser with libFuzzer + ASan/UBSan, FUZZ_SECONDS each (default 10)"

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) > $(BUILD_DIR).configure.log 2>&1 \
	  || { cat $(BUILD_DIR).configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 1500
	@FUZZ_SEED=1 scripts/fuzz.sh 5

# The suite under sanitizers (docs/reliability.md): not part of `make test` (it builds the project
# twice more and runs several times slower). ASAN_TESTS / TSAN_TESTS are ctest -R regular
# expressions choosing the tests (default: all under ASan+UBSan, the parallel ones under TSan).
ASAN_TESTS ?= .
# The Python tests load the module into Debian's python3, which is not built with the sanitizer
# (the ASan runtime must come first in a process); the module's C++ is what the C++ tests run.
ASAN_EXCLUDE ?= ^python:
TSAN ?= 1
TSAN_TESTS ?= ^(search|campaign|e2e):
TSAN_TARGETS ?= nas4ml search_tests campaign_tests e2e_tests
SAN_CMAKE = -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
  -DNAS4ML_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS)
test-sanitize: deps
	@cmake -S . -B build-asan $(SAN_CMAKE) -DNAS4ML_SANITIZE=address,undefined > build-asan.configure.log 2>&1 \
	  || { cat build-asan.configure.log; exit 1; }
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitize/lsan.supp:print_suppressions=0 \
	  OMPI_MCA_mca_base_component_disable_dlclose=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) --timeout 6000 -R '$(ASAN_TESTS)' -E '$(ASAN_EXCLUDE)'
	@if [ "$(TSAN)" = 1 ]; then $(MAKE) --no-print-directory test-tsan; fi

test-tsan: deps
	@cmake -S . -B build-tsan $(SAN_CMAKE) -DNAS4ML_SANITIZE=thread > build-tsan.configure.log 2>&1 \
	  || { cat build-tsan.configure.log; exit 1; }
	@cmake --build build-tsan -j $(JOBS) --target $(TSAN_TARGETS)
	@cd build-tsan && TSAN_OPTIONS="suppressions=$(CURDIR)/tests/sanitize/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -j $(JOBS) --timeout 6000 -R '$(TSAN_TESTS)'

FUZZ_SECONDS ?= 10
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

# The quickstart builds only the program it runs (not the test programs).
quickstart: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target nas4ml
	@scripts/quickstart.sh $(BUILD_DIR)

bench: build
	@ls $(BUILD_DIR)/benchmarks 2>/dev/null || echo "no benchmarks built"

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log
