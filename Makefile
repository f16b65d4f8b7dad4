# tipwatch: two commands do all the set-up.
#   make run   venv + install + migrate SQLite + demo world + demo logins + serve on 127.0.0.1:8000
#   make test  ruff + pytest (unit, PostgreSQL integration, headless Chromium browser tests)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NATIVE := $(VENV)/.native-stamp
C_SRC  := $(shell find src -name '*.c')
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test venv lint fmt bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@# the language model's tables, derived once (86 MB in the venv): start-up 0.6 s instead of 1.3 s
	$(BIN)/python -m tipwatch.engine.extract.language --install-cache
	@touch $(STAMP)

# the optional C helpers (pip install -e builds them too): rebuilt in place when a C source changes
$(NATIVE): $(C_SRC) | $(STAMP)
	$(BIN)/python scripts/build_native.py
	@touch $(NATIVE)

venv: $(STAMP) $(NATIVE)

run: venv
	TIPWATCH_DEMO=1 $(BIN)/tipwatch setup
	TIPWATCH_DEMO=1 $(BIN)/tipwatch serve --host $(HOST) --port $(PORT)

test: venv
	bash scripts/test.sh

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

fmt: venv
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: venv
	bash bench/run.sh

clean:
	rm -rf $(VENV) var build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
	find src -name '*.so' -delete
