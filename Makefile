# Two commands: `make run` (set up, load the sample library, show it) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE_DB ?= data/sample.db

.PHONY: run test lint pytest browser office postgres bench bench-tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sucai import --db $(SAMPLE_DB) samples/reports samples/laws
	$(BIN)/sucai info --db $(SAMPLE_DB)
	$(BIN)/sucai serve --db $(SAMPLE_DB)

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

pytest: $(STAMP) browser office postgres
	$(BIN)/python -m pytest

# The browser test drives Debian's Chromium (with CJK fonts): install them when we can.
browser:
	@if command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "chromium or CJK fonts missing: the browser test will be skipped"; fi

# The Word-export test lays a .docx out with LibreOffice (and docs/export-sample.png is made
# with poppler's pdftoppm): install them when we can, only when missing.
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
bench-tools:
	@if command -v rg >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ripgrep >/dev/null; \
	else echo "ripgrep (rg) missing: the search benchmark will leave it out"; fi

bench: $(STAMP) bench-tools
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.search_bench
	$(BIN)/python -m bench.export_bench

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
