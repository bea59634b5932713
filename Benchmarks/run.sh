#!/usr/bin/env bash
# Builds quarry in release mode and runs the benchmarks, printing their tables.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-models
swift build -c release --product quarry
python3 Benchmarks/ingest.py "$@"
