# Hue commune records portal. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run migrate seed test test-fast lint fmt messages worker beat check clean bench bench-dvcqg compute-stats backup restore loadtest

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create the virtualenv and install the project with its dev tools

migrate: install ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

seed: migrate ## Load reference data and demo accounts (idempotent)
	$(BIN)/python manage.py seed_demo

run: seed ## Set everything up and serve the portal at http://127.0.0.1:8000 (SQLite, in-process Celery)
	@echo ""
	@echo "Portal: http://$(HOST):$(PORT)/   (Ctrl+C to stop)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
	$(BIN)/python -m pytest

test-fast: install ## Quick local loop: skips tests marked slow (>~5 s) and browser; stops at the first failure (ARGS=... for pytest)
	$(BIN)/python -m pytest -q -x -m "not slow and not browser" $(ARGS)

lint: install ## ruff check, format check and the import contracts (lint-imports)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install ## Format and fix with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install ## Django system checks and missing migrations
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

messages: install ## Extract and compile the Vietnamese translations (needs gettext)
	$(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages -l vi --ignore '.venv/*'

worker: install ## Run a Celery worker (needs REDIS_URL)
	$(BIN)/celery -A hue_admin worker -Q celery,dvcqg,notify --loglevel=info

beat: install ## Run Celery beat (needs REDIS_URL)
	$(BIN)/celery -A hue_admin beat --loglevel=info

compute-stats: install ## Recompute the daily figures (FROM=YYYY-MM-DD TO=YYYY-MM-DD; default: first record to today)
	$(BIN)/python manage.py compute_stats $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

bench: install ## Benchmark the statistics on PostgreSQL with 1,000,000 records (writes docs/benchmarks.md)
	$(BIN)/python benchmarks/stats_bench.py

bench-dvcqg: install ## Benchmark the national-portal connector: inbound submissions/s and delivery latency p50/p95 (N=2000 HISTORY=300000 THREADS=4; writes docs/benchmarks.md)
	$(BIN)/python benchmarks/dvcqg_bench.py $(if $(N),--count $(N)) $(if $(HISTORY),--history $(HISTORY)) $(if $(THREADS),--threads $(THREADS))

loadtest: install ## Load test: gunicorn + Celery worker on PostgreSQL, concurrent clerks (CLERKS=50 DURATION=60 WORKERS=4 THREADS=1 CELERY=2; writes docs/benchmarks.md)
	$(BIN)/python benchmarks/loadtest.py $(if $(CLERKS),--clerks $(CLERKS)) $(if $(DURATION),--duration $(DURATION)) \
		$(if $(WORKERS),--workers $(WORKERS)) $(if $(THREADS),--threads $(THREADS)) \
		$(if $(CELERY),--celery $(CELERY)) $(if $(THINK),--think $(THINK))

backup: install ## Back up the configured database to backups/ (FILE=path to choose the file)
	$(BIN)/python manage.py backup_database $(if $(FILE),"$(FILE)")

restore: install ## Restore a backup over the configured database (FILE=path required; YES=1: do not ask)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/hue-portal-YYYYmmdd-HHMMSS.dump [YES=1]" >&2; exit 2; }
	$(BIN)/python manage.py restore_database "$(FILE)" $(if $(filter 1,$(YES)),--yes)

clean: ## Remove the virtualenv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3* staticfiles .pytest_cache .ruff_cache
