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

.PHONY: build test test-tools clean

# The package's bytecode is written here, once per change: where PYTHONDONTWRITEBYTECODE is set
# (as on this project's machines), each build otherwise compiled every module again (0.1 s).
build: $(PY_STAMP) $(NODE_STAMP) $(CSS)
	$(PY) -m compileall -q minutebook
	$(PY) build.py build --content content --out site

test: $(PY_STAMP) $(NODE_STAMP) $(CSS) test-tools
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

# Browser tests need Chromium (Playwright cannot download one here, Debian's package can);
# the Nu HTML checker (npm vnu-jar) needs a Java runtime.
TEST_PACKAGES = $(if $(shell command -v chromium),,chromium) $(if $(shell command -v java),,default-jre-headless)
test-tools:
	@if [ -n "$(strip $(TEST_PACKAGES))" ]; then \
		echo "Installing $(strip $(TEST_PACKAGES)) for the browser and HTML tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(TEST_PACKAGES) >/dev/null; \
	fi

clean:
	rm -rf site build .venv node_modules .pytest_cache
