# SEND Local Offer portal — set up, serve and test with one command each.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      ?= .venv
PYTHON    ?= python3.11
PY        := $(VENV)/bin/python
FLASK     := $(VENV)/bin/flask
PORT      ?= 5000
export FLASK_APP := wsgi
export PYTHONDONTWRITEBYTECODE := 1

APT_PACKAGES ?= chromium openjdk-17-jre-headless libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core poppler-utils nginx
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
STATIC     := app/static

.PHONY: help
help: ## List the make targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: venv
venv: $(VENV)/.installed ## Create .venv and install the pinned Python packages

.PHONY: assets
assets: node_modules/.installed ## Install GOV.UK Frontend and build the CSS into app/static
	@mkdir -p $(STATIC)/govuk $(STATIC)/css
	@rm -rf $(STATIC)/govuk/images
	cp -R $(GOVUK_DIST)/assets/images $(STATIC)/govuk/images
	cp $(GOVUK_DIST)/govuk-frontend.min.js $(STATIC)/govuk/
	npx --no-install sass --no-source-map --style=compressed --load-path=node_modules app/assets_src/app.scss $(STATIC)/css/app.css

.PHONY: translations
translations: venv ## Extract messages, update every .po catalogue, then compile them
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(VENV)/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching; fi
	$(MAKE) compile-translations

.PHONY: compile-translations
compile-translations: venv ## Compile the committed .po catalogues into .mo files
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then $(VENV)/bin/pybabel -q compile -d translations; fi

.PHONY: db
db: venv ## Create or upgrade the database to the latest migration
	PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) db upgrade

.PHONY: search-index
search-index: venv ## Build the search index from content/ (skipped when it already matches the content)
	@PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) search status 2>/dev/null || PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) search build

.PHONY: setup
setup: venv assets compile-translations search-index ## Everything the portal needs before it can serve or be tested

.PHONY: run
run: setup db ## Set up and serve the portal with demo content on http://127.0.0.1:$(PORT)
	PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) demo seed
	PORTAL_ENV=$${PORTAL_ENV:-development} $(FLASK) run --host 127.0.0.1 --port $(PORT)

.PHONY: lint
lint: venv ## Check the code with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: format
format: venv ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: test
test: setup lint ## Set up, lint and run the whole test suite
	$(VENV)/bin/pytest

.PHONY: content-check
content-check: venv ## Report every problem in content/ with file and line
	PORTAL_ENV=development $(FLASK) content check

.PHONY: surveys-check
surveys-check: venv ## Report every problem in surveys/ with file and question
	PORTAL_ENV=development $(FLASK) surveys check

.PHONY: ci-deps
ci-deps: ## Install the system packages CI needs (Debian; run as root)
	@if [ -z "$(strip $(APT_PACKAGES))" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  missing=""; for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	  if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	else echo "Not root or not Debian: install $(APT_PACKAGES) yourself"; fi

.PHONY: browser-deps
browser-deps: ## Install Debian's Chromium for the browser tests (run as root; skipped when present)
	@if [ -x /usr/bin/chromium ]; then echo "Chromium is installed: $$(/usr/bin/chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "Not root or not Debian: install Chromium at /usr/bin/chromium yourself"; exit 1; fi

.PHONY: clean
clean: ## Remove built files (keeps the database)
	rm -rf $(STATIC)/govuk $(STATIC)/css node_modules $(VENV) .pytest_cache .ruff_cache
