# Browser pages (bindings-wasm/www/) and their headless-Chromium test (tests/browser/).
#
#   make serve          serve bindings-wasm/ on 127.0.0.1 (PORT, default 8000) and print the URLs
#   make browser-test   install Chromium and the test's npm packages when missing, build the wasm
#                       module, serve on a free loopback port and run tests/browser/ against it
#   make www-samples    copy the sample fixtures the pages offer into bindings-wasm/www/samples/

PORT ?= 8000
BROWSER_TEST_DIR := tests/browser
BROWSER_STAMP := $(BROWSER_TEST_DIR)/node_modules/.installed-lock

.PHONY: serve browser-test www-samples chromium browser-deps www-wasm

# The wasm build target lives in mk/wasm.mk.
www-wasm: wasm-build
	@test -f bindings-wasm/pkg/web/xinyong_wasm.js || { echo 'missing bindings-wasm/pkg/web/xinyong_wasm.js' >&2; exit 1; }

www-samples:
	@$(call step,copy the page samples from fixtures/)
	node $(BROWSER_TEST_DIR)/copy-samples.mjs

serve: www-wasm www-samples ## Serve the browser pages on 127.0.0.1 (PORT=8000)
	@printf '\nself-check page:    http://127.0.0.1:%s/www/index.html\n' '$(PORT)'
	@printf 'relationship view:  http://127.0.0.1:%s/www/graph.html\n\n' '$(PORT)'
	$(PYTHON) -m http.server '$(PORT)' --bind 127.0.0.1 --directory bindings-wasm

chromium:
	@$(call step,Chromium from the distribution)
	bash scripts/ensure-chromium.sh

# npm ci only when node_modules is missing or was installed from another lock file.
browser-deps:
	@$(call step,npm packages of tests/browser)
	@if [ -f '$(BROWSER_STAMP)' ] && cmp -s '$(BROWSER_STAMP)' '$(BROWSER_TEST_DIR)/package-lock.json'; then \
		echo 'tests/browser/node_modules is up to date'; \
	else \
		cd '$(BROWSER_TEST_DIR)' && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund && \
		cp package-lock.json node_modules/.installed-lock; \
	fi

browser-test: chromium browser-deps www-wasm www-samples ## Headless-Chromium test of the browser pages
	@$(call step,browser test (headless Chromium))
	bash $(BROWSER_TEST_DIR)/run.sh
