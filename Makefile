# The two commands of the README, and the checks behind `make test`.
.PHONY: install demo test lint bench

VENV ?= .venv
PY := $(VENV)/bin/python

install:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[dev]"

# Run the main job on the embedded default: triage the bundled demo comments with the shipped model.
demo: install
	$(VENV)/bin/hierniet classify examples/demo_comments.jsonl --policy default

# The whole test suite, with lint and type checks (what .ci/run calls).
test: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

bench: install
	$(PY) bench/triage.py
