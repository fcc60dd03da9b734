# Two set-up commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The suite on two workers (CI has 2 cores; each test is made to hold on a busy machine).
TEST_WORKERS ?= 2
# Reinstall whenever pyproject.toml changes.
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# No QT_QPA_PLATFORM here: `make run` shows the console on the user's display. The tests
# (tests/conftest.py), `make bench` and `--screenshot` choose offscreen themselves.

.PHONY: run gateway demo-replay test lint typecheck layers bench soak install-desktop clean

$(BIN)/python:
	@scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

# The libraries Qt's platform plugin needs first (installed as root, else the command that does).
run: $(STAMP)
	@scripts/ensure-display-deps.sh $(BIN)/python
	$(BIN)/python main.py $(ARGS)

gateway: $(STAMP)
	$(BIN)/python -m console.feeds.gateway $(ARGS)

# A real bank's busy day (February 1999), replayed through a gateway fed by adapters, on the
# console: the whole day in a few minutes (scripts/demo-replay.sh says how to choose another).
demo-replay: $(STAMP)
	@scripts/ensure-display-deps.sh $(BIN)/python
	@scripts/demo-replay.sh $(BIN)/python

test: $(STAMP)
	@scripts/ensure-test-deps.sh $(BIN)/python
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile
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

# The gateway with the bank scenario for DAYS simulated days (docs/performance.md#soak).
DAYS ?= 7
soak: $(STAMP)
	$(BIN)/python -m benchmarks.soak --days $(DAYS)

# The console in the user's application menu: a desktop entry that starts this checkout's
# .venv/bin/supervisor-console, and its icon (under ~/.local/share).
install-desktop: $(STAMP)
	$(BIN)/supervisor-console --install-desktop

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Qt Linguist translations (docs/architecture.md, "A new translation"): every resources/i18n/*.ts
# brought up to date with the tr() texts of console/ (vanished texts dropped), then compiled to the
# .qm beside it. Commit both; tests/test_translations.py fails when either is out of date.
# lupdate takes `#:` comments for notes to translators; ours document attributes (and would land on
# the next message of the file), so they are dropped from the .ts.
I18N_TS := $(wildcard resources/i18n/console_*.ts)
.PHONY: translations
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete -locations none $$(find console -name '*.py' | LC_ALL=C sort) -ts $(I18N_TS)
	sed -i '/^ *<extracomment>.*<\/extracomment>$$/d' $(I18N_TS)
	$(BIN)/pyside6-lrelease $(I18N_TS)
