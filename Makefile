# Two commands on a fresh machine: `make up` runs the whole system, `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: up test lint format bench chaos clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tdkt needs Python 3.11+")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(STAMP)

up: $(STAMP)
	$(BIN)/tdkt up

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Every fault scenario against the real services as processes; prints one row each (docs/reliability.md).
# `make chaos ARGS=--quick` runs the fast subset; `ARGS="\"store restored\" --size 40"` one scenario.
chaos: $(STAMP)
	$(BIN)/python -m chaos $(ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
