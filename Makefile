# Two commands for a newcomer: `make book` builds the HTML book, `make test` runs every test.
# Each sets up what it needs first: a virtual environment in .venv with requirements.txt,
# and the book's JavaScript (MathJax, require.js, thebe) from npm.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Readers fetch MNIST through Keras; beside the project's shared folder, the original files are read from there.
export LENET5_MNIST_DIR ?= $(if $(wildcard ../shared/data/mnist),$(abspath ../shared/data/mnist),)

.PHONY: book test clean npm chromium

# A program the build needs: present, installed here with apt when this is root on Debian, or a stop at
# once with the one command to run (rather than a failure half-way through the tests).
define require
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "make: $(1) is missing; installing it with apt-get install $(2)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "make: $(1) is missing. Install it first: sudo apt-get install $(2)" >&2; exit 1; \
	  fi; }
endef

npm:
	$(call require,npm,npm)

# The browser tests run Debian's Chromium (Playwright's own browser download is not used).
chromium:
	$(call require,chromium,chromium fonts-dejavu-core)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

node_modules/.installed: package.json package-lock.json | npm
	npm ci --no-audit --no-fund --silent
	touch $@

book: $(STAMP) node_modules/.installed
	$(BIN)/python tools/book_assets.py
	$(BIN)/jupyter-book build . -W -n --keep-going

test: chromium book
	$(BIN)/python -m pytest -p no:cacheprovider tests
	$(BIN)/python -m pytest -p no:cacheprovider --nbval-lax book

clean:
	rm -rf _build
