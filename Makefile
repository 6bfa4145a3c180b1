# Two commands on a fresh machine: `make report` and `make test`. Both create .venv if missing.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install report test lab lab-workspace bench lint format clean pdf-tools

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/planeval kernel
	touch $(STAMP)

install: $(STAMP)

## make pdf-tools: the Debian packages behind PDF and the Word checks, installed with apt-get
## when missing: headless Chromium (prints the HTML report to PDF), the Noto CJK fonts,
## LibreOffice Writer (the tests convert the .docx to PDF), poppler-utils (pdftotext,
## pdftoppm). Needs root or sudo; where apt-get cannot run, it says so and the PDF format
## and those tests are unavailable (the tests are skipped with that reason).
PDF_TOOLS := chromium fonts-noto-cjk libreoffice-writer poppler-utils
pdf-tools:
	@if command -v chromium >/dev/null && command -v soffice >/dev/null \
	    && command -v pdftotext >/dev/null && fc-list 2>/dev/null | grep -qi "cjk"; then :; \
	elif command -v apt-get >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends $(PDF_TOOLS) >/dev/null \
	  || echo "make pdf-tools: could not install $(PDF_TOOLS); PDF output and its tests are off"; \
	else echo "make pdf-tools: no apt-get here; install $(PDF_TOOLS) by hand for PDF output"; fi

## make report: the main job on the shipped real data (reports/*.html, .docx and .pdf, and
## reports/index.html). At the end it prints how long the main job took and how many reports
## it made, then checks EVERY PDF in reports/ (scripts/check_pdfs.py: each domain table's and
## overview matrix's status words in the text, the cover on page 1, no blank page) and fails
## when the batch or any PDF fails.
report: $(STAMP) pdf-tools
	@start=$$(date +%s); $(BIN)/planeval batch data/runs/main.yaml; status=$$?; \
	$(BIN)/python scripts/report_summary.py reports/batch_summary.json $$(( $$(date +%s) - start )); \
	if ls reports/*.pdf >/dev/null 2>&1; then \
	  $(BIN)/python scripts/check_pdfs.py reports/*.pdf || { status=1; \
	    echo "make report: FAILED — printed PDFs above do not show every table (scripts/check_pdfs.py)" >&2; }; \
	fi; \
	exit $$status

## make test: lint, the import contracts (stages import downward only, see
## docs/architecture.md), then the test suite (includes papermill end-to-end runs)
test: $(STAMP) pdf-tools
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

## make lab: JupyterLab on the project, opening lab/explore.ipynb: a working copy of
## notebooks/explore.ipynb in the git-ignored folder lab/, made on first use (delete it for a
## fresh copy). A session's outputs and autosaves go to the copy, never to the tracked
## notebook, so the repository stays clean. The kernel "Python 3 (planeval)" (.venv's Python,
## the one papermill uses) is registered first and is the default for new notebooks. Extra
## options: make lab LAB_ARGS="--no-browser --port 8890" (--allow-root is added when run as
## root, as on the project's machines).
LAB_ARGS ?=
LAB_DIR ?= lab
lab: $(STAMP) lab-workspace
	$(BIN)/planeval kernel
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
	    --MultiKernelManager.default_kernel_name=planeval \
	    $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS) $(LAB_DIR)/explore.ipynb

## make lab-workspace: the working copy lab/explore.ipynb (kept when it exists: your work).
## LAB_DIR must sit one level below the project, like notebooks/ ("../data" is the data).
lab-workspace:
	mkdir -p $(LAB_DIR)
	test -e $(LAB_DIR)/explore.ipynb || cp notebooks/explore.ipynb $(LAB_DIR)/explore.ipynb

## make bench: backtest and throughput figures (prints, asserts nothing)
bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format src tests scripts benchmarks
	$(BIN)/ruff check --fix src tests scripts benchmarks

clean:
	rm -rf reports/*.html reports/failed data/processed
