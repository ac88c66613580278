# Backing Lancashire: `make run` serves the site, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-fast lint format migrate postcodes static check-migrations bench bench-import soak clean

# Reinstall only when pyproject.toml changes, so a second run is quick.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --editable ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

# A development .env: debug on and a generated secret key. Never used in production.
.env:
	@printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote a development .env (debug on, a new secret key)."

migrate: $(STAMP) .env
	$(PY) manage.py migrate --noinput

# The postcode directory, the first time only (about 20 s on SQLite); see the README.
postcodes: migrate
	$(PY) manage.py load_postcodes --if-empty

static: $(STAMP) .env
	$(PY) manage.py collectstatic --noinput --verbosity 0

run: postcodes
	@echo
	@echo "  Backing Lancashire is at http://127.0.0.1:$(PORT)/"
	@echo "  Emails (with their confirmation links) are printed here, in this console,"
	@echo "  by the mail worker started beside the site."
	@echo "  Make an admin user (in another shell): $(PY) manage.py createsuperuser"
	@echo "  then sign in at http://127.0.0.1:$(PORT)/admin/"
	@echo
	@export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(PY) manage.py db_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) .env
	$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the slow tests (browsers, servers, other processes, Hypothesis, the
# benchmark's driver): a quick loop while working.
test-fast: $(STAMP) .env
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Load test under gunicorn: BENCH_N (10000), DATABASE_URL, REDIS_URL; see the README.
bench: $(STAMP) .env
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run.py

# Import a year of spending files (12 x 5,000 rows) BENCH_IMPORT_RUNS (3) times, against
# 30 s and 200 MB; DATABASE_URL (its spending tables are emptied). See the README.
bench-import: $(STAMP) .env
	@test -x /usr/bin/time || (apt-get update -qq && apt-get install -y -qq time)
	$(PY) bench/spend_import.py --runs $${BENCH_IMPORT_RUNS:-3}

# Mixed load for SOAK_SECONDS (300), then checks; SMOKE=1 for one minute. See the README.
soak: $(STAMP) .env
	bench/soak $(if $(SMOKE),--smoke,)

# Fails when a model change has no migration.
check-migrations: $(STAMP) .env
	$(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
