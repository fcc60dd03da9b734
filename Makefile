# Two set-up commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Reinstall whenever pyproject.toml changes.
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run gateway test lint typecheck layers bench clean

$(BIN)/python:
	@scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

run: $(STAMP)
	$(BIN)/python main.py $(ARGS)

gateway: $(STAMP)
	$(BIN)/python -m console.feeds.gateway $(ARGS)

test: $(STAMP)
	@scripts/ensure-test-deps.sh
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory lint typecheck layers

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
