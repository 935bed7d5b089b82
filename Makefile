# aidkit — two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The project is installed as a wheel would install it (not editable), so the tests run the
# package a user gets, package data included; any change to its sources reinstalls it.
SOURCES := $(shell git ls-files toolkit templates macros 2>/dev/null || find toolkit templates macros -type f)

.PHONY: install demo test lint mutation office bench workbooks wheel windows-bundle clean

$(STAMP): pyproject.toml $(SOURCES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	rm -rf build  # setuptools' staging folder: a module renamed or removed must not linger in the wheel
	$(BIN)/python -m pip install -q '.[test,bench,build]'
	touch $(STAMP)

install: $(STAMP)

## Generate a sample cluster, check, merge and mail it to a local SMTP server.
demo: $(STAMP)
	$(BIN)/python scripts/demo.py demo-output

## The linter (ruff) and the type checker (mypy, both configured in pyproject.toml), then the whole test suite,
## LibreOffice conversions included.
test: $(STAMP) office
	$(BIN)/ruff check toolkit tests scripts bench
	$(BIN)/mypy
	$(BIN)/pytest -q

## ruff's lint rules and its formatter, checking only (nothing is rewritten).
lint: $(STAMP)
	$(BIN)/ruff check toolkit tests scripts bench
	$(BIN)/ruff format --check toolkit tests scripts bench

## Mutation testing (mutmut, configured in pyproject.toml) of the checks, the annotator, the figures and the outputs
## rule, bounded to 40 minutes (all ~2,750 mutants take hours on 2 cores: name some, e.g.
## `.venv/bin/mutmut run "toolkit.outputs*"`); `mutmut results` lists the survivors. Mutants are made under
## mutants/ (not committed); the tests there import toolkit.templates and toolkit.vba, which the wheel maps from
## templates/ and macros/: the links give mutants/ the same layout.
mutation: $(STAMP)
	$(BIN)/python -m pip install -q '.[mutation]'
	mkdir -p mutants/toolkit && ln -sfn ../../templates mutants/toolkit/templates && ln -sfn ../../macros mutants/toolkit/vba
	timeout 2400 nice -n 19 $(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut export-cicd-stats 2>/dev/null; $(BIN)/mutmut results | tail -n 40

## LibreOffice headless, Chromium and poppler for the tests (installed with apt when missing).
office:
	@bash scripts/test-tools.sh

## Speed measurements, written to bench/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_consolidate.py
	$(BIN)/python bench/bench_catalogue.py
	$(BIN)/python bench/bench_report.py

## Rebuild workbooks/*.xlsm from the schema and macros/.
workbooks: $(STAMP)
	rm -f workbooks/aidkit-tinh.xlsm workbooks/aidkit-cum.xlsm  # build artefacts under git: aidkit replaces only what it recorded
	$(BIN)/aidkit build-workbooks

## The project's wheel, into dist/.
wheel: $(STAMP)
	$(BIN)/python -m pip wheel -q --no-deps -w dist .

## dist/aidkit-windows-<version>-py3XX.zip, one per CPython 3.11-3.15: wheels for Windows, workbooks, install script.
windows-bundle: $(STAMP)
	$(BIN)/python scripts/windows_bundle.py --out dist

clean:
	rm -rf $(VENV) demo-output bench/out dist build mutants
