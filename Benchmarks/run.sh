#!/usr/bin/env bash
# Builds quarry in release mode and runs the benchmarks, printing their tables:
#   Benchmarks/ingest.py         ingest throughput against pdftotext
#   Benchmarks/encoder.py        sentence-encoder throughput against sentence-transformers (PyTorch CPU)
#   Benchmarks/vector_search.py  semantic search latency over 100k and 1M stored vectors
#   Benchmarks/extraction_quality.py  quarry extract + quarry eval against the gold of Kleister NDA,
#                                SROIE, CUAD and the fixtures (work dir /tmp/quarry-extraction-eval)
#   Benchmarks/extract_throughput.py  quarry extract documents/s and peak memory, ingested vs fresh DB
#   Benchmarks/llm.py            language-model prefill/decode tokens/s and memory against llama.cpp
#
# Question answering, run separately (they need `quarry ask` / `quarry eval-qa`):
#   Benchmarks/qa_sets.py        builds the QA sets (SQuAD Super Bowl 50, TAT-QA dev, Kleister NDA; gold JSONL
#                                with evidence quotes checked against the ingested pages, and unanswerable
#                                questions) under /tmp/quarry-qa-bench
#   Benchmarks/qa_quality.py     quarry eval-qa per set and retrieval mode: answer, evidence, refusal, latency
#   Benchmarks/qa_latency.py     quarry ask p50/p95 and peak memory over 100,000 replicated real chunks
#
# Extraction ceilings, run separately (long: it tunes and trains on every set):
#   Benchmarks/ceilings.py       per field: candidate recall, supervised fit, supervised, zero-shot and TAO F1
#                                on held-out documents, and the loss attributed to candidates, model, reward
#
#   bash Benchmarks/run.sh [--runs N] [--quarry PATH] [--data DIR] [--quick] [--all] [--sample N] [--sizes LIST]
#
# --quarry goes to every benchmark; --runs to every benchmark but extraction_quality; --data (the
# Kleister PDFs folder) to ingest, encoder and extract_throughput; --quick to encoder and
# vector_search; --all and --sample to encoder only; --sizes to vector_search only.
set -euo pipefail
cd "$(dirname "$0")/.."
quarry=() runs=() data=() both=() encoder=() search=()
while (($#)); do
  case "$1" in
    --quarry) quarry+=("$1" "$2"); shift 2 ;;
    --quarry=*) quarry+=("$1"); shift ;;
    --runs) runs+=("$1" "$2"); shift 2 ;;
    --runs=*) runs+=("$1"); shift ;;
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
swift build -c release --product quarry-bench
common=("${quarry[@]}" "${runs[@]}")
python3 Benchmarks/ingest.py "${common[@]}" "${data[@]}"
echo
python3 Benchmarks/encoder.py "${common[@]}" "${data[@]}" "${both[@]}" "${encoder[@]}"
echo
python3 Benchmarks/vector_search.py "${common[@]}" "${both[@]}" "${search[@]}"
echo
python3 Benchmarks/extraction_quality.py "${quarry[@]}"
echo
python3 Benchmarks/extract_throughput.py "${common[@]}" "${data[@]}"
echo
python3 Benchmarks/llm.py "${common[@]}"
