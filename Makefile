# The user's front door. `make extract` and `make test` work on a fresh clone:
# every target builds the virtual environment it needs first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
CORPUS ?= corpus
OUT ?= out
N_PROCESS ?= 1
GOLD ?= annotations/gold

PACKAGE_FILES := $(shell find pipeline -name '*.py' -o -name '*.cfg' -o -name '*.json' -o -name '*.jsonl' 2>/dev/null)

.PHONY: install extract test evaluate bench clean

## ---- foundation -------------------------------------------------------
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

extract: $(VENV)/.installed
	$(PY) -m pipeline extract --corpus $(CORPUS) --out $(OUT) --n-process $(N_PROCESS)

evaluate: $(VENV)/.installed
	$(PY) -m pipeline evaluate --gold $(GOLD) --out $(OUT)/evaluation

bench: $(VENV)/.installed
	$(PY) -m pipeline bench

test: $(VENV)/.installed
	$(PY) -m pytest -q tests

## ---- review in doccano (issue 3) --------------------------------------
# The doccano server (1.8.4) and doccano-client (1.2.8) each get their own environment:
# their pins (numpy<2, marshmallow<4; pydantic<2, urllib3<2) would hold the main one back.
# The main environment talks to the client only through JSON/JSONL files.
DOCCANO_VENV := .venv-doccano
DOCCANO_CLIENT_VENV := .venv-doccano-client
DOCCANO_HOME ?= .doccano
DOCCANO_PORT ?= 8777
DOCCANO_USERNAME ?= admin
DOCCANO_PASSWORD ?= doccano-local
REVIEW_PROJECT ?= policy-review
REVIEW_ENVS := $(DOCCANO_VENV)/.installed $(DOCCANO_CLIENT_VENV)/.installed
REVIEW_TARGETS := doccano-up doccano-down review-push review-pull

.PHONY: review-envs $(REVIEW_TARGETS)

$(DOCCANO_VENV)/.installed: pipeline/review/requirements-server.txt
	test -x $(DOCCANO_VENV)/bin/python || $(PYTHON) -m venv $(DOCCANO_VENV)
	$(DOCCANO_VENV)/bin/python -m pip install --quiet -r $<
	touch $@

$(DOCCANO_CLIENT_VENV)/.installed: pipeline/review/requirements-client.txt
	test -x $(DOCCANO_CLIENT_VENV)/bin/python || $(PYTHON) -m venv $(DOCCANO_CLIENT_VENV)
	$(DOCCANO_CLIENT_VENV)/bin/python -m pip install --quiet -r $<
	touch $@

review-envs: $(REVIEW_ENVS)

# Passed through the environment, not the command line, so `ps` does not show the password.
$(REVIEW_TARGETS): export DOCCANO_PORT := $(DOCCANO_PORT)
$(REVIEW_TARGETS): export DOCCANO_USERNAME := $(DOCCANO_USERNAME)
$(REVIEW_TARGETS): export DOCCANO_PASSWORD := $(DOCCANO_PASSWORD)
$(REVIEW_TARGETS): export REVIEW_PROJECT := $(REVIEW_PROJECT)

doccano-up: $(DOCCANO_VENV)/.installed
	$(PYTHON) pipeline/review/server.py up --home $(DOCCANO_HOME) --venv $(DOCCANO_VENV)

doccano-down:
	$(PYTHON) pipeline/review/server.py down --home $(DOCCANO_HOME)

review-push: extract $(DOCCANO_CLIENT_VENV)/.installed
	$(PY) -m pipeline.review push --corpus $(CORPUS) --predictions $(OUT)/annotations

review-pull: $(VENV)/.installed $(DOCCANO_CLIENT_VENV)/.installed
	$(PY) -m pipeline.review pull --corpus $(CORPUS) --gold $(GOLD) --texts annotations/texts \
		--report $(OUT)/review/report.json

## ---- syntactic base and trained models (issue 4) ----------------------

## ---- visual report (issue 5) ------------------------------------------

clean:
	rm -rf $(OUT) build
