#!/usr/bin/env bash
# make test: lint, then the whole pytest suite against a real PostgreSQL, plus the web
# tests on the embedded SQLite default. Starts (and always stops) a throwaway PostgreSQL
# cluster unless TIPWATCH_TEST_DATABASE_URL already points at one (as .ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

bash scripts/system-deps.sh

echo "== ruff" >&2
$BIN/ruff check src tests bench
$BIN/ruff format --check src tests bench

if [ -z "${TIPWATCH_TEST_DATABASE_URL:-}" ]; then
  # shellcheck source=scripts/pg.sh
  source scripts/pg.sh
  pg_start
  trap pg_stop EXIT
fi

export TIPWATCH_HOME
TIPWATCH_HOME=$(mktemp -d /tmp/tipwatch-test-home.XXXXXX)
export PYTHONHASHSEED=0
# the compiled helpers must be there: a missing one fails tests/engine/test_native.py
export TIPWATCH_REQUIRE_NATIVE=1

echo "== migrations are up to date" >&2
DATABASE_URL="sqlite:///$TIPWATCH_HOME/check.sqlite3" $BIN/python -m django makemigrations --check --dry-run \
  --settings=tipwatch.web.settings

echo "== pytest on PostgreSQL (unit, integration, browser)" >&2
DATABASE_URL="$TIPWATCH_TEST_DATABASE_URL" $BIN/pytest -q -p no:cacheprovider "$@"

echo "== pytest web tests on SQLite (the embedded default)" >&2
DATABASE_URL="sqlite:///$TIPWATCH_HOME/test.sqlite3" $BIN/pytest -q -p no:cacheprovider tests/web -m "not e2e"
rm -rf "$TIPWATCH_HOME"
