#!/usr/bin/env bash
# Sets up what is missing and runs the whole test suite. Tests that use ../shared/data skip
# with a message where it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/format.sh --check
python3 scripts/check_layout.py
swift build --build-tests
swift test --skip-build "$@"
