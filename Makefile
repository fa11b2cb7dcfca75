# eslabon: the two commands of the README are `make demo` and `make test`.
# Both install what is missing (Debian packages), configure and build in Release.

BUILD   ?= build
PY      := $(CURDIR)/.venv/bin/python
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build demo test test-cpp test-python bench notebook fingerprints reference clean \
        build-asan test-asan fuzz test-tsan

all: build

setup:
	@.ci/bootstrap

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=/usr/bin/python3 $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

demo: build
	@mkdir -p results
	$(BUILD)/eslabon run configs/chain.yaml -o results/chain.h5
	@echo
	$(BUILD)/eslabon run configs/weak_link.yaml -o results/weak_link.h5

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-python: build
	ESLABON_BIN=$(abspath $(BUILD))/eslabon PYDEVD_DISABLE_FILE_VALIDATION=1 $(PY) -m pytest -q tests/python

test: test-cpp test-python test-asan

# Sanitizers and fuzzing (tests/fuzz/README.md). build-asan: clang with ASan, UBSan and libFuzzer's
# coverage; only what its tests need (target eslabon_sanitize). test-asan: the unit tests and every
# example config under the sanitizers, each fuzz target's corpus replayed and FUZZ_TEST_SECONDS of
# fuzzing each. `make fuzz FUZZ_SECONDS=600` fuzzes each target that long. test-tsan: the threaded
# runner and sweep under ThreadSanitizer (build-tsan; not part of make test): their unit tests, then
# the eslabon binary running, sweeping and being stopped on several threads (tests/fuzz/tsan_cli.sh).
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_SECONDS ?= 600
SAN_DEBUG := -O1 -gline-tables-only
SAN_CMAKE = -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_C_FLAGS_DEBUG=$(SAN_DEBUG)" "-DCMAKE_CXX_FLAGS_DEBUG=$(SAN_DEBUG)" -DESLABON_BENCH=OFF \
  -DPython_EXECUTABLE=/usr/bin/python3 $(CMAKE_FLAGS)
ASAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TSAN := -fsanitize=thread -fno-omit-frame-pointer
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) $(SAN_CMAKE) -DESLABON_FUZZ=ON "-DCMAKE_C_FLAGS=$(ASAN)" \
	  "-DCMAKE_CXX_FLAGS=$(ASAN) -fsanitize=fuzzer-no-link" "-DCMAKE_EXE_LINKER_FLAGS=$(ASAN)"

build-asan: setup $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j$(JOBS) --target eslabon_sanitize

test-asan: build-asan
	cd $(ASAN_BUILD) && $(SAN_ENV) ctest --output-on-failure -j$(JOBS) -L '^(sanitize|fuzz)$$'

fuzz: build-asan
	cd $(ASAN_BUILD) && $(SAN_ENV) FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --output-on-failure -j$(JOBS) -L '^fuzz' \
	  --timeout $$(($(FUZZ_SECONDS) + 600))

$(TSAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(TSAN_BUILD) $(SAN_CMAKE) -DESLABON_TSAN=ON "-DCMAKE_C_FLAGS=$(TSAN)" \
	  "-DCMAKE_CXX_FLAGS=$(TSAN)" "-DCMAKE_EXE_LINKER_FLAGS=$(TSAN)"

test-tsan: setup $(TSAN_BUILD)/CMakeCache.txt
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target eslabon_thread_tests eslabon
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(TSAN_BUILD)/tests/fuzz/eslabon_thread_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 tests/fuzz/tsan_cli.sh $(TSAN_BUILD)/eslabon $(CURDIR)

bench: build
	$(BUILD)/bench/eslabon_bench --benchmark_counters_tabular=true
	ESLABON_BIN=$(abspath $(BUILD))/eslabon $(PY) bench/sweep_scaling.py

# Jupyter on notebooks/ with the eslabon environment (installs the classic Notebook if missing).
notebook: build
	@APT_EXTRA="jupyter-notebook jupyter-client" .ci/bootstrap
	cd notebooks && PYDEVD_DISABLE_FILE_VALIDATION=1 $(PY) -m notebook --no-browser --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root,)

# Regenerate tests/golden/fingerprints.txt (only in a commit meant to change results; say why).
fingerprints: build
	$(BUILD)/tests/eslabon_fingerprint --write tests/golden/fingerprints.txt

# Regenerate configs/*.schema.json and the README's tables of keys from the config vocabulary
# (models/config/vocabulary.cpp); ctest's config_reference fails while they are out of date.
reference: build
	$(BUILD)/tests/eslabon_config_reference --write

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) results
