# Two commands: `make run` (set up, load the sample library, show it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_DB ?= data/sample.db

# The tests run side by side (pytest-xdist) in one process more than the cores, up to 4: they
# spend about half their time waiting on servers, subprocesses and clocks (on 2 cores, 3
# processes take 6.4 minutes, 2 took 9.4), and a worker that runs out of tests takes some of
# another's (worksteal), so the last minutes are not one worker's alone.
PYTEST_PROCESSES := --numprocesses=$(shell n=$$(nproc 2>/dev/null || echo 1); \
	echo $$(( n + 1 < 4 ? n + 1 : 4 ))) --dist worksteal

LOWEST := .venv-lowest
LOCKED := .venv-lock

.PHONY: run test lint pytest browser office postgres deploy-tools check-deploy test-lowest test-lock lock \
	bench bench-tools mutate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sucai import --db $(SAMPLE_DB) samples/reports samples/laws
	$(BIN)/sucai info --db $(SAMPLE_DB)
	$(BIN)/sucai serve --db $(SAMPLE_DB)

# The whole suite: lint and types, the tests, the tests again at the lowest versions
# pyproject.toml allows, and the lock file deployments install.
test: lint pytest test-lowest test-lock

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

pytest: $(STAMP) browser office postgres deploy-tools
	$(BIN)/python -m pytest $(PYTEST_PROCESSES) --durations=25

# The browser test drives Debian's Chromium (with CJK fonts): install them when we can.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "chromium or CJK fonts missing: the browser test will be skipped"; fi

# The Word-export test lays a .docx out with LibreOffice (and docs/export-sample.png is made
# with poppler's pdftoppm: page 1 of `sucai export` of the 2024 government work report,
# `libreoffice --headless --convert-to pdf`, then `pdftoppm -r 60 -f 1 -l 1 -png`): install
# them when we can, only when missing.
office:
	@if command -v libreoffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
	  && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends libreoffice-writer poppler-utils fonts-noto-cjk >/dev/null; \
	else echo "libreoffice, pdftoppm or CJK fonts missing: the LibreOffice export test will be skipped"; fi

# The PostgreSQL store's tests (issue 7) start a throw-away server from Debian's binaries:
# install them when we can, only when missing (tests/pgserver.py runs them as user postgres).
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends postgresql >/dev/null; \
	else echo "PostgreSQL server binaries missing: the PostgreSQL store tests will be skipped"; fi

# The search benchmark compares with ripgrep: install it when we can (else its row is left out,
# and the benchmark says so).
# The deployment files (Dockerfile, compose.yaml, deploy/nginx.conf, the systemd units of
# docs/deploy.md) are checked without a Docker engine by tests/test_packaging.py and
# tests/test_deploy.py: install nginx, a compose client and systemd-analyze when we can.
deploy-tools:
	@if command -v nginx >/dev/null 2>&1 && command -v systemd-analyze >/dev/null 2>&1 \
	  && command -v openssl >/dev/null 2>&1 \
	  && { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1; }; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends nginx docker-compose systemd openssl >/dev/null; \
	else echo "nginx, docker compose, systemd-analyze or openssl missing: those deployment checks will be skipped"; fi

check-deploy: $(STAMP) postgres deploy-tools
	$(BIN)/python -m pytest -q tests/test_packaging.py tests/test_deploy.py

# The tests again with the lowest versions of the dependencies that pyproject.toml allows
# (uv's lowest-direct resolution, exactly, in a venv of its own): the declared minimums work.
# mypy is left out: what it finds depends on the type hints of the libraries installed, and
# `make lint` holds the code to the newest. So are the tests marked slow (the browser,
# LibreOffice, replicas, the fuzz runs): they run in `make test`, and CI stays short.
test-lowest: $(STAMP) browser office postgres deploy-tools
	$(BIN)/uv venv --quiet --allow-existing --python $(BIN)/python $(LOWEST)
	$(BIN)/uv pip compile --quiet --no-header pyproject.toml --extra postgres --group dev \
	  --resolution lowest-direct -o $(LOWEST)/requirements.txt
	$(BIN)/uv pip sync --quiet --python $(LOWEST)/bin/python $(LOWEST)/requirements.txt
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --no-deps -e .
	$(LOWEST)/bin/ruff format --check --no-cache src tests bench
	$(LOWEST)/bin/ruff check --no-cache src tests bench
	$(LOWEST)/bin/python -m pytest $(PYTEST_PROCESSES) -p no:cacheprovider -m "not slow" \
	  --durations=15

# The Dockerfile's install steps without Docker: the lock file with hashes checked, then the
# wheel, into a venv of their own; the lock holds every dependency (pip check), and the sample
# library imports and searches with it.
test-lock:
	rm -rf $(LOCKED)
	$(PYTHON) -m venv $(LOCKED)
	$(LOCKED)/bin/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(LOCKED)/bin/pip install --quiet --no-deps .
	$(LOCKED)/bin/pip check
	$(LOCKED)/bin/sucai import --db $(LOCKED)/sample.db samples/reports samples/laws
	$(LOCKED)/bin/sucai search --db $(LOCKED)/sample.db 营商环境 --limit 1

# The pinned versions, with hashes, that deployments install (docs/deploy.md).
lock: $(STAMP)
	$(BIN)/uv pip compile --quiet pyproject.toml --extra postgres --universal --generate-hashes \
	  --python-version 3.11 -o requirements.lock

bench-tools:
	@if command -v rg >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null; \
	else echo "ripgrep (rg) missing: the search benchmark will leave it out"; fi

bench: $(STAMP) bench-tools
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.search_bench
	$(BIN)/python -m bench.export_bench

# The mutation score of the core modules (issue 23), not part of make test: two modules at a
# time, stopped after an hour (bench/mutate.py; docs/benchmarks.md says how long each takes).
mutate: $(STAMP)
	$(BIN)/python -m pip install --quiet --group mutate
	$(BIN)/python -m bench.mutate

clean:
	rm -rf $(VENV) $(LOWEST) $(LOCKED) data .pytest_cache .mypy_cache .ruff_cache
