# newsmap: `make run` and `make test` work on a fresh clone with Python 3.11, pip, npm and apt.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
NPM_DIR := data/npm
GAZ    := data/build/gazetteer.sqlite
EVAL_DIR ?= ../shared/eval
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install data gazetteer browser postgres test run eval bench bench-ingest bench-scale lint clean train-linker train-typer

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

data: $(NPM_DIR)/node_modules/.installed

$(NPM_DIR)/node_modules/.installed: $(NPM_DIR)/package.json $(NPM_DIR)/package-lock.json
	command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq nodejs npm)
	cd $(NPM_DIR) && npm ci --silent --no-audit --no-fund
	touch $@

gazetteer: $(GAZ)

$(GAZ): $(VENV)/.installed $(NPM_DIR)/node_modules/.installed geo/build_gazetteer.py data/aliases.tsv data/features.tsv data/regions.tsv data/stopwords.txt data/country_points.tsv
	$(PY) -m geo.build_gazetteer --out $(GAZ) --npm $(NPM_DIR)/node_modules

# Headless Chromium from Debian for map screenshots and browser tests (Playwright drives it; no download).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# PostgreSQL 15 + PostGIS from Debian, and a private cluster on 127.0.0.1:55432 for the tests (scripts/postgres.sh;
# `scripts/postgres.sh stop` stops it). The tests that take `db_url` run on SQLite and on this PostGIS database.
postgres:
	{ test -x /usr/lib/postgresql/15/bin/pg_ctl && test -f /usr/share/postgresql/15/extension/postgis.control; } || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-15-postgis-3)
	scripts/postgres.sh start

test: $(GAZ) browser postgres
	NEWSMAP_TEST_POSTGRES_URL=$$(scripts/postgres.sh url) $(PY) -m pytest -q

run: $(GAZ)
	$(VENV)/bin/newsmap serve --host $(HOST) --port $(PORT) --load data/samples/paris-coalition-summit.txt

eval: $(GAZ)
	$(VENV)/bin/newsmap eval --eval-dir $(EVAL_DIR)

# Bytecode first, as a user's second run has it (PYTHONDONTWRITEBYTECODE would otherwise recompile every module).
bench: $(GAZ)
	$(PY) -m compileall -q geo web
	$(VENV)/bin/newsmap bench --eval-dir $(EVAL_DIR)

# Ingest throughput: local engine with 1 and 2 workers, Dask with 2, on a synthetic archive of the gold corpora.
INGEST_DOCS ?= 20000
bench-ingest: $(GAZ)
	$(PY) -m web.ingest_bench --eval-dir $(EVAL_DIR) --documents $(INGEST_DOCS)

# bbox query latency (p50/p99) over 100,000 and 1,000,000 events on SQLite and PostGIS, and the insert rate: fresh
# throwaway databases (a temporary SQLite file; newsmap_bench_<random> on the private cluster, dropped at the end).
SCALE_EVENTS ?= 100000,1000000
bench-scale: $(GAZ) postgres
	NEWSMAP_TEST_POSTGRES_URL=$$(scripts/postgres.sh url) $(PY) -m web.scalebench --eval-dir $(EVAL_DIR) \
		--events $(SCALE_EVENTS)

# Retrain the event-place linking model on the even half of eventloc.jsonl (make eval reports the odd half).
train-linker: $(GAZ)
	$(PY) -m pip install --quiet -e '.[train]'
	$(PY) scripts/train_linker.py $(EVAL_DIR)

# Retrain the event-typing model (geo/typer.py) on the dev notes, data/train/ and the non-event sentences.
train-typer: $(GAZ)
	$(PY) -m pip install --quiet -e '.[train]'
	$(PY) scripts/train_typer.py $(EVAL_DIR)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check geo web tests scripts

clean:
	-scripts/postgres.sh stop
	rm -rf $(VENV) data/build $(NPM_DIR)/node_modules .pytest_cache
