# The advisor's two commands are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export RASA_TELEMETRY_ENABLED := false
PYTHON ?= python3

.PHONY: help setup train run test test-gateway test-rasa validate test-conversations test-integration test-scale browser servers lint eval bench bench-stock bench-load clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

setup: ## create/refresh both Python environments from their lock files (no-op when unchanged)
	@scripts/setup_envs.sh

train: setup ## train the model if config, domain, data or components changed
	@$(PYTHON) scripts/services.py train

run: setup ## set up, train if needed, start actions + Rasa + gateway; Ctrl-C stops all
	@$(PYTHON) scripts/services.py run

browser: ## install Debian's chromium for the widget's browser tests (no-op when present)
	@scripts/install_browser.sh

servers: ## install Debian's postgresql and redis-server for the scale-out tests (no-op when present)
	@scripts/install_servers.sh

test: setup browser servers ## set up whatever is missing and run every test suite
	@scripts/run_tests.sh

test-gateway: setup ## gateway unit/API/browser tests (gateway environment)
	@.venv/gateway/bin/python -m pytest tests/bot -q

test-rasa: setup ## knowledge base, tokenizer, action and evaluation-tooling tests (Rasa environment)
	@.venv/rasa/bin/python -m pytest tests/kb tests/nlu tests/actions tests/eval -q

test-scale: setup servers ## several Rasa instances on private PostgreSQL + Redis: stores and fault tests (needs a trained model)
	@.venv/gateway/bin/python -m pytest tests/scale -q -p no:cacheprovider

validate: setup ## rasa data validate, failing on any warning
	@scripts/validate_data.sh

lint: setup ## ruff (lint and format check) over all Python code of the project
	@.venv/gateway/bin/ruff check bot actions components scripts tests eval benchmarks
	@.venv/gateway/bin/ruff format --check bot actions components scripts tests eval benchmarks

eval: ## score the held-out questions against the running services (make run first)
	@.venv/rasa/bin/python eval/score.py

bench: ## benchmark table: NLU F1 per language, load time, latency, memory (make run first)
	@.venv/rasa/bin/python benchmarks/bench.py

bench-stock: ## stock Rasa (rasa init moodbot, temp dir) vs the project's Rasa at RASA_URL, same load, goals of issue 12
	@.venv/gateway/bin/python benchmarks/stock_rasa.py --project-url $${RASA_URL:-http://127.0.0.1:$${RASA_PORT:-5005}} $(BENCH_ARGS)

bench-load: ## load through the gateway's web chat API at 1, 16, 64 visitors (GATEWAY_URL; see README for rate limits)
	@.venv/gateway/bin/python benchmarks/load_gateway.py --url $${GATEWAY_URL:-http://127.0.0.1:$${GATEWAY_PORT:-8080}} $(BENCH_ARGS)

clean: ## remove environments, models and runtime data
	rm -rf .venv models var .pytest_cache
