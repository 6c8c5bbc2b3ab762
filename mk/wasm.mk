# WebAssembly package (bindings-wasm/) and its Node tests (tests/node/).
#
#   make wasm-build   install the wasm32 target and the wasm-bindgen command line when missing,
#                     build bindings-wasm/pkg/web/ and bindings-wasm/pkg/node/, print the sizes
#   make node-test    wasm-build, npm ci in tests/node when needed, tsc --noEmit on the typed
#                     consumer, then node --test tests/node/

NODE_TEST_DIR := tests/node
NODE_TEST_STAMP := $(NODE_TEST_DIR)/node_modules/.installed-lock

.PHONY: wasm-build node-test node-deps node-typecheck

wasm-build: ## Build the WebAssembly package for the browser and for Node
	@$(call step,build the WebAssembly package)
	bash scripts/build-wasm.sh

# npm ci only when node_modules is missing or was installed from another lock file.
node-deps:
	@$(call step,npm packages of tests/node)
	@if [ -f '$(NODE_TEST_STAMP)' ] && cmp -s '$(NODE_TEST_STAMP)' '$(NODE_TEST_DIR)/package-lock.json'; then \
		echo 'tests/node/node_modules is up to date'; \
	else \
		cd '$(NODE_TEST_DIR)' && npm ci --no-audit --no-fund && cp package-lock.json node_modules/.installed-lock; \
	fi

node-typecheck: node-deps
	@$(call step,tsc --noEmit on the typed consumer of the package)
	cd '$(NODE_TEST_DIR)' && ./node_modules/.bin/tsc --noEmit -p .

node-test: wasm-build node-typecheck ## Run the Node tests of the WebAssembly package (goldens, errors, bad inputs)
	@$(call step,node --test tests/node/)
	node --test '$(NODE_TEST_DIR)/'
