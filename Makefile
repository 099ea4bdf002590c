# The two commands a newcomer needs: `make build` and `make test`.
# Both create .venv/ and node_modules/ from the lockfiles and compile the stylesheet on
# first run; `make test` also installs Debian's Chromium for the browser tests if missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CSS := build/minutebook.css
SCSS := $(shell find assets/scss -name '*.scss')

.PHONY: build test chromium clean

build: $(PY_STAMP) $(NODE_STAMP) $(CSS)
	$(PY) build.py build --content content --out site

test: $(PY_STAMP) $(NODE_STAMP) $(CSS) chromium
	$(PY) -m pytest

$(PY_STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend's Sass, compiled with the pinned dart-sass; the build copies the result
# into site/assets/ under a content-hashed name.
$(CSS): $(SCSS) $(NODE_STAMP)
	mkdir -p build
	node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules assets/scss/minutebook.scss $@

# Browser tests need a Chromium; Playwright cannot download one here, Debian's package can.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

clean:
	rm -rf site build .venv node_modules .pytest_cache
