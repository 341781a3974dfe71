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

# The rules-only pipeline, assembled from its config and resources by spaCy.
models/policy/config.cfg: $(VENV)/.installed $(PACKAGE_FILES)
	rm -rf models/policy
	$(PY) -m spacy assemble pipeline/configs/pipeline.cfg models/policy > /dev/null
	touch $@

extract: models/policy/config.cfg
	$(PY) -m pipeline extract --corpus $(CORPUS) --out $(OUT) --n-process $(N_PROCESS) --model models/policy

evaluate: models/policy/config.cfg
	$(PY) -m pipeline evaluate --gold $(GOLD) --out $(OUT)/evaluation --model models/policy

# Generated corpus under build/bench; figures printed and in build/bench/bench.json.
bench: models/policy/config.cfg
	$(PY) -m pipeline bench --n-docs $(or $(BENCH_DOCS),200) --work build/bench

test: $(VENV)/.installed
	$(PY) -m pytest -q tests

## ---- review in doccano (issue 3) --------------------------------------

## ---- syntactic base and trained models (issue 4) ----------------------

## ---- visual report (issue 5) ------------------------------------------

clean:
	rm -rf $(OUT) build
