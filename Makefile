# yishiting — `make run` serves the demo district, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck contracts lock-check lock compose-check bench bench-quick clean fuzz docs screenshots

install: $(STAMP)

# Exactly the locked versions (hashes checked), then the project itself without resolving anything
# (which compiles application/_sm4gcm.c where gcc and libgcrypt's headers are: setup.py).
$(STAMP): pyproject.toml requirements.lock setup.py application/_sm4gcm.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Upgrading: re-resolve every package within pyproject's bounds (the runtime lock, which the
# Dockerfile installs, follows the full one), then `make install && make test`.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  --no-header --upgrade -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	  --no-header -c requirements.lock -o requirements-runtime.lock

lock-check: install
	$(BIN)/python .ci/lock_check.py

run: install
	$(BIN)/yishiting demo
	$(BIN)/yishiting serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

contracts: install
	$(BIN)/lint-imports

test: lock-check lint typecheck contracts compose-check
	$(BIN)/pytest

# The compose file is validated wherever a docker client with compose can read it.
compose-check:
	@if docker compose version >/dev/null 2>&1; then \
	  POSTGRES_PASSWORD=check YISHITING_TOKEN_SECRET=check YISHITING_PERSONAL_DATA_KEY=check \
	    docker compose config --quiet && echo "docker-compose.yml: valid"; \
	else echo "docker-compose.yml: not validated (no 'docker compose' on this machine)"; fi

# A long fuzzing session (new examples each run); `make test` runs a few, always the same.
FUZZ_EXAMPLES ?= 2000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/integration/test_fuzz.py -p no:cacheprovider

# Every page at 1366×768 and on a phone, into docs/screenshots/ (the layout test, which also
# checks each page fits and shows no raw id, English event name or over-precise day count).
screenshots: install
	YISHITING_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/browser/test_layout.py \
	  -k fits -p no:randomly -p no:cacheprovider

bench: install
	$(BIN)/python -m bench

bench-quick: install
	$(BIN)/python -m bench --quick

# The tables of docs/API.md made from the code (roles × mutations, refusals); a test compares.
docs: install
	$(BIN)/yishiting docs

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache build application/_sm4gcm.*.so

# The application's stories in memory (POPO log, in-memory key table, fixed clock): seconds.
.PHONY: test-fast
test-fast: install
	$(BIN)/pytest -m fast
