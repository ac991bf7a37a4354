# Quick start: `make demo` and `make test` on a machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsbot demo

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

eval: install
	$(BIN)/newsbot eval ../shared/eval/dev.jsonl

bench: install
	$(BIN)/python bench/bench_analyze.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
