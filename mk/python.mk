# Python package `xinyong` (bindings-py): wheel, stub check and pytest suite (tests/python).
#
#   make python-test    venv + wheel (rebuilt only when a source changed) + stubtest + pytest
#   make python-wheel   just the release wheel, installed into .venv
#
# Works from a fresh clone: the venv and its pinned packages come from scripts/ensure-venv.sh.

PY_REQUIREMENTS := tests/requirements.txt tests/python/requirements.txt
PY_WHEEL_DIR := $(TARGET_DIR)/wheels
PY_WHEEL_STAMP := $(PY_WHEEL_DIR)/.xinyong-py.installed
PY_SOURCES := $(shell find bindings-py engine/src -type f \( -name '*.rs' -o -name '*.py' -o -name '*.pyi' -o -name '*.toml' -o -name '*.json' -o -name 'py.typed' \) 2>/dev/null) Cargo.toml Cargo.lock
PYTEST_PY := $(VENV_PYTHON) -m pytest -p no:cacheprovider -q tests/python

.PHONY: python-venv python-wheel python-stubtest python-test

python-venv:
	@$(call step,Python virtual environment (binding requirements))
	PYTHON='$(PYTHON)' scripts/ensure-venv.sh $(PY_REQUIREMENTS)

# The wheel is rebuilt and reinstalled only when a source is newer than the last install.
$(PY_WHEEL_STAMP): $(PY_SOURCES) $(PY_REQUIREMENTS)
	@$(call step,build and install the xinyong wheel (maturin --release))
	mkdir -p '$(PY_WHEEL_DIR)'
	rm -f '$(PY_WHEEL_DIR)'/xinyong-*.whl
	$(VENV)/bin/maturin build --release --quiet -m bindings-py/Cargo.toml -i '$(VENV_PYTHON)' --out '$(PY_WHEEL_DIR)'
	$(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps '$(PY_WHEEL_DIR)'/xinyong-*.whl
	touch '$@'

python-wheel: python-venv $(PY_WHEEL_STAMP)

python-stubtest: python-wheel
	@$(call step,mypy stubtest xinyong)
	$(VENV_PYTHON) -m mypy.stubtest xinyong --allowlist bindings-py/stubtest-allowlist.txt

# pytest exits 5 when it collects no tests; that is a failure here, never swallowed.
python-test: python-stubtest ## Build the Python wheel into .venv, check its stubs, run tests/python
	@$(call step,pytest tests/python)
	@status=0; $(PYTEST_PY) || status=$$?; \
	if [ "$$status" -eq 5 ]; then echo 'pytest collected no tests: failing' >&2; fi; \
	exit "$$status"

# Side-by-side timing of evaluate_frame against the native batch (not part of `make test`).
PY_BENCH_ENTERPRISES ?= 1000000
.PHONY: python-bench
python-bench: python-wheel cli-build ## Time evaluate_frame against `xinyong evaluate` on synthetic enterprises
	$(VENV_PYTHON) bench/python/evaluate_frame.py --xinyong '$(XINYONG_BIN)' --enterprises $(PY_BENCH_ENTERPRISES) --pandas

# Scorecard scoring against scorecardpy, toad, optbinning and NumPy (bench/README.md), in a
# virtual environment of its own (the three libraries pull in scikit-learn, SciPy and OR-Tools).
SCORECARD_ROWS ?= 1000000
.PHONY: scorecard-compare
scorecard-compare: python-wheel ## Time Scorecard.score_columns against scorecardpy, toad, optbinning and NumPy
	VENV='$(CURDIR)/bench/.venv-compare' scripts/ensure-venv.sh bench/python/requirements-compare.txt
	bench/.venv-compare/bin/python -m pip install -q --force-reinstall --no-deps $(PY_WHEEL_DIR)/xinyong-*.whl
	bench/.venv-compare/bin/python bench/python/scorecard.py --rows $(SCORECARD_ROWS) --characteristics 10 --seed 3
