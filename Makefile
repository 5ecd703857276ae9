# Two commands for a newcomer: `make book` builds the HTML book, `make test` runs every test.
# Each sets up what it needs first: a virtual environment in .venv with requirements.txt,
# and the book's JavaScript (MathJax, require.js, thebe) from npm.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Readers fetch MNIST through Keras; beside the project's shared folder, the original files are read from there.
export LENET5_MNIST_DIR ?= $(if $(wildcard ../shared/data/mnist),$(abspath ../shared/data/mnist),)

.PHONY: book test clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

book: $(STAMP) node_modules/.installed
	$(BIN)/python tools/book_assets.py
	$(BIN)/jupyter-book build . -W -n --keep-going

test: book
	$(BIN)/python -m pytest -p no:cacheprovider tests
	$(BIN)/python -m pytest -p no:cacheprovider --nbval-lax book

clean:
	rm -rf _build
