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

## ---- visual report (issue 5) ------------------------------------------

clean:
	rm -rf $(OUT) build
