# Cartagena Monitor. `make run` starts everything; `make test` runs the whole suite.
# Needs only Python 3.11, make and git: the rest is installed into .venv from uv.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
SERVICES := actions parties reminders
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup run test lint messages format bench soak backup restore clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(BIN)/uv
	$(BIN)/uv sync --frozen --python $(BIN)/python
	@touch $@

setup: $(VENV)/.synced ## Create .venv from the lock, migrate and seed the SQLite databases in var/
	@mkdir -p var
	@for service in $(SERVICES); do $(BIN)/python -m services.$$service setup || exit 1; done

run: setup ## Start every service (Ctrl-C stops them all)
	@$(BIN)/python -m tools.urls
	@PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start -f Procfile

test: $(VENV)/.synced ## Run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced ## ruff, mypy and the import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy services dashboard tools tests bench
	$(BIN)/lint-imports

messages: $(VENV)/.synced ## Extract the dashboard's words into its catalogue and update the French and Spanish ones (docs/dashboard.md)
	$(BIN)/pybabel extract -F dashboard/babel.cfg --no-location --sort-output --project "Cartagena Monitor" --copyright-holder "Cartagena Monitor" -o dashboard/locale/dashboard.pot .
	$(BIN)/pybabel update -D dashboard -i dashboard/locale/dashboard.pot -d dashboard/locale --no-fuzzy-matching --ignore-obsolete

format: $(VENV)/.synced ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup ## Measure throughput against a bare FastAPI app; BENCH_POSTGRES_URL=... adds PostgreSQL (docs/performance.md)
	$(BIN)/python -m bench

soak: setup ## Ten minutes of 156 simulated states while reminders fall due (see docs/performance.md)
	$(BIN)/python -m bench.soak

backup: $(VENV)/.synced ## Back up every database into var/backups/<time>/ (SQLite or PostgreSQL)
	$(BIN)/python -m tools.backup create

restore: $(VENV)/.synced ## Restore a backup: make restore FROM=var/backups/<time> (stop the services first)
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/<time>"; exit 2; }
	$(BIN)/python -m tools.backup restore "$(FROM)"

clean: ## Remove the virtual environment and local databases
	rm -rf $(VENV) var
