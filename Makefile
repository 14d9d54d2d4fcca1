# treue: `make run` starts the demo, `make test` is what CI runs. `make help` lists the rest.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# uv from PATH, else the one `make` installs with pip (run as `python3 -m uv`).
UV ?= $(or $(shell command -v uv 2>/dev/null),python3 -m uv)
NPM ?= npm
PYTEST_WORKERS ?= 2
# CI must not quietly re-resolve dependencies: a stale uv.lock fails there.
UV_SYNC := $(UV) sync $(if $(filter true,$(CI)),--locked)
HTMX_DIST := node_modules/htmx.org/dist/htmx.min.js
VENDOR_DIR := src/treue/static/vendor
MESSAGE_IGNORES := --ignore=.venv --ignore=node_modules --ignore='static/*' --ignore='*/tests/*'

.PHONY: help uv install sync assets compilemessages messages run serve test lint test-sqlite test-postgres \
	test-browser screenshots fmt bench clean

help:
	@echo "make run        install, migrate, load the demo company once, serve on 127.0.0.1:$${TREUE_PORT:-8000}"
	@echo "make test       lint, tests on SQLite, tests on PostgreSQL, browser tests (what CI runs)"
	@echo "make lint       ruff, ruff format --check, mypy, makemigrations --check"
	@echo "make fmt        format and fix what ruff can"
	@echo "make messages   extract German/English messages and compile them"
	@echo "make bench      benchmarks (DB=sqlite|postgresql ROWS=n)"
	@echo "make screenshots  retake docs/screenshots/ with the browser tests"
	@echo "make clean      remove installed packages, built assets and caches (keeps var/*.sqlite3)"

install: sync assets compilemessages

# A fresh machine has Python but not uv: install it for this user (Debian's own python3 needs
# python3-pip, and PIP_BREAK_SYSTEM_PACKAGES lets pip add a user package beside the system's).
uv:
	@$(UV) --version >/dev/null 2>&1 || { \
		python3 -m pip --version >/dev/null 2>&1 || { \
			echo "error: uv is missing and python3 has no pip to install it (Debian: apt-get install python3-pip)" >&2; exit 1; }; \
		echo "installing uv: python3 -m pip install --user uv"; \
		PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --user uv; \
	}

sync: uv
	$(UV_SYNC)

assets:
	$(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR_DIR)
	cp $(HTMX_DIST) $(VENDOR_DIR)/htmx.min.js

# .mo files are build output (not committed); without any .po there is nothing to compile.
compilemessages: sync
	@if find src/treue -name '*.po' -not -path '*/node_modules/*' | grep -q .; then \
		echo "cd src/treue && treue compilemessages"; \
		cd src/treue && $(UV) run treue compilemessages $(MESSAGE_IGNORES) -v 0; \
	fi

messages: sync
	cd src/treue && $(UV) run treue makemessages -l de -l en --no-location $(MESSAGE_IGNORES)
	$(MAKE) compilemessages

run: install
	$(UV) run treue bootstrap
	$(UV) run treue serve

serve:
	$(UV) run treue serve

test: lint test-sqlite test-postgres test-browser

lint: sync
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy
	DATABASE_URL=sqlite:///:memory: $(UV) run treue makemigrations --check --dry-run

test-sqlite: install
	$(UV) run pytest -n $(PYTEST_WORKERS) -m "not browser"

# Without PostgreSQL a developer gets a warning; CI must have it.
test-postgres: install
	@if scripts/with-postgres --available; then \
		echo "scripts/with-postgres uv run pytest -n $(PYTEST_WORKERS) -m 'not browser'"; \
		scripts/with-postgres $(UV) run pytest -n $(PYTEST_WORKERS) -m "not browser"; \
	elif [ "$${CI:-}" = true ]; then \
		echo "error: PostgreSQL is not installed; CI must test on it (see .ci/run)" >&2; exit 1; \
	else \
		echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!  WARNING: PostgreSQL not found - the PostgreSQL test pass was SKIPPED.      !!"; \
		echo "!!  apt-get install postgresql   (production runs on PostgreSQL)               !!"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; \
	fi

# One process: the live server and Chromium need no more. Exit 5 = no browser tests yet. The
# test database is a file: the live server answers requests in parallel (settings/test.py).
test-browser: install
	mkdir -p var
	TREUE_TEST_DB_FILE=$(CURDIR)/var/test-browser.sqlite3 $(UV) run pytest -m browser || [ $$? -eq 5 ]

# The README's screenshot, taken by the browser test of the customer 360 page.
screenshots: install
	TREUE_SCREENSHOT_DIR=docs/screenshots $(UV) run pytest -m browser -k customer_360

fmt: sync
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

bench: install
	$(UV) run python bench/run.py $(if $(DB),--db $(DB)) $(if $(ROWS),--rows $(ROWS))

clean:
	rm -rf node_modules $(VENDOR_DIR) var/static .mypy_cache .ruff_cache .pytest_cache
	find src -name '*.mo' -delete
	find src bench scripts -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
