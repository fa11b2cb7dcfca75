# eslabon: the two commands of the README are `make demo` and `make test`.
# Both install what is missing (Debian packages), configure and build in Release.

BUILD   ?= build
PY      := $(CURDIR)/.venv/bin/python
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup build demo test test-cpp test-python bench notebook fingerprints reference clean

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

test: test-cpp test-python

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
	rm -rf $(BUILD) results
