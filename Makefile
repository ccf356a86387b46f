# The README's two commands: `make demo` and `make test`. Both create .venv and install
# PollGuard with its dev extras on first use (and again when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/pollguard demo

# ruff and mypy, then the import contracts of pyproject.toml: the layers, no import circles,
# and the web and command line reaching the database only through the services.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Two processes, each running whole test files (their module-scoped servers and databases
# stay in one process); TEST_JOBS=0 runs the suite in this one process.
TEST_JOBS ?= 2
test: lint
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile

clean:
	rm -rf $(VENV) out pollguard.db pollguard.db-wal pollguard.db-shm
