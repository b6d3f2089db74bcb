# Gongzhi: `make run` serves the demo portal; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test e2e lint bench loadtest install migrate seed messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

# Serve on SQLite with a django-q2 worker (ORM broker) beside the web server.
run: seed
	@$(MANAGE) demo_accounts
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) qcluster & \
	$(MANAGE) runserver $(HOST):$(PORT)

# The whole suite, browser journeys included (Debian's Chromium; screenshots land in
# test-artifacts/screenshots/). PYTEST_ARGS passes options, e.g. PYTEST_ARGS="-x -k login".
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Only the browser journeys.
e2e: $(STAMP)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/python -m portal.lint_roles
	$(BIN)/python -m portal.lint_modules

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# The last hour of a 5,000-unit assembly on the production stack (gunicorn, qcluster, PostgreSQL,
# Redis) under Locust; checks the database after. Stops by itself in under 10 minutes.
loadtest: $(STAMP)
	$(BIN)/python -m loadtest

messages: $(STAMP)
	$(MANAGE) makemessages -l en -l zh_Hans --no-location --ignore=.venv --ignore=test-artifacts --ignore=benchmarks
	$(BIN)/python -m themes.i18n
	$(MANAGE) compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* test-artifacts
