#!/usr/bin/env bash
# Sets up what is missing, builds quarry and runs the demo pipeline on the bundled fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product quarry
rm -f demo.db demo.db-wal demo.db-shm
.build/release/quarry run Pipelines/fixtures.yaml --db demo.db
echo
echo "Try: .build/release/quarry search \"invoice total\" --db demo.db"
