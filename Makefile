# planlink: `make run` installs and starts the app on the bundled corpus; `make test` runs the whole suite.
PYTHON ?= python3
# make bench SCALING="--plans 100,1000,10000" draws the full plans curve (about 15 more minutes per scheduler)
SCALING ?=
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install bench train fixtures clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[app,ocr,batch,test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py --server.port 8501 --server.address 0.0.0.0

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
