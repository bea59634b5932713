#!/usr/bin/env bash
# Builds quarry in release mode and runs the benchmarks, printing their tables:
#   Benchmarks/ingest.py         ingest throughput against pdftotext
#   Benchmarks/encoder.py        sentence-encoder throughput against sentence-transformers (PyTorch CPU)
#   Benchmarks/vector_search.py  semantic search latency over 100k and 1M stored vectors
#
#   bash Benchmarks/run.sh [--runs N] [--quarry PATH] [--data DIR] [--quick] [--all] [--sample N] [--sizes LIST]
#
# --runs, --quarry go to every benchmark, --data to ingest and encoder; --quick to encoder and
# vector_search; --all and --sample to encoder only; --sizes to vector_search only.
set -euo pipefail
cd "$(dirname "$0")/.."
common=() data=() both=() encoder=() search=()
while (($#)); do
  case "$1" in
    --runs|--quarry) common+=("$1" "$2"); shift 2 ;;
    --runs=*|--quarry=*) common+=("$1"); shift ;;
    --data) data+=("$1" "$2"); shift 2 ;;
    --data=*) data+=("$1"); shift ;;
    --quick) both+=("$1"); shift ;;
    --all) encoder+=("$1"); shift ;;
    --sample) encoder+=("$1" "$2"); shift 2 ;;
    --sample=*) encoder+=("$1"); shift ;;
    --sizes) search+=("$1" "$2"); shift 2 ;;
    --sizes=*) search+=("$1"); shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bash scripts/setup.sh --no-models
swift build -c release --product quarry
python3 Benchmarks/ingest.py "${common[@]}" "${data[@]}"
echo
python3 Benchmarks/encoder.py "${common[@]}" "${data[@]}" "${both[@]}" "${encoder[@]}"
echo
python3 Benchmarks/vector_search.py "${common[@]}" "${both[@]}" "${search[@]}"
