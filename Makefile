# `make test` and `make demo` work on a fresh machine: they build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_STAMP := $(VENV)/.installed-test
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-bench

.PHONY: test lint typecheck unit demo dist clean bench fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

lint: $(TEST_STAMP)
	$(BIN)/ruff check formance_orch tests examples bench
	$(BIN)/ruff format --check formance_orch tests examples bench

typecheck: $(TEST_STAMP)
	$(BIN)/mypy --strict formance_orch examples

unit: $(TEST_STAMP)
	$(BIN)/pytest --cov=formance_orch --cov-report=term:skip-covered

test: lint typecheck unit

demo: $(TEST_STAMP)
	$(BIN)/python examples/quickstart.py

# A wheel and an sdist (both with py.typed) in $(DIST), built offline with the venv's hatchling.
DIST ?= dist
dist: $(TEST_STAMP)
	rm -rf $(DIST)
	$(BIN)/python -m build --no-isolation --sdist --wheel --outdir $(DIST) .

# The reliability proof suites at full scale (>= 10,000 examples per operation; tens of
# minutes). `make test` runs the same suites with modest counts.
fuzz: $(TEST_STAMP)
	FORMANCE_PROOF=fuzz $(BIN)/pytest -m proof -p no:cacheprovider

# Benchmarks, not part of `make test`: their own venv, with the peer SDK and orjson.
$(BENCH_VENV)/bin/python:
	$(PYTHON) -m venv $(BENCH_VENV)

$(BENCH_STAMP): pyproject.toml | $(BENCH_VENV)/bin/python
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	touch $@

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(BENCH_VENV) dist .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
