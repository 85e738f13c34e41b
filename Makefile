# The two commands a newcomer runs:  `make demo`  and  `make test`.
# Both create .venv; `make demo` installs only the package, `make test` adds the locked dev
# toolchain (requirements/dev.lock, hash-checked, made from pyproject.toml's dependency groups).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/dev.lock
STAMP := $(VENV)/.installed
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
# The other Pythons `make test-pythons` runs the suite on (each in its own .venv-X.Y).
PYTHONS ?= 3.12 3.13

.PHONY: demo test lint typecheck typing-tests pytest test-pythons test-floors lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The package and its runtime dependencies only: what `wumbo demo` needs.
$(VENV)/.package: $(BIN)/python pyproject.toml
	$(PIP) install -e .
	touch $@

# Everything the suite needs, at the locked versions, then the package on top of it.
$(STAMP): $(BIN)/python pyproject.toml $(LOCK)
	$(PIP) install --require-hashes -r $(LOCK)
	$(PIP) install --no-deps -e .
	touch $@

demo: $(VENV)/.package
	$(BIN)/wumbo demo

test: lint typecheck typing-tests pytest

lint: $(STAMP)
	$(BIN)/ruff check wumbo tests benchmarks stubs docs/hooks
	$(BIN)/ruff format --check wumbo tests benchmarks stubs docs/hooks

typecheck: $(STAMP)
	$(BIN)/mypy wumbo tests
	$(BIN)/pyright --pythonpath $(BIN)/python wumbo

typing-tests: $(STAMP)
	$(BIN)/python tests/typing/run.py

pytest: $(STAMP)
	$(BIN)/pytest -q

# pytest on each of $(PYTHONS); a Python that is not installed is reported and skipped.
test-pythons: $(STAMP)
	bash .ci/test-pythons $(PYTHONS)

# The core and decorator tests on the lowest runtime dependencies pyproject.toml allows.
test-floors: $(STAMP)
	PYTHON=$(PYTHON) bash .ci/test-floors

# Re-resolve requirements/dev.lock after a change to pyproject.toml (keeps the pinned versions
# that still fit; `make lock UPGRADE=--upgrade` takes the newest of everything).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --group pyproject.toml:dev --universal \
		--python-version 3.11.5 --generate-hashes --custom-compile-command "make lock" \
		$(UPGRADE) -o $(LOCK)

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .venv-* build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache
