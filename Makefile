# citizen-hub: `make run` serves the API with a worker; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint typecheck pytest schema bench clean

$(BIN)/citizen: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/citizen
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/citizen
	PORT=$(PORT) $(BIN)/citizen up --host $(HOST) --port $(PORT)

test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/pytest -q

schema: $(BIN)/citizen
	$(BIN)/citizen schema export

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
