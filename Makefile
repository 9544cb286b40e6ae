# Two commands on a fresh machine: `make run` and `make test` (README.md).
SHELL := /bin/bash
PORT ?= 8000
SITE ?= default
PY := .venv/bin/python
BOOTSTRAP := apps/housing_campaign/scripts/bootstrap.sh
export SITE

.PHONY: run test setup bench lint sync clean-site messages

# The address `make run` serves is the one printed in certificates' QR codes (BASE_URL=... overrides).
BIND ?= 127.0.0.1
BASE_URL ?= http://$(BIND):$(PORT)

run:  ## install, prepare the default site (SQLite, reference and demo data) and serve it (debug off)
	@$(BOOTSTRAP) run
	@PORT=$(PORT) BASE_URL=$(BASE_URL) SERVE_URL=http://$(BIND):$(PORT)/ $(PY) manage.py setup_site --demo
	@PORT=$(PORT) BASE_URL=$(BASE_URL) $(PY) manage.py runserver --insecure $(BIND):$(PORT)

setup:  ## install and prepare the site without serving it
	@$(BOOTSTRAP) run
	@$(PY) manage.py setup_site --demo

test:  ## install everything the suite needs and run the whole suite (DATABASE_URL=postgres://... for PostgreSQL)
	@$(BOOTSTRAP) test
	@$(PY) -m pytest $(PYTEST_ARGS)

bench:  ## benchmarks on PostgreSQL, writing reports to tests/bench/reports/
	@$(BOOTSTRAP) test
	@$(PY) tests/bench/run.py $(BENCH_ARGS)

lint:  ## ruff, and the layer contract of ARCHITECTURE.md (import-linter)
	@$(BOOTSTRAP) test
	@.venv/bin/ruff check --config apps/housing_campaign/pyproject.toml apps tests
	@cd apps/housing_campaign && ../../.venv/bin/lint-imports --no-cache

sync:
	@$(PY) manage.py sync

# Source strings are Vietnamese; locale/en is extracted from the code and templates, locale/vi holds only
# Django's own admin strings that Django ships no Vietnamese for (kept by hand, never extracted).
LOCALE_APP := apps/housing_campaign/housing_campaign
messages:  ## extract every msgid into locale/en/LC_MESSAGES/django.po, then compile the .mo files (needs gettext)
	@$(BOOTSTRAP) test
	@cd $(LOCALE_APP) && ../../../$(PY) ../../../manage.py makemessages --locale en --domain django \
		--no-obsolete --add-location file --ignore 'migrations/*' --ignore 'static/*'
	@cd $(LOCALE_APP) && ../../../$(PY) ../../../manage.py compilemessages --locale en --locale vi
	@$(PY) -m pytest -q tests/test_locale.py

clean-site:  ## delete the default site's database and files (keeps its configuration)
	rm -rf sites/$(SITE)/db.sqlite3* sites/$(SITE)/files
