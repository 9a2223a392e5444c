# Two commands on a fresh machine with only Python: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint validate dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

run: $(STAMP)  ## set up, crawl the embedded sample site and publish a release through Dagster
	$(BIN)/shebao-policy run

test: $(STAMP)  ## set up and run the test suite
	$(BIN)/python -m pytest

bench: $(STAMP)  ## throughput and memory at 1k / 10k articles (BENCH_SIZES=1000,10000,100000 for more)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP)
	$(BIN)/ruff check spiders extractors pipelines tests
	$(BIN)/mypy

validate: $(STAMP)  ## check the Dagster definitions load
	mkdir -p data/dagster_home && touch data/dagster_home/dagster.yaml && DAGSTER_HOME=$(CURDIR)/data/dagster_home $(BIN)/dagster definitions validate -w dagster_workspace.yaml

dev: $(STAMP)  ## the Dagster UI on http://127.0.0.1:3000
	mkdir -p data/dagster_home && touch data/dagster_home/dagster.yaml && DAGSTER_HOME=$(CURDIR)/data/dagster_home $(BIN)/dagster dev -w dagster_workspace.yaml

clean:
	rm -rf $(VENV) data/raw data/published data/work data/dagster_home
