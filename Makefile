# The project's commands. Each target creates the virtual environment it needs, so a fresh clone needs only
# Python 3.11+ and access to the package registries.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint check bench fuzz soak compare examples client clean

HOST ?= 127.0.0.1
PORT ?= 8000

run: $(STAMP) ## Install, migrate and seed the embedded SQLite database when needed, and serve on $(HOST):$(PORT)
	$(BIN)/micromet db upgrade
	$(BIN)/micromet seed
	$(BIN)/micromet serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## Run the whole test suite, then the linters, the import layers and the type checker
	$(BIN)/pytest
	$(BIN)/lint-imports
	$(BIN)/ruff check app tests bench clients/python
	$(BIN)/ruff format --check app tests bench clients/python
	$(BIN)/mypy --strict app tests bench clients/python/src

test-fast: $(STAMP) ## The edit loop: SQLite unit and API tests, no PostgreSQL, browser or server processes
	$(BIN)/pytest -q -m "not postgres and not browser and not slow"

lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check app tests bench clients/python
	$(BIN)/ruff format --check app tests bench clients/python
	$(BIN)/mypy --strict app tests bench clients/python/src

check: $(STAMP) ## Validate the curated content and report coverage, writing nothing
	$(BIN)/micromet check

bench: $(STAMP) ## Benchmark micromet against the FastAPI ceiling with wrk; writes bench/results.json
	$(BIN)/python -m bench.run

fuzz: $(STAMP) ## Deep contract fuzzing: schemathesis, all checks and phases, positive+negative, 500 examples/operation
	$(BIN)/python -m bench.fuzz

examples: $(STAMP) ## Write app/web/openapi_examples.json: a real answer of every operation, for the OpenAPI document
	$(BIN)/python -m bench.openapi_examples

client: $(STAMP) ## Regenerate the standalone client's models and typed collections (clients/python) from the OpenAPI document
	$(BIN)/python -m bench.client_codegen

compare: $(STAMP) ## Compare the API's answers to a few hundred requests with revision $(BASE) (default HEAD), byte for byte
	$(BIN)/python -m bench.behaviour --base $(or $(BASE),HEAD)

soak: $(STAMP) ## 60 s of mixed traffic at 64 connections: unexpected statuses, socket errors, p99, RSS growth
	$(BIN)/python -m bench.soak

$(STAMP): pyproject.toml clients/python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]" -e clients/python
	touch $(STAMP)

clean:
	rm -rf $(VENV) data bench/.data .pytest_cache .mypy_cache .ruff_cache
