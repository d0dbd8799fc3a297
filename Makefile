# Soteria Survey. `make run` serves the app; `make test` runs every check CI runs.
# Both create .venv, install the pinned dependencies and provide PostgreSQL with its two
# roles, the tables' owner and the app's (see scripts/database.py).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# Settings for the test run: production-like (DEBUG off) with throwaway secrets.
TEST_ENV := DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=test-only-secret-key-that-is-long-enough-for-django-checks-0123456789 \
	DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	DJANGO_SECURE_SSL_REDIRECT=false \
	QUICK_EXIT_URL=http://127.0.0.1:8765/weather

.PHONY: help run test mutation bench lint typecheck audit format assets messages translations gettext chromium wrk \
	db-stop clean

help:
	@echo "make run      serve the survey on http://127.0.0.1:$(PORT)/ (PORT=... to change)"
	@echo "make test     lint, type check, migration check, and every test (unit,"
	@echo "              PostgreSQL, browser)"
	@echo "make typecheck  mypy, strict, over surveys/ and soteria_survey/ (pyproject.toml)"
	@echo "make mutation mutation testing of the modules that protect respondents (~1 h;"
	@echo "              MUTATION_ARGS=surveys/redaction.py for one: docs/testing.md)"
	@echo "make audit    look up known vulnerabilities in the installed packages (PyPI advisories)"
	@echo "make bench    load, page weight and results timings against their floors and"
	@echo "              django-survey-and-report (~5.5 min, ~6 the first time as it makes its"
	@echo "              data; BENCH_ARGS=--quick: ~1.5 min, 2 the first time: benchmarks/)"
	@echo "make lint     ruff (lint and format check), django-upgrade and djLint (templates/),"
	@echo "              fixing nothing"
	@echo "make format   upgrade the code for the pinned Django (django-upgrade), then format it"
	@echo "              with ruff"
	@echo "make assets   rebuild static/css/app.css from GOV.UK Frontend (needs Node and npm)"
	@echo "make translations  bring locale/cy/LC_MESSAGES/django.po up to date with the"
	@echo "              templates and code, for the translator (docs/welsh.md)"
	@echo "make db-stop  stop the project-local PostgreSQL cluster, if one was started"
	@echo "make clean    remove .venv, collected static files and caches"

$(VENV)/.installed: pyproject.toml
	@python=$(if $(PYTHON),$(PYTHON),$$(scripts/find-python)); \
	[ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check '.[dev]'
	@touch $@

run: $(VENV)/.installed messages
	@roles=$$($(PY) scripts/database.py env); eval "$$roles"; \
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-true}; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py publish_results; \
	$(PY) manage.py create_demo_accounts; \
	echo "Serving on http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"; \
	exec $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed chromium messages
	@roles=$$($(PY) scripts/database.py env); eval "$$roles"; \
	export $(TEST_ENV); \
	$(MAKE) --no-print-directory lint; \
	$(MAKE) --no-print-directory typecheck; \
	$(MAKE) --no-print-directory audit; \
	$(PY) manage.py makemigrations --check --dry-run; \
	$(PY) manage.py collectstatic --noinput --verbosity 0; \
	$(PY) -m pytest $(PYTEST_ARGS)

# Slow, so not part of make test: Cosmic Ray over the modules that protect respondents,
# and the respondent script's hand-written mutants (scripts/mutation.py, docs/testing.md).
mutation: $(VENV)/.installed chromium
	@url=$$($(PY) scripts/database.py url); \
	export DATABASE_URL="$$url" $(TEST_ENV); \
	$(PY) scripts/mutation.py $(MUTATION_ARGS)

# Seeds (once, kept between runs) and serves its own databases on the same server.
bench: $(VENV)/.installed chromium wrk
	@url=$$($(PY) scripts/database.py url); \
	DATABASE_URL="$$url" $(PY) -m benchmarks.run $(BENCH_ARGS)

