# `make test` and `make demo` work on a fresh machine: they build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_STAMP := $(VENV)/.installed-test

.PHONY: test lint typecheck unit demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

lint: $(TEST_STAMP)
	$(BIN)/ruff check formance_orch tests examples
	$(BIN)/ruff format --check formance_orch tests examples

typecheck: $(TEST_STAMP)
	$(BIN)/mypy --strict formance_orch

unit: $(TEST_STAMP)
	$(BIN)/pytest --cov=formance_orch --cov-report=term:skip-covered

test: lint typecheck unit

demo: $(TEST_STAMP)
	$(BIN)/python examples/demo.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .coverage
