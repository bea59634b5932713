#!/usr/bin/env bash
# Formats the Swift sources with `swift format` and the repository's .swift-format configuration.
#   bash scripts/format.sh          rewrite the files in place
#   bash scripts/format.sh --check  change nothing; list the files that are not formatted and exit 1
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests Benchmarks/quarry-bench Package.swift)
if [[ "${1:-}" != "--check" ]]; then
  exec swift format format --in-place --recursive --parallel "${paths[@]}"
fi
unformatted=()
while IFS= read -r -d '' file; do
  if ! swift format format "$file" | cmp -s - "$file"; then unformatted+=("$file"); fi
done < <(find "${paths[@]}" -name '*.swift' -print0 | sort -z)
if ((${#unformatted[@]})); then
  printf 'not formatted (run bash scripts/format.sh): %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format: every Swift file is formatted"
