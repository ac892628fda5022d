# Local development: `make up` starts Kafka, PostgreSQL and an S3 server without Docker (state,
# downloads and logs in .state/), `make test` runs the linters, the type checker and pytest.
# The stack program is scripts/stack; docs/local-stack.md describes ports and overrides.

PYTHON ?= python3
STACK := $(PYTHON) -m scripts.stack
# mypy fails on a folder without Python files, so only folders that contain some are passed.
MYPY_CANDIDATES := shared/src $(wildcard services/*/src) $(wildcard sandboxes/*/src) tests bench scripts
MYPY_PATHS = $(foreach dir,$(MYPY_CANDIDATES),$(if $(shell find $(dir) -name '*.py' -print -quit 2>/dev/null),$(dir)))

.PHONY: up down status logs clean distclean install venv test lint typecheck pytest \
	demo demo-down platform-up platform-down platform-status

## Install uv when missing and create the virtual environment from uv.lock.
venv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	uv sync --frozen

## Start the stack (installs what is missing; a second run reuses downloads and data).
up: venv
	uv run --frozen python -m scripts.stack up

## Stop every component of the stack.
down:
	@$(STACK) down

## Print each component, healthy or not, with its port and pid.
status:
	@$(STACK) status

## Print the end of each log (LOGS_ARGS="-f kafka" to follow one).
logs:
	@$(STACK) logs $(LOGS_ARGS)

## Stop the stack and delete its data and logs; downloads stay.
clean:
	@$(STACK) clean

## Stop the stack and delete .state/ entirely, downloads included.
distclean:
	@$(STACK) clean --all

## Download what the stack needs without starting it (Debian packages, Kafka jars, versitygw).
install:
	@$(STACK) install

lint: venv
	uv run --frozen ruff check .
	uv run --frozen ruff format --check .

typecheck: venv
	uv run --frozen mypy $(MYPY_PATHS)

## Integration tests start the stack when it is not running and stop it afterwards
## (the stack_env fixture in tests/conftest.py). `install` runs first, so that a cold start's
## downloads do not count against pytest's per-test timeout.
pytest: venv install
	@status=0; uv run --frozen pytest || status=$$?; \
	if [ $$status -eq 5 ]; then echo "make: pytest collected no tests (exit code 5)" >&2; fi; \
	exit $$status

test: lint typecheck pytest

## Start the sandboxes and the five services on the local stack (logs in .state/logs).
platform-up: up
	uv run --frozen python -m scripts.platform up

## Stop the sandboxes and services (the stack keeps running; `make down` stops it).
platform-down:
	@$(PYTHON) -m scripts.platform down

## Print each sandbox and service with its state, URL and pid.
platform-status:
	@$(PYTHON) -m scripts.platform status

## Set everything up on a fresh machine, start the platform, load the demo inventory with photos
## (MANIFEST=path imports a liquidation manifest instead), create an event per warehouse, format
## both and print where the CSVs are. Everything keeps running afterwards.
demo: platform-up
	uv run --frozen python -m scripts.demo $(if $(MANIFEST),--manifest "$(MANIFEST)")

## Stop what `make demo` started except the stack.
demo-down: platform-down
