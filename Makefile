# Quick start: `make demo` and `make test` on a machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint eval bench train crossval clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsbot demo

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

# One table: the dev set, the regression sets, WCEP-2025 tuning (Oct-Nov) and untouched
# test (Dec) splits, and GeoVirus toponyms.
WCEP := training/wcep-2025-events.jsonl
eval: install
	$(BIN)/newsbot eval ../shared/eval/dev.jsonl tests/data/regression/set*.jsonl \
		$(WCEP):tune $(WCEP):test ../shared/data/GeoVirus.xml

# Rebuild the shipped event classifier from training/ (deterministic, one CPU).
train: install
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 \
		$(BIN)/python training/train_events.py

# Held-out figures for the train split: the recipe trained on two quarters, the whole
# analyser run on the third (the test split is not read).
crossval: install
	$(BIN)/python training/crossval_events.py

bench: install
	$(BIN)/python bench/bench_analyze.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
