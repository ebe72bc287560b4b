# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck install clean

# Debian's python3 lacks ensurepip unless python3-venv is installed: then make the venv
# without pip and fetch pip with get-pip.py (the install needs the network anyway).
GET_PIP_URL ?= https://bootstrap.pypa.io/get-pip.py

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || $(PYTHON) -m venv --without-pip $(VENV)
	$(BIN)/python -m pip --version >/dev/null 2>&1 || { \
	  $(BIN)/python -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
	    '$(GET_PIP_URL)' $(VENV)/get-pip.py && $(BIN)/python $(VENV)/get-pip.py --quiet; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) static/vendor/plotly.min.js

# The smallest plotly.js that draws our charts comes from npm (package.json); without npm or
# its registry the build goes on and p2c.vendor serves the plotly package's full bundle.
# `make NPM= install` skips npm; `make clean` makes it try again.
NPM ?= npm
NPM_STAMP := node_modules/.p2c-installed

$(NPM_STAMP): package.json package-lock.json
	@mkdir -p node_modules
	@if [ -z "$(NPM)" ]; then echo "npm skipped (NPM is empty)"; \
	elif ! command -v $(NPM) >/dev/null 2>&1; then echo "$(NPM) not found: the pages get the full plotly.js bundle"; \
	else $(NPM) ci --ignore-scripts --no-audit --no-fund --fetch-retries=1 --fetch-timeout=30000 \
	  || echo "npm ci failed: the pages get the full plotly.js bundle"; fi
	@touch $(NPM_STAMP)

static/vendor/plotly.min.js: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m p2c.vendor

demo: $(STAMP) static/vendor/plotly.min.js
	$(BIN)/python manage.py demo

test: $(STAMP) static/vendor/plotly.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy .

clean:
	rm -rf $(VENV) staticfiles static/vendor node_modules
