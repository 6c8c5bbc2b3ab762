# xinyong: the one entry point for building, running the demo, testing, linting and benchmarks.
# `make` alone lists the targets.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:
MAKEFLAGS += --no-builtin-rules --no-print-directory

CARGO ?= cargo
PYTHON ?= python3

# Honour CARGO_TARGET_DIR when it is set (CI may point it at a cache), else ./target.
TARGET_DIR := $(abspath $(or $(CARGO_TARGET_DIR),target))
XINYONG_BIN := $(TARGET_DIR)/release/xinyong
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
PYTEST_CLI := $(VENV_PYTHON) -m pytest -p no:cacheprovider -q tests/cli

# The cargo-deny release installed when none is present (one known to build with this toolchain).
CARGO_DENY_VERSION := 0.20.2

# Print a step header: $(call step,description)
step = printf '\n==> %s\n' '$(1)'

.PHONY: help demo test lint fmt bench bench-compare goldens clean \
        fmt-check clippy cargo-test cli-build pytest-cli venv deny

help: ## List the targets
	@printf 'Usage: make <target>\n\nTargets:\n'
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

demo: ## Build and run the demo on the default model and the sample registry
	$(CARGO) run --release --features cli --bin xinyong -- demo

test: fmt-check clippy deny cargo-test cli-build pytest-cli python-test node-test browser-test ## Run every check: fmt, clippy, cargo-deny, Rust, CLI, Python, Node and browser tests
	@printf '\n==> all checks passed\n'

lint: fmt-check clippy deny ## fmt check, clippy and cargo-deny (licenses, bans, sources; advisories with a local database)

fmt: ## Format all Rust code
	$(CARGO) fmt --all

bench: ## Run the criterion benchmarks and the stage-by-stage throughput and matching examples
	$(CARGO) bench -p xinyong --features parallel --bench evaluate
	$(CARGO) bench -p xinyong --bench scorecard
	$(CARGO) bench -p xinyong --features parallel --bench matching
	$(CARGO) run --release -p xinyong --example throughput -- 100000 20
	$(CARGO) run --release -p xinyong --example matching -- 100000 2000 1000

bench-compare: cli-build ## xinyong against the independent Python scorers, side by side (see bench/README.md)
	test -x bench/.venv/bin/python || $(PYTHON) -m venv bench/.venv
	bench/.venv/bin/python -m pip install --quiet -r bench/requirements.txt
	bench/.venv/bin/python bench/compare.py --enterprises 20000 --mean-records 20 --seed 8 --as-of 2026-06-30 --xinyong '$(XINYONG_BIN)'

goldens: ## Regenerate the golden output files (review the diff before committing)
	XINYONG_BLESS=1 $(CARGO) test -p xinyong --all-features --test golden --test related_party

clean: ## Remove build output and the Python virtual environment
	$(CARGO) clean
	rm -rf $(VENV)

# Surface-specific targets (Python bindings, WebAssembly, browser pages) live in mk/*.mk.
include $(wildcard mk/*.mk)

# ---- steps -------------------------------------------------------------------------------

fmt-check:
	@$(call step,cargo fmt --check)
	$(CARGO) fmt --all -- --check

clippy:
	@$(call step,cargo clippy -D warnings)
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings

cargo-test:
	@$(call step,cargo test)
	$(CARGO) test --workspace --all-features

cli-build:
	@$(call step,build the xinyong CLI (release))
	$(CARGO) build --release --features cli --bin xinyong

# The command-line suite also runs the pandas scorer of bench/ as an oracle (tests/cli/test_oracle.py).
venv:
	@$(call step,Python virtual environment)
	PYTHON='$(PYTHON)' scripts/ensure-venv.sh tests/requirements.txt bench/requirements.txt

# pytest exits 5 when it collects no tests; that is a failure here, never swallowed.
pytest-cli: venv
	@$(call step,pytest tests/cli)
	@test -x '$(XINYONG_BIN)' || { echo "missing CLI binary: $(XINYONG_BIN) (run make cli-build)" >&2; exit 1; }
	@echo "XINYONG_BIN=$(XINYONG_BIN) $(PYTEST_CLI)"
	@status=0; \
	XINYONG_BIN='$(XINYONG_BIN)' $(PYTEST_CLI) || status=$$?; \
	if [ "$$status" -eq 5 ]; then echo 'pytest collected no tests: failing' >&2; fi; \
	exit "$$status"

deny:
	@$(call step,cargo deny check licenses bans sources)
	$(CARGO) deny --version >/dev/null 2>&1 || $(CARGO) install cargo-deny --locked --version $(CARGO_DENY_VERSION)
	$(CARGO) deny check licenses bans sources
	@db="$${CARGO_HOME:-$$HOME/.cargo}/advisory-dbs"; \
	if ls -d "$$db"/*/crates >/dev/null 2>&1; then \
		echo "cargo deny --offline check advisories (local database in $$db)"; \
		$(CARGO) deny --offline check advisories; \
	else \
		echo "advisories not checked: no local advisory database in $$db ('cargo deny fetch' where the network allows)"; \
	fi
