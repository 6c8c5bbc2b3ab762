# Fuzzing (nightly toolchain): every parser of caller data has a cargo-fuzz target.

FUZZ_SECONDS ?= 60

.PHONY: fuzz

fuzz: ## Run every fuzz target for FUZZ_SECONDS seconds each (default 60; nightly, cargo-fuzz)
	FUZZ_SECONDS='$(FUZZ_SECONDS)' scripts/fuzz.sh
