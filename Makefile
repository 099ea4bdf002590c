# The two commands a newcomer needs: `make build` and `make test`.
# Both create .venv/ and node_modules/ from the lockfiles on first run.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: build test clean

build: $(PY_STAMP) $(NODE_STAMP)
	$(PY) build.py build --content content --out site

test: $(PY_STAMP) $(NODE_STAMP)
	$(PY) -m pytest

$(PY_STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site .venv node_modules .pytest_cache
