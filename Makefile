# planlink: `make run` installs and starts the app on the bundled corpus; `make test` runs the whole suite.
PYTHON ?= python3
# make bench SCALING="--plans 100,1000,10000" draws the full plans curve (about 15 more minutes per scheduler)
SCALING ?=
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

APP_STAMP := $(VENV)/.installed-app
# The app listens on this machine only; an office server sets ADDRESS (see `make serve` and the README).
ADDRESS ?= 127.0.0.1
PORT    ?= 8501
# `make serve`: the path the reverse proxy forwards (https://host/planlink/ -> http://127.0.0.1:8501/planlink/)
BASE    ?= planlink
STREAMLIT = $(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
	--server.fileWatcherType none --server.runOnSave false --browser.gatherUsageStats false

.PHONY: run serve test install bench train fixtures clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the app needs only its own extras; the test extra (browsers, OCR fallback, Dask) is installed by `make test`
$(APP_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[app,ocr]"
	touch $(APP_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[app,ocr,batch,test]"
	touch $(STAMP) $(APP_STAMP)

install: $(STAMP)

run: $(APP_STAMP)
	$(STREAMLIT) --server.address $(ADDRESS)

# An office deployment behind a reverse proxy (nginx example in the README): listens on localhost under /$(BASE),
# XSRF protection on; run it under systemd or similar so it restarts.
serve: $(APP_STAMP)
	$(STREAMLIT) --server.address $(ADDRESS) --server.baseUrlPath $(BASE) --server.enableXsrfProtection true \
	  --server.enableCORS true --logger.level info

test: $(STAMP)
	$(BIN)/python -m pytest

train: $(STAMP)
	$(BIN)/planlink train

bench: $(STAMP)
	tools/system_deps.sh --no-browser
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python bench/run.py
	$(BIN)/python bench/batch_bench.py
	$(BIN)/python bench/robustness.py
	$(BIN)/python bench/scaling.py $(SCALING)

fixtures: $(STAMP)
	$(BIN)/python tools/make_fixtures.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
