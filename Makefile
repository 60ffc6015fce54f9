# The front door: `make run` serves the app on SQLite with demo data; `make serve` runs the
# production layout; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run serve test lint i18n bench clean screenshots

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,prod]'
	touch $@

run: $(VENV)/.installed
	$(PY) run.py

# Production layout: WEB_CONCURRENCY (default 2) gunicorn workers with the scheduler off,
# plus one scheduler process; Ctrl-C stops both (app/serve.py).
serve: $(VENV)/.installed
	$(PY) -m app.console serve

test: $(VENV)/.installed
	bash scripts/system-packages.sh
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# Re-extract strings, merge them into the Chinese catalogue, compile it.
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _ -o $(VENV)/parceldesk.pot .
	$(VENV)/bin/pybabel update -i $(VENV)/parceldesk.pot -d app/translations -l zh --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d app/translations

# The main pages in English and Chinese, against a fresh demo database, into docs/screenshots/.
screenshots: $(VENV)/.installed
	bash scripts/system-packages.sh
	$(PY) scripts/screenshots.py docs/screenshots

bench: $(VENV)/.installed
	$(PY) bench/seed_bench.py

clean:
	rm -rf $(VENV) instance
