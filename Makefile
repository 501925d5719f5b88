# The two commands a newcomer needs: `make run` and `make test`.
# Both bootstrap .venv on their own with the first Python >= 3.12 that really runs.

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_DEBUG ?= 1

.PHONY: run test bench fuzz install lint check migrate demo clean

# The background worker (answer generation, view flushes, rankings) and the
# scheduler that queues the periodic tasks run next to the web server;
# Ctrl-C, or the server stopping for any reason, stops all three.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install migrate demo
	@echo "Serving WhatAnswers on http://$(HOST):$(PORT)/ with a background worker and scheduler (Ctrl-C stops all)"
	@$(PY) manage.py run_worker & worker=$$!; \
	$(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	DATABASE_STATEMENT_TIMEOUT=$${DATABASE_STATEMENT_TIMEOUT:-5000} $(PY) manage.py runserver $(HOST):$(PORT)

test: install lint check node_modules/.installed
	$(PY) -m pytest --durations=15

# The property-based tests at full strength: 2,500 cases each, 12,500 in all
# (make test runs 300 each). Add DATABASE_URL=postgres://... for PostgreSQL.
FUZZ_CASES ?= 2500
fuzz: install
	FUZZ_CASES=$(FUZZ_CASES) $(PY) -m pytest -p no:cacheprovider tests/pages/test_fuzzing.py

# The site under gunicorn beside a bare Django view, loaded with wrk. Without
# DATABASE_URL it uses a throwaway SQLite database with the demo answers;
# `make bench SCALE=100000 DATABASE_URL=postgres://.../wa_bench` generates (once)
# and measures a large site. Redis is used as the cache when it is running.
SCALE ?= 0
bench: install
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; } \
	  || { echo "error: make bench needs wrk: sudo apt-get install wrk" >&2; exit 1; }
	@tmp=$$(mktemp -d); \
	export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver \
	  DJANGO_SECRET_KEY=bench-only-not-a-secret-0123456789abcdefghij DJANGO_SECURE_SSL_REDIRECT=0; \
	[ -n "$$DATABASE_URL" ] || export DATABASE_URL=sqlite:///$$tmp/bench.sqlite3; \
	if [ -z "$$REDIS_URL" ] && $(PY) -c 'import socket; socket.create_connection(("127.0.0.1", 6379), 1)' 2>/dev/null; \
	  then export REDIS_URL=redis://127.0.0.1:6379/9; fi; \
	$(PY) manage.py collectstatic --noinput -v0 && $(PY) manage.py bench --scale $(SCALE) $(BENCH_ARGS); \
	status=$$?; rm -rf "$$tmp"; exit $$status

install: $(VENV)/.installed

# Re-installs whenever pyproject.toml changes. The shims of a pyenv whose global
# version is older than 3.12 exist but fail, so every candidate is run for real.
$(VENV)/.installed: pyproject.toml
	@set -e; \
	ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }; \
	py=""; \
	for c in "$$PYTHON" python3.13 python3.12; do \
	  if [ -n "$$c" ] && ok "$$c"; then py="$$c"; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  root=$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv"); \
	  for c in $$(ls -d "$$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do \
	    if ok "$$c/bin/python3"; then py="$$c/bin/python3"; break; fi; \
	  done; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "error: no working Python >= 3.12 found (tried \$$PYTHON, python3.13, python3.12, pyenv)." >&2; \
	  echo "Install one, or point PYTHON=/path/to/python3.12+ at it." >&2; \
	  exit 1; \
	fi; \
	if [ -x $(PY) ] && ! ok $(PY); then rm -rf $(VENV); fi; \
	echo "Using $$("$$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV); \
	$(PY) -m pip install --quiet --upgrade pip; \
	$(PY) -m pip install --quiet -e ".[dev]"; \
	touch $@

# Lighthouse, which the browser suite runs (tests/pages/test_lighthouse.py). Without
# npm those tests skip and say why; CI has Node and npm. package.json pins two
# of its dependencies (overrides): one of Lighthouse's own asks for them as
# "latest", which `npm ci` refuses as soon as a newer release is out.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
	  echo "note: npm not found, so the Lighthouse checks will be skipped" >&2; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

migrate: install
	$(PY) manage.py migrate --noinput

# Loads the demo answers only into an empty database, so local edits survive restarts.
demo: migrate
	$(PY) manage.py import_articles --if-empty --create-missing demo/
	$(PY) manage.py describe_taxonomy demo/taxonomy.yaml

clean:
	rm -rf $(VENV) node_modules db.sqlite3 .pytest_cache .ruff_cache screenshots
