# citizen-hub: `make run` serves the API with a worker; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint typecheck pytest schema manifest apollo node-deps bench clean

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

pytest: $(VENV)/.dev node-deps
	$(BIN)/pytest -q

# Node packages (lockfiles committed): Apollo's manifest generator and the Apollo Client test.
NODE_DEPS := mobile_contract/node_modules/.package-lock.json tests/apollo/node_modules/.package-lock.json
node-deps: $(NODE_DEPS)

%/node_modules/.package-lock.json: %/package-lock.json %/package.json
	cd $* && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The trusted-documents manifest from mobile_contract/operations, by Apollo's generator.
manifest: $(BIN)/citizen node-deps
	$(BIN)/citizen contract manifest

# A stock Apollo Client app against the API in production mode (also part of `pytest`).
apollo: $(VENV)/.dev node-deps
	$(BIN)/pytest -q -n 0 -s tests/apollo

schema: $(BIN)/citizen
	$(BIN)/citizen schema export

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache mobile_contract/node_modules tests/apollo/node_modules
