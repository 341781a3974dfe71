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

# Side by side: rules, rules+syntax, rules+syntax+trained (the layers present; the others
# named as skipped); the trained layer scores dev documents out of fold. One pipeline:
#   .venv/bin/python -m pipeline evaluate --layers rules+syntax
evaluate: models/policy/config.cfg
	$(PY) -m pipeline evaluate --compare --gold $(GOLD) --out $(OUT)/evaluation --model models/policy

# Generated corpus under build/bench; figures printed and in build/bench/bench.json.
bench: models/policy/config.cfg
	$(PY) -m pipeline bench --n-docs $(or $(BENCH_DOCS),200) --work build/bench

test: $(VENV)/.installed review-envs
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
# `make base-model` trains the syntactic base from UD English-EWT (about 15-25 min
# on 2 cores). UD_DIR may point at any UD English-EWT release folder. A smoke run:
#   make base-model BASE_DIR=build/base-smoke BASE_LIMIT=500 BASE_EPOCHS=1
UD_DIR ?= ../shared/ud/en_ewt
UD_PREFIX ?= en_ewt-ud
BASE_DIR ?= models/base
BASE_CFG := pipeline/configs/base_model.cfg
BASE_LIMIT ?= 0
BASE_EPOCHS ?=
BASE_SPLITS := $(foreach split,train dev test,$(BASE_DIR)/corpus/$(split).spacy)

.PHONY: base-model
base-model: $(BASE_DIR)/MODEL_CARD.md
	@echo "base-model: $(BASE_DIR)/model-best (card: $<)"

$(UD_DIR)/%.conllu:
	@echo "base-model: $@ not found: set UD_DIR to a UD English-EWT folder" >&2; exit 1

$(BASE_DIR)/corpus/%.spacy: $(UD_DIR)/$(UD_PREFIX)-%.conllu pipeline/base_model/convert.py | $(VENV)/.installed
	$(PY) -m pipeline.base_model convert $< $@ --limit $(BASE_LIMIT)

# Retrains only when the data, the config or the lemmatizer it trains with change.
$(BASE_DIR)/model-best/meta.json: $(BASE_CFG) $(BASE_DIR)/corpus/train.spacy $(BASE_DIR)/corpus/dev.spacy pipeline/base_model/lemmatizer.py | $(VENV)/.installed
	set -o pipefail; start=$$(date +%s); \
	$(PY) -m spacy train $(BASE_CFG) --output $(BASE_DIR) \
	  --paths.train $(BASE_DIR)/corpus/train.spacy --paths.dev $(BASE_DIR)/corpus/dev.spacy \
	  $(if $(BASE_EPOCHS),--training.max_epochs $(BASE_EPOCHS)) 2>&1 | tee $(BASE_DIR)/train.log; \
	echo "{\"train_seconds\": $$(( $$(date +%s) - start ))}" > $(BASE_DIR)/training.json

$(BASE_DIR)/evaluation.json: $(BASE_DIR)/model-best/meta.json $(BASE_DIR)/corpus/test.spacy
	$(PY) -m spacy evaluate $(BASE_DIR)/model-best $(BASE_DIR)/corpus/test.spacy --output $@

$(BASE_DIR)/MODEL_CARD.md: $(BASE_DIR)/evaluation.json $(BASE_SPLITS) pipeline/base_model/card.py
	$(PY) -m pipeline.base_model card --model-dir $(BASE_DIR) --ud-dir $(UD_DIR) --out $@

## ---- trained layer (issue 4) -----------------------------------------
# `make train`: 5-fold cross-validation by document on the `dev` split of
# annotations/splits.json (never `test`), merge thresholds chosen out of fold, then the
# layer trained on all of dev: models/trained/{model-best,folds/,cv.json,MODEL_CARD.md}.
# About 3 minutes on 2 cores. TRAIN_ARGS passes options (e.g. --epochs 2 --folds 2).
TRAINED_DIR ?= models/trained
SPLITS ?= annotations/splits.json
TRAIN_CODE := $(shell find pipeline/train -name '*.py' -o -name '*.cfg' 2>/dev/null)
TRAIN_ARGS ?=

.PHONY: train
train: $(TRAINED_DIR)/model-best/meta.json
	@echo "train: $(TRAINED_DIR)/model-best (out-of-fold figures: $(TRAINED_DIR)/cv.json, card: $(TRAINED_DIR)/MODEL_CARD.md)"

# Retrains when the gold, the split, the training code or what makes the candidates
# (rule components, resources) change.
TRAIN_INPUTS := $(filter-out pipeline/evaluate.py pipeline/cli.py pipeline/report/% pipeline/review/% pipeline/bench.py,$(PACKAGE_FILES))

$(TRAINED_DIR)/model-best/meta.json: $(VENV)/.installed $(TRAIN_CODE) $(TRAIN_INPUTS) $(wildcard $(GOLD)/*.json) $(SPLITS)
	mkdir -p $(TRAINED_DIR); set -o pipefail; start=$$(date +%s); \
	$(PY) -m pipeline.train --gold $(GOLD) --splits $(SPLITS) --out $(TRAINED_DIR) $(TRAIN_ARGS) 2>&1 | tee $(TRAINED_DIR)/train.log; \
	echo "{\"make_train_seconds\": $$(( $$(date +%s) - start ))}" > $(TRAINED_DIR)/timing.json

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
