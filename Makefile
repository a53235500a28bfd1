# nas4ml: the two set-up commands of the README, plus helpers.
#   make quickstart   install what is missing, build Release, run the main job on its default
#   make test         install what is missing, build, run the whole test suite and a short fuzz run
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test fuzz quickstart bench clean help

all: build

help:
	@echo "make quickstart  - install dependencies, build, run the quickstart job"
	@echo "make test        - install dependencies, build, run all tests (ctest)"
	@echo "make build       - configure and build into $(BUILD_DIR)/"
	@echo "make bench       - build and list the benchmark programs (see benchmarks/README.md)"
	@echo "make deps        - install the Debian packages (scripts/install-deps.sh)"
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
