# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both create or refresh .venv first; a second run skips the install.

VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := .tools/node_modules/.installed
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3; do \
             command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
             && { echo $$p; break; }; done)

.PHONY: setup tools demo test test-all lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "agent-guard needs Python 3.11 or newer: install it (e.g. 'pyenv install 3.12') and run make again." >&2; \
	  exit 2; fi
	@[ -x $(BIN)/python ] && $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	  || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# Test tools from npm (Microsoft's SARIF Multitool), pinned in .tools/package-lock.json.
# Without npm the SARIF Multitool test is skipped, except under CI, where it fails.
tools: $(TOOLS)

$(TOOLS): .tools/package.json .tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix .tools --no-audit --no-fund --loglevel=error && touch $(TOOLS); \
	else echo "npm not found: the SARIF Multitool test will be skipped (install Node.js to run it)" >&2; fi

demo: setup
	@$(BIN)/python examples/demo.py

# The package is type-checked strictly; tests and benchmarks too, without strict's rules on
# annotations (every body is still checked). Each run keeps its own cache: the options differ.
MYPY_LOOSE := --allow-untyped-defs --allow-incomplete-defs --allow-untyped-calls --allow-any-generics \
              --allow-untyped-decorators --allow-subclassing-any --no-warn-return-any

lint: setup
	$(BIN)/ruff check agent_guard tests benchmarks
	$(BIN)/ruff format --check agent_guard tests benchmarks
	$(BIN)/mypy
	$(BIN)/mypy $(MYPY_LOOSE) --cache-dir .mypy_cache/tests tests
	$(BIN)/mypy $(MYPY_LOOSE) --cache-dir .mypy_cache/benchmarks benchmarks

# The whole suite on .venv's Python with coverage (the agent-guard processes the tests spawn
# included; the floor is fail_under in pyproject.toml), then all but the slow tests on every
# other supported Python installed (tools/pythons: 3.11 and newer), each in .venv-X.Y.
test: lint tools
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered
	tools/test-pythons --fast

# The whole suite on every supported Python installed.
test-all: lint tools
	$(BIN)/python -m pytest
	tools/test-pythons

bench: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(VENV)-3.* .tools/node_modules .demo benchmarks/.work
