# Two commands do everything on a fresh machine: `make demo` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsletter
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

# Local runs (demo, runserver, worker, bench) use a key of this machine's own, made once under var/: the settings
# refuse to start without SECRET_KEY when DEBUG is off, and a published default would sign anyone's links.
LOCAL_SECRET_KEY = $(shell test -s var/secret_key || (mkdir -p var && python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key); cat var/secret_key)
SECRET_KEY ?= $(LOCAL_SECRET_KEY)
export SECRET_KEY

.PHONY: install demo test run worker beat bench lint messages clean services

# constraints.txt pins the whole tree (pip and setuptools included), not only pyproject's direct dependencies.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "installing $$($(BIN)/python scripts/count_packages.py) pinned packages (and what they need) from PyPI into $(VENV): about 710 MB, 1-3 minutes the first time"
	$(BIN)/pip install --quiet -c constraints.txt pip setuptools
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) messages

# Compiles the interface translations (.po -> .mo); the .mo files are build output, not committed.
messages: $(STAMP)
	cd $(CURDIR) && $(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	cd $(CURDIR) && $(BIN)/python scripts/django_traditional_catalogues.py

# .env (git-ignored, read by the settings, real environment variables win) gives the README's `manage.py ...` commands,
# run by hand outside make, this machine's key too; written once, never over an existing file. DEBUG stays off.
demo: install
	@test -e .env || { (umask 077 && printf '%s\n' \
	  '# Local settings for manage.py run by hand, written once by make demo (git-ignored; environment variables win).' \
	  'SECRET_KEY=$(LOCAL_SECRET_KEY)' > .env) && echo "wrote .env with a local SECRET_KEY for manage.py run by hand"; }
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py demo

run: install
	$(BIN)/python manage.py runserver

worker: install
	$(BIN)/celery -A newsletter worker -l info

beat: install
	$(BIN)/celery -A newsletter beat -l info

# The suite runs against the real PostgreSQL, Redis and RabbitMQ (README, "Two commands"); TEST_REDIS_URL's database
# number and TEST_DATABASE_NAME keep parallel runs on one machine apart.
test: install services
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/ruff check .
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/pytest

services:
	@bash scripts/ensure_services.sh

bench: install services
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf var .env
