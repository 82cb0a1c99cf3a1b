# The two commands a newcomer needs:  make lab   and   make test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Use the venv's own Jupyter kernel, never one a user installed elsewhere.
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The course's matrices are small: one BLAS thread is faster than many fighting over the
# cores, and keeps a lesson cell's time the same on a laptop and a shared server.
OPENBLAS_NUM_THREADS ?= 1
OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS OMP_NUM_THREADS
# Jupyter, IPython, Matplotlib and pip keep state under HOME; a read-only (or missing)
# HOME gets a folder in the course instead, so nothing fails for want of a place to write.
ifneq ($(shell test -w "$$HOME" && echo writable),writable)
STATE := $(shell if [ -w . ]; then echo "$(CURDIR)/.cache/home"; else echo "$${TMPDIR:-/tmp}/nn-course-$$(id -u)"; fi)
export JUPYTER_RUNTIME_DIR := $(STATE)/jupyter/runtime
export JUPYTER_CONFIG_DIR := $(STATE)/jupyter/config
export JUPYTER_DATA_DIR := $(STATE)/jupyter/data
export IPYTHONDIR := $(STATE)/ipython
export MPLCONFIGDIR := $(STATE)/matplotlib
export PIP_CACHE_DIR := $(STATE)/pip
export UV_CACHE_DIR := $(STATE)/uv
endif
# Jupyter refuses to run as root (Docker, WSL, hosted notebooks) unless told: only then.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

.PHONY: lab lab-zh test lint browser-test install dev build lock bench clean

# The installer: uv (from PyPI, into the venv) installs requirements.txt in a few seconds where
# pip takes minutes (benchmarks/install.py); where uv cannot (no uv wheel for the machine, an
# index only pip.conf knows), pip does it as before. UV pins the uv of `make install` and `make lock`.
UV := uv==0.13.10
# The course itself is installed with -qq: setuptools' notes on editable installs are not errors.
$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null || { \
	  echo "This course needs Python 3.10 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1 || echo missing). Install Python 3.10+ (python.org, or your package manager), then run: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "$(UV)" && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.txt \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e . \
	  || { echo "uv could not install requirements.txt here: pip installs it instead (a few minutes)"; \
	       $(PY) -m pip install --quiet --upgrade pip && $(PY) -m pip install --quiet -r requirements.txt \
	       && $(PY) -m pip install --quiet --quiet --no-deps -e .; }
	touch $@

install: $(VENV)/.installed

lab: install              ## open the course in JupyterLab at lesson 00
	$(PY) -m jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/00_start_here.ipynb

lab-zh: install           ## 繁體中文版：open the zh-TW edition in JupyterLab at lesson 00
	$(PY) -m jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks/zh-TW/00_start_here.ipynb

test: dev lint            ## the linter and type checker, the whole test suite, then the browser test (alone: it is CPU-hungry)
	@suite=0; $(PY) -m pytest -n 2 --ignore=tests/browser || suite=$$?; \
	 browser=0; $(MAKE) --no-print-directory browser-test || browser=$$?; \
	 if [ $$suite != 0 ] || [ $$browser != 0 ]; then \
	   echo "make test failed: pytest exited $$suite, the browser test $$browser"; exit 1; fi

# The developers' tools (pytest, nbval, the zh-TW checks), on top of the learners' install.
$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

dev: $(VENV)/.installed-dev  ## the learners' install plus the tools tests and builds need

lint: dev                 ## ruff (pyflakes, bugbear, import order), then mypy on the files pyproject.toml lists
	@$(PY) -m ruff check --quiet . || { echo "ruff found the problems above: run  $(PY) -m ruff check --fix  (it fixes most, import order included), then fix the rest by hand"; exit 1; }
	@$(PY) -m mypy || { echo "mypy found the type errors above, in the public surface ([tool.mypy] files in pyproject.toml)"; exit 1; }

browser-test: dev         ## the browser test alone (JupyterLab in headless Chromium)
	@if [ -x /usr/bin/chromium ]; then $(PY) -m pip install --quiet -r requirements-browser.txt; \
	 else echo "Browser test skipped: /usr/bin/chromium not found (apt-get install chromium)"; fi
	$(PY) -m pytest tests/browser

build: dev                ## notebooks/ and checks/practice_cases/ from solutions/ (after editing solutions/)
	$(PY) -m checks build --execute

bench: install            ## check latency, grading throughput, the command line's start and the playground's speed (see README)
	$(PY) benchmarks/checks_and_grading.py
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/playground_speed.py

lock:                     ## re-pin requirements.txt and requirements-dev.txt, for every Python >= 3.10
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "$(UV)"
	@# Today's pins, as uv's preferences: a pin moves only when a .in file asks for a change
	@# (or LOCK_ARGS=--upgrade, or --upgrade-package NAME), so an unchanged .in re-locks to the same files.
	grep -sv '^-r ' requirements.txt > .lock-venv/requirements.txt || true
	grep -sv '^-r ' requirements-dev.txt > .lock-venv/requirements-dev.txt || true
	.lock-venv/bin/uv pip compile --quiet --universal --python-version 3.10 --no-header $(LOCK_ARGS) \
	  requirements.in -o .lock-venv/requirements.txt
	(echo "# Generated by \`make lock\` from requirements.in (uv pip compile --universal):"; \
	 echo "# one pinned set per Python version, 3.10 and up. Do not edit by hand."; \
	 cat .lock-venv/requirements.txt) > requirements.txt
	@# The developers' lock, less what requirements.txt pins (uv annotates those "-c requirements.txt"):
	@# its -r line installs them.
	.lock-venv/bin/uv pip compile --quiet --universal --python-version 3.10 --no-header $(LOCK_ARGS) \
	  requirements-dev.in -o .lock-venv/requirements-dev.txt
	(echo "# Generated by \`make lock\` from requirements-dev.in (uv pip compile --universal), on top of"; \
	 echo "# requirements.txt: what tests, translation checks and builds need besides the course."; \
	 echo "# Learners never install it; \`make test\` (and \`make dev\`) do. Do not edit by hand."; \
	 echo "-r requirements.txt"; \
	 awk '/^[^ ]/ { if (b !~ /-c requirements.txt/) printf "%s", b; b = "" } { b = b $$0 "\n" } \
	      END { if (b !~ /-c requirements.txt/) printf "%s", b }' .lock-venv/requirements-dev.txt \
	) > requirements-dev.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV)
