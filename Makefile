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

bench: $(VENV)/.installed
	$(PY) -m pipeline bench

test: $(VENV)/.installed
	$(PY) -m pytest -q tests

## ---- review in doccano (issue 3) --------------------------------------

## ---- syntactic base and trained models (issue 4) ----------------------

## ---- visual report (issue 5) ------------------------------------------
REPORT_CODE := $(shell find pipeline/report -name '*.py' -o -name '*.j2' -o -name '*.css' 2>/dev/null)
REPORT_TABLES := $(wildcard $(addprefix $(OUT)/,documents.csv segments.csv mentions.csv actors.csv demands.csv recommendations.csv))

.PHONY: report install-chromium test-report report-screenshot

# The static HTML report beside the tables: OUT/report/index.html (run `make extract` first).
report: $(OUT)/report/index.html

$(OUT)/report/index.html: $(REPORT_TABLES) $(REPORT_CODE) $(VENV)/.installed
	$(PY) -m pipeline.report --out $(OUT)

# Debian's chromium for the report's browser tests (root; CI runs it before `make test`).
install-chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then echo "install-chromium: needs root: apt-get install -y chromium" >&2; exit 1; fi; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test-report: $(VENV)/.installed install-chromium
	$(PY) -m pytest -q tests/report

# The README's picture: pipeline/report/screenshot.png, from the seed's gold record.
report-screenshot: $(VENV)/.installed install-chromium
	$(PY) -m tests.report.screenshot pipeline/report/screenshot.png

clean:
	rm -rf $(OUT) build
