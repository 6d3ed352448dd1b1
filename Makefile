# newswire: `make demo` runs the whole pipeline on the seeds; `make test` runs every test, services included.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
SERVICES := bash deploy/local/services.sh
PYTEST := $(BIN)/python -m pytest

.PHONY: venv services stop demo test unit eval bench schemas clean

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.2
	$(BIN)/pip install --quiet -e '.[dev,eval]'
	touch $@

services:
	$(SERVICES) fetch
	$(SERVICES) start

stop:
	$(SERVICES) stop

# Starts the local services, runs the demo, and stops what it started (even when the demo fails).
demo: venv
	@$(SERVICES) fetch
	@started=0; $(SERVICES) status >/dev/null 2>&1 || { $(SERVICES) start && started=1; } || exit 1; \
	$(BIN)/newswire demo seeds; rc=$$?; \
	[ $$started = 1 ] && $(SERVICES) stop; exit $$rc

# The whole suite: unit tests, contract tests, evaluations on ../shared/eval, integration and fault tests
# on the real Kafka and Elasticsearch (started here unless already running, and stopped again).
test: venv
	@$(SERVICES) fetch
	@started=0; $(SERVICES) status >/dev/null 2>&1 || { $(SERVICES) start && started=1; } || exit 1; \
	$(PYTEST) -ra --durations=15 --doctest-modules pipeline tests; rc=$$?; \
	[ $$started = 1 ] && $(SERVICES) stop; exit $$rc

unit: venv
	$(PYTEST) -ra --doctest-modules pipeline tests/unit

schemas: venv
	$(BIN)/newswire schemas

eval: venv
	$(BIN)/python -m bench.eval_formats
	$(BIN)/python -m bench.eval_repair
	$(BIN)/python -m bench.eval_entities
	$(BIN)/python -m bench.eval_quotes

bench: venv
	$(BIN)/python -m bench.bench_repair
	$(BIN)/python -m bench.bench_entities
	$(BIN)/python -m bench.bench_quotes

clean:
	$(SERVICES) stop --wipe || true
	rm -rf $(VENV) .pytest_cache