# django-upgrade's target: the newest Django it knows that is not past the pinned one
# (Django==6.1.3 in pyproject.toml). .pre-commit-config.yaml gives it the same.
DJANGO_UPGRADE_TARGET := 6.1
# The Python files django-upgrade reads: tracked or new, never ignored ones (.venv, ...).
PYTHON_FILES = $(wildcard $(shell git ls-files --cached --others --exclude-standard '*.py'))

# Checks only: nothing is rewritten (make format rewrites).
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@[ -n "$(PYTHON_FILES)" ] || { echo "git ls-files found no Python files" >&2; exit 1; }
	@echo "django-upgrade --check --target-version $(DJANGO_UPGRADE_TARGET) (every .py file)"
	@$(PY) -m django_upgrade --check --target-version $(DJANGO_UPGRADE_TARGET) $(PYTHON_FILES) \
		|| { echo "django-upgrade would rewrite the files above: make format" >&2; exit 1; }
	$(PY) -m djlint templates --lint --quiet

# Static types: mypy with Django's stubs, strict over surveys/ (its migrations aside) and
# soteria_survey/, as configured in pyproject.toml. The stubs' plugin imports the
# settings, so they get the test run's environment; no database is opened.
typecheck: $(VENV)/.installed
	@export $(TEST_ENV) DATABASE_URL="$${DATABASE_URL:-postgres://127.0.0.1/unused}"; \
	echo "$(PY) -m mypy"; \
	$(PY) -m mypy

# Known vulnerabilities in every installed package, from PyPI's advisory data: any one
# fails the target; a version PyPI has no advisory data for here is listed as not checked.
# Advisory data that cannot be reached fails it with CI=true, and is a warning elsewhere.
audit: $(VENV)/.installed
	$(PY) scripts/audit_dependencies.py

format: $(VENV)/.installed
	@$(PY) -m django_upgrade --exit-zero-even-if-changed --target-version $(DJANGO_UPGRADE_TARGET) \
		$(PYTHON_FILES)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Debian packages that make targets need, installed with apt-get when missing and root:
# $(call apt-install,COMMAND,PACKAGE,WHAT FOR)
define apt-install
	@if ! command -v $(1) >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing $(2) for $(3) (apt-get)..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
		else \
			echo "$(2) is needed by $(3) and is missing: sudo apt-get install $(2)" >&2; \
			exit 1; \
		fi; \
	fi
endef

# Browser tests use Debian's Chromium (browser downloads are not possible everywhere).
chromium:
	$(call apt-install,/usr/bin/chromium,chromium,the browser tests)

# GNU gettext: msgfmt compiles the Welsh catalogue; makemessages needs xgettext and msgmerge.
gettext:
	$(call apt-install,msgfmt,gettext,the Welsh catalogue)

# The Welsh catalogue, compiled from its source for make run and make test; the compiled
# file is never committed (.gitignore). --check refuses a translation whose placeholders
# differ from the English, and a broken header.
MESSAGES := locale/cy/LC_MESSAGES/django.mo

messages: $(MESSAGES)

$(MESSAGES): locale/cy/LC_MESSAGES/django.po | gettext
	msgfmt --check --output-file=$@ $<

# Every respondent-facing string, with where it is used, for the translator (docs/welsh.md).
# The admin is English only, so its files are left out.
TRANSLATION_IGNORE := .venv assets benchmarks staticfiles tests templates/admin \
	surveys/migrations surveys/management surveys/admin.py surveys/admin_site.py \
	surveys/second_factor.py surveys/results.py surveys/export.py surveys/models.py \
	surveys/apps.py surveys/redaction.py surveys/filters.py surveys/trends.py

translations: $(VENV)/.installed gettext
	DATABASE_URL=postgres://127.0.0.1/unused DJANGO_DEBUG=true $(PY) manage.py makemessages \
		--locale cy --no-obsolete $(addprefix --ignore=,$(TRANSLATION_IGNORE))

# The benchmark's load generator.
wrk:
	$(call apt-install,wrk,wrk,make bench)

assets:
	cd assets && npm ci --no-audit --no-fund && npm run build

db-stop: $(VENV)/.installed
	$(PY) scripts/database.py stop

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .mutation
