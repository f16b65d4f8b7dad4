#!/usr/bin/env bash
# Reproduce every figure in bench/RESULTS.md: `make bench` (about 15 minutes on 2 cores).
# Each script writes a markdown block to bench/results/; RESULTS.md quotes them.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p bench/results
$BIN/python bench/extraction_eval.py --seed 11 --ads 20000 --out bench/results/extraction.md
$BIN/python bench/extract_throughput.py --sizes 20000,100000 --repeat 3
$BIN/python bench/indicators_eval.py --seed 1 --ads 20000 --fit --out bench/results/indicators.md
# (the latest run; results/termmatch.md keeps the session-by-session history by hand)
$BIN/python bench/termmatch_bench.py --mb 20 --terms 5000 --clock cpu --repeat 3 | tee bench/results/termmatch_latest.md
$BIN/python bench/link_bench.py --ads 20000 --images 2000 | tee bench/results/link.md
source scripts/pg.sh
pg_start
trap pg_stop EXIT
TIPWATCH_HOME=$(mktemp -d) DATABASE_URL="$TIPWATCH_TEST_DATABASE_URL" \
  $BIN/python bench/store_throughput.py --ads 20000 --out bench/results/store.md
echo "results in bench/results/; bench/RESULTS.md quotes them" >&2
