# The advisor's two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL ?= 2
PYTHON ?= python3
# Where the environments live; exported, so scripts/setup_envs.sh, scripts/services.py, the scripts and
# the benchmarks use the same ones (e.g. `make test VENV_DIR=/tmp/venvs`).
export VENV_DIR ?= .venv
GATEWAY_PY := $(VENV_DIR)/gateway/bin/python
RASA_PY := $(VENV_DIR)/rasa/bin/python
# Files the test steps generate (Rasa's conversation test results and log) go under the data dir.
DATA_DIR = $(or $(ADVISOR_DATA_DIR),var)
# Which environment runs which tests (pytest.ini serves both); tests/harness checks the set-up in each.
GATEWAY_TESTS := tests/bot tests/benchmarks tests/harness
RASA_TESTS := tests/common tests/kb tests/nlu tests/actions tests/eval tests/harness
# The part a developer runs while editing: no Chromium, no real servers, nothing slow (pytest.ini markers).
FAST := not browser and not integration and not slow
LINTED := bot actions common components rasa_server scripts tests eval benchmarks
PYTEST_ARGS ?=

.PHONY: help setup setup-gateway setup-rasa train run test test-fast test-gateway test-rasa validate test-conversations test-integration test-stores test-scale browser servers lint eval bench bench-stock bench-load clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

setup: ## create/refresh both Python environments from their lock files (no-op when unchanged)
	@scripts/setup_envs.sh

setup-gateway: ## the gateway environment only (enough for lint and the gateway tests)
	@scripts/setup_envs.sh gateway

setup-rasa: ## the Rasa environment only
	@scripts/setup_envs.sh rasa

train: setup-rasa ## train the model if config, domain, data, components or requirements/rasa.lock changed
	@$(PYTHON) scripts/services.py train

run: setup ## set up, train if needed, start actions + Rasa + gateway; Ctrl-C stops all
	@$(PYTHON) scripts/services.py run

browser: ## install Debian's chromium for the widget's browser tests (no-op when present)
	@scripts/install_browser.sh

servers: ## install Debian's postgresql and redis-server for the scale-out tests (no-op when present)
	@scripts/install_servers.sh

test: setup browser servers ## set up whatever is missing and run every test suite
	@scripts/run_tests.sh

test-fast: setup ## the fast unit tests of both environments: no browser, no real servers, nothing slow
	@$(GATEWAY_PY) -m pytest $(GATEWAY_TESTS) -q -m "$(FAST)" $(PYTEST_ARGS)
	@$(RASA_PY) -m pytest $(RASA_TESTS) -q -m "$(FAST)" $(PYTEST_ARGS)

test-gateway: setup-gateway ## gateway unit/API/browser tests and the benchmarks' pure parts (gateway environment)
	@$(GATEWAY_PY) -m pytest $(GATEWAY_TESTS) -q $(PYTEST_ARGS)

test-rasa: setup-rasa ## knowledge base, tokenizer, action and evaluation-tooling tests (Rasa environment)
	@$(RASA_PY) -m pytest $(RASA_TESTS) -q $(PYTEST_ARGS)

validate: setup-rasa ## rasa data validate, failing on any warning
	@scripts/validate_data.sh

test-conversations: train ## Rasa's conversation tests (tests/conversations); results in $ADVISOR_DATA_DIR/results
	@rm -rf $(DATA_DIR)/results && mkdir -p $(DATA_DIR)/results
	@$(VENV_DIR)/rasa/bin/rasa test core --stories tests/conversations --model models/advisor.tar.gz \
	  --endpoints endpoints.yml --e2e --fail-on-prediction-errors --out $(DATA_DIR)/results/core \
	  >$(DATA_DIR)/results/rasa-test.log 2>&1 \
	  || { tail -60 $(DATA_DIR)/results/rasa-test.log; head -80 $(DATA_DIR)/results/core/failed_test_stories.yml 2>/dev/null; exit 1; }
	@grep -E "Correct:|Accuracy|Finished evaluation" $(DATA_DIR)/results/rasa-test.log | tail -5 || true

# A throwaway data dir unless ADVISOR_DATA_DIR is set: the end-to-end conversations and leads stay out of var/.
test-integration: setup train ## end to end through the real trained Rasa and action server (started, waited for, stopped)
	@ADVISOR_DATA_DIR=$${ADVISOR_DATA_DIR:-$$(mktemp -d)/var} ADVISOR_START_TIMEOUT=$${ADVISOR_START_TIMEOUT:-240} \
	  $(PYTHON) scripts/services.py with-core -- $(GATEWAY_PY) -m pytest tests/integration -q -p no:cacheprovider $(PYTEST_ARGS)

test-stores: setup servers ## the stores on private PostgreSQL + Redis (tests/scale without the fault tests, see README)
	@$(GATEWAY_PY) -m pytest tests/scale -q -p no:cacheprovider --ignore=tests/scale/test_faults.py $(PYTEST_ARGS)

test-scale: setup servers ## several Rasa instances on private PostgreSQL + Redis: stores and fault tests (needs a trained model)
	@$(GATEWAY_PY) -m pytest tests/scale -q -p no:cacheprovider $(PYTEST_ARGS)

lint: setup-gateway ## ruff (lint and format check) over all Python code, mypy --strict over bot/, actions/, common/ (mypy.ini)
	@$(GATEWAY_PY) -m ruff check $(LINTED)
	@$(GATEWAY_PY) -m ruff format --check $(LINTED)
	@$(GATEWAY_PY) -m mypy

eval: ## score the held-out questions against the running services (make run first)
	@$(RASA_PY) eval/score.py

bench: ## benchmark table: NLU F1 per language, load time, latency, memory (make run first)
	@$(RASA_PY) benchmarks/bench.py

bench-stock: ## stock Rasa (rasa init moodbot, temp dir) vs the project's Rasa at RASA_URL, same load, goals of issue 12
	@$(GATEWAY_PY) benchmarks/stock_rasa.py --project-url $${RASA_URL:-http://127.0.0.1:$${RASA_PORT:-5005}} $(BENCH_ARGS)

bench-load: ## load through the gateway's web chat API at 1, 16, 64 visitors (GATEWAY_URL; see README for rate limits)
	@$(GATEWAY_PY) benchmarks/load_gateway.py --url $${GATEWAY_URL:-http://127.0.0.1:$${GATEWAY_PORT:-8080}} $(BENCH_ARGS)

clean: ## remove environments, models and runtime data
	rm -rf $(VENV_DIR) models var .pytest_cache
