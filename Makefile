# Two commands for a new user: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# The first Python >= 3.12 found (PySide6 6.12 on 3.11 aborts: docs/ARCHITECTURE.md).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
STAMP := $(VENV)/.installed

.PHONY: system-packages run test lint typecheck pytest bench bench-small bench-huge demo demo-workspace clean help translations screenshots package

help:
	@echo "make run    start Testimony (sets up $(VENV) if missing)"
	@echo "make test   lint, type-check and run every test"
	@echo "make demo   create ./demo-vault with the Aleppo 2016 demo data"
	@echo "make demo-workspace   create ./demo-workspace: a coordinator with two researchers' bundles"
	@echo "make bench  benchmarks against named baselines (BENCH_SIZE=small for a quick run)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed; none was found." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Debian packages beyond the wheels (Qt's libraries, fonts, audio, age): installed when
# root, otherwise one line says what to install; tests that need them skip and say why.
system-packages:
	@bash scripts/system-packages.sh

run: system-packages $(STAMP)
	@if $(PY) -c 'import testimony_app.gui.app' 2>/dev/null; then $(VENV)/bin/testimony-app; else $(VENV)/bin/testimony --help; fi

lint: $(STAMP)
	$(VENV)/bin/ruff check testimony_app tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy testimony_app
	$(VENV)/bin/mypy --explicit-package-bases bench

# The tests, strict too. `tests` is no package (pytest puts the root on the path), so
# mypy maps files to modules from the root; modules the tests import are checked by
# `typecheck`, not reported here; pytest-qt's QtBot key and mouse methods are untyped;
# tests/fixtures/ holds a script that runs in earlier checkouts (their flat layout).
.PHONY: typecheck-tests
typecheck-tests: $(STAMP)
	$(VENV)/bin/mypy --explicit-package-bases --follow-imports=silent \
		--untyped-calls-exclude=pytestqt.qtbot --exclude tests/fixtures/ tests

pytest: $(STAMP)
	# A memory cap: a runaway test fails on its own instead of taking the machine down.
	# The window's tests run in a process of their own: widgets that earlier GUI tests
	# leave behind have crashed Qt (segfault) in later tests of the same process.
	ulimit -v 16000000; export QT_QPA_PLATFORM=offscreen; \
	if [ -n "$(PYTEST_ARGS)" ]; then $(PY) -m pytest -q $(PYTEST_ARGS); else \
	$(PY) -m pytest -q tests/cli tests/core tests/security tests/test_repository.py tests/test_layers.py tests/test_sql_ownership.py tests/test_children.py && \
	$(PY) -m pytest -q tests/gui; fi

test: system-packages lint typecheck typecheck-tests pytest

demo: $(STAMP)
	TESTIMONY_VAULT=$${TESTIMONY_VAULT:-demo-vault} $(VENV)/bin/testimony demo

demo-workspace: $(STAMP)
	TESTIMONY_VAULT=$${TESTIMONY_VAULT:-demo-workspace} $(VENV)/bin/testimony demo --workspace

bench: $(STAMP)
	$(PY) -m bench $(BENCH_ARGS)

bench-small: $(STAMP)
	BENCH_SIZE=small $(PY) -m bench $(BENCH_ARGS)

# 1 000 000 testimonies, on demand: over an hour and ~30 GB free under BENCH_DIR (bench/README.md).
bench-huge: $(STAMP)
	BENCH_SIZE=huge $(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info

translations: $(STAMP)
	$(PY) -m testimony_app.catalog ar

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m testimony_app.gui.screenshots docs/screenshots

package: $(STAMP)
	$(PY) -m pip install --quiet 'pyinstaller>=6.10'
	bash packaging/build.sh
