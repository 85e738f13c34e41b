# The two commands a newcomer runs:  `make demo`  and  `make test`.
# Both create .venv and install the project into it first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck typing-tests pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/wumbo demo

test: lint typecheck typing-tests pytest

lint: $(STAMP)
	$(BIN)/ruff check wumbo tests benchmarks
	$(BIN)/ruff format --check wumbo tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy wumbo tests
	$(BIN)/pyright --pythonpath $(BIN)/python wumbo

typing-tests: $(STAMP)
	$(BIN)/python tests/typing/run.py

pytest: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
