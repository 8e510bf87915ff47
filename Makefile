# JiaYi 家医 — two commands on a fresh machine:
#   make run    virtualenv, install, migrate, seed demo data if empty, start web + scheduler on SQLite
#   make test   virtualenv, install, run the whole test suite (TEST_DATABASE_URL=postgresql://… for PostgreSQL)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed
# The project's Debian packages: the browser tests drive Debian's chromium through its chromedriver;
# a CJK font draws the Chinese pages in their screenshots and is embedded in the printed 随访表 PDFs.
DEBIAN_PACKAGES := chromium chromium-driver fonts-noto-cjk

.PHONY: run test install system bench clean triage-model

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Idempotent: installs only the Debian packages that are missing (as root, or through sudo).
system:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The demo: public development secrets, derived keys and /auth/dev-login. Production never sets DEMO_MODE.
run: export DEMO_MODE = 1
run: system $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	@$(FLASK) demo info --url http://$(HOST):$(PORT)
	@$(PY) -m jobs & JOBS_PID=$$!; \
	trap 'kill $$JOBS_PID 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: system $(STAMP)
	$(PY) -m pytest -q

# The second reader of triage (docs/triage.md §2.4), retrained on the development cases.
triage-model: $(STAMP)
	$(PY) -m ml.train_triage_text tests/triage/cases*.jsonl

clean:
	rm -rf $(VENV) instance .pytest_cache
