# The two commands of the README, and the checks behind `make test`.
.PHONY: install demo classify-demo test lint bench

VENV ?= .venv
PY := $(VENV)/bin/python

install:
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[dev]"

# Open a populated desk on the embedded default (SQLite): create the tables, fill them with the demo
# organisations and comments (triaged by the shipped model), serve http://127.0.0.1:8000/desk/ (Ctrl+C stops).
demo: install
	$(VENV)/bin/hierniet db upgrade && $(VENV)/bin/hierniet demo && $(VENV)/bin/hierniet serve

# Triage the bundled demo comments with the shipped model: one JSON verdict per comment, no desk.
classify-demo: install
	$(VENV)/bin/hierniet classify examples/demo_comments.jsonl --policy default

# The whole test suite, with lint and type checks (what .ci/run calls).
test: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

bench: install
	$(PY) bench/triage.py
