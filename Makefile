# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup lint typecheck migrate demo messages bench load clean chromium smoke

$(STAMP): requirements/base.txt requirements/production.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

setup: $(STAMP)
	@mkdir -p var
	@$(PY) manage.py compile_translations

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@$(PY) manage.py print_demo_logins
	$(PY) manage.py runserver 127.0.0.1:8000

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy lindung config

# The browser tests need Debian's Chromium: installed here when missing and allowed
# (root or passwordless sudo), otherwise the script names the one command to run.
chromium:
	@sh scripts/ensure-chromium.sh

test: setup chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy lindung config
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check_translations
	$(VENV)/bin/pytest -n 2 -m "not browser" $(PYTEST_ARGS)
	$(VENV)/bin/pytest -m browser -p no:xdist $(PYTEST_ARGS)

# The production stack (nginx, gunicorn, Celery worker and beat, PostgreSQL, Redis) on
# loopback, and a journey through it; needs nginx and the local services (see the script).
smoke: setup
	bash deploy/smoke/run_stack.sh

# Translators: edit locale/*/LC_MESSAGES/django.po, then `make messages` compiles them.
messages: setup
	$(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=var --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench: setup
	$(PY) -m bench.run

# Load test through the production stack (nginx, gunicorn, Celery, PostgreSQL, Redis)
# against LOAD_DB (default lindung_bench); locust comes from requirements/bench.txt, which
# `make test` never installs. See BENCHMARKS.md, "Load through the production stack".
load: setup
	$(PY) -m pip install --quiet -r requirements/bench.txt
	bash bench/load/run.sh
	$(PY) -m bench.load.report

clean:
	rm -rf $(VENV) var db.sqlite3
