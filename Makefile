# Jevons: two commands on a fresh machine with Python 3.11+ and git.
#   make demo   set everything up and run the whole pipeline on the bundled sample repository
#   make test   set everything up and run the test suite
# Both install from requirements.lock, the exact versions the tests last passed with.
#   make lock         re-resolve requirements.lock (and the oldest lock) from pyproject.toml
#   make test-latest  run the suite on the newest releases, in a throwaway environment
#   make test-oldest  run the suite on the lowest versions pyproject.toml claims
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
UV_VERSION := 0.13.9
UV     := $(BIN)/uv
LOCK        := requirements.lock
OLDEST_LOCK := requirements-oldest.lock
COMPILE = $(UV) pip compile --quiet pyproject.toml --extra test --python-version 3.11
DEMO_FLAGS ?=
PYTEST_FLAGS ?= -n 2

.PHONY: install test demo bench lint format typecheck lock test-latest test-oldest clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Jevons needs Python 3.11 or newer, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

test: install
	$(BIN)/python -m pytest $(PYTEST_FLAGS)

demo: install
	$(BIN)/jevons demo $(DEMO_FLAGS)

bench: install
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

lint: install
	$(BIN)/ruff check analyzer dashboard tests sample_repos benchmarks
	$(BIN)/ruff format --check analyzer dashboard tests sample_repos benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format analyzer dashboard tests sample_repos benchmarks

# The lock is universal (every platform, Python 3.11 and newer) and carries hashes.
lock: install
	$(COMPILE) --universal --generate-hashes --upgrade -o $(LOCK)
	$(COMPILE) --universal --generate-hashes --upgrade --resolution lowest-direct -o $(OLDEST_LOCK)

# A suite run in a throwaway environment, from $(1): a lock file, or nothing for the newest.
define throwaway_suite
	@set -e; env=$$(mktemp -d); trap 'rm -rf "$$env"' EXIT; \
	$(UV) venv --quiet --python $(BIN)/python "$$env"; \
	if [ -n "$(1)" ]; then \
	  $(UV) pip install --quiet --python "$$env/bin/python" --require-hashes -r $(1); \
	  $(UV) pip install --quiet --python "$$env/bin/python" --no-deps -e .; \
	else \
	  $(UV) pip install --quiet --python "$$env/bin/python" --upgrade -e '.[test]'; \
	fi; \
	$(UV) pip list --quiet --python "$$env/bin/python" --format freeze \
	  | grep -iE '^(duckdb|numpy|pandas|scipy|statsmodels|streamlit|dask)==' | tr '\n' ' '; echo; \
	"$$env/bin/python" -m pytest $(PYTEST_FLAGS)
endef

test-latest: install
	$(call throwaway_suite,)

test-oldest: install
	$(call throwaway_suite,$(OLDEST_LOCK))

clean:
	rm -rf $(VENV) .venv-bench demo-output sample_repos/generated .pytest_cache .mypy_cache .ruff_cache
