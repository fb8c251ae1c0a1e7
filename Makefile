# Jevons: two commands on a fresh machine with Python 3.11+ and git.
#   make demo   set everything up and run the whole pipeline on the bundled sample repository
#   make test   set everything up and run the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_FLAGS ?=
PYTEST_FLAGS ?= -n 2

.PHONY: install test demo bench lint typecheck clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Jevons needs Python 3.11 or newer, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

test: install
	$(BIN)/python -m pytest $(PYTEST_FLAGS)

demo: install
	$(BIN)/jevons demo $(DEMO_FLAGS)

bench: install
	$(BIN)/python -m benchmarks $(BENCH_FLAGS)

lint: install
	$(BIN)/ruff check analyzer dashboard tests sample_repos benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .venv-bench demo-output sample_repos/generated .pytest_cache .mypy_cache .ruff_cache
