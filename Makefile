# Two commands set everything up on a fresh Debian machine: `make run` and `make test`.
# Each installs only what is missing, so a second call is quick.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng chromium postgresql poppler-utils
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SAMPLES ?= samples/packets
OUT ?= out

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: run test bench eval eval-funsd system deps schema clean

run: deps
	$(BIN)/intakeiq process $(SAMPLES) --out $(OUT)
	@echo "Reports written under $(OUT)/ (summary: $(OUT)/summary.csv)"

test: deps
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

bench: deps
	$(BIN)/python -m bench.run

eval: deps
	$(BIN)/python -m bench.eval_pipeline $(EVAL_ARGS)

eval-funsd: deps
	$(BIN)/python -m bench.eval_funsd

schema: deps
	$(BIN)/python -m pipeline.schema --write

deps: system $(STAMP)

# Debian packages: installed only when one is missing.
system:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The virtual environment: torch's CPU build first (an unpinned torch pulls a multi-GB CUDA
# build), then the project with its pins. Redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(OUT) build *.egg-info
