"""PyTorch side of the sentence-encoder throughput benchmark (all-MiniLM-L6-v2 via sentence-transformers).

Usage:

    PY=$(bash scripts/reference/venv.sh | tail -1)
    "$PY" Benchmarks/encoder_torch.py --texts FILE.jsonl [--batch-size 32] [--threads 2]
                                      [--model DIR] [--out vectors.f32]

FILE.jsonl holds one JSON string per line (blank lines are skipped). The script sets
torch.set_num_threads(threads), loads the SentenceTransformer from --model (default
$QUARRY_MODELS/all-MiniLM-L6-v2, QUARRY_MODELS defaulting to ~/.cache/quarry/models) offline,
warms up on the first batch, then times model.encode(all texts, batch_size) and prints one JSON line:

    {"seconds", "texts", "tokens", "texts_per_second", "peak_rss_mib", "torch", "threads", "batch_size"}

"tokens" counts the non-pad tokens, [CLS]/[SEP] included, after truncation to max_seq_length (256),
as the model's own tokenizer makes them (counted outside the timed part). With --out the vectors
(unit length: the model ends with Normalize) are written as little-endian float32 rows, N x 384.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> int:
    default_model = Path(os.environ.get("QUARRY_MODELS", Path.home() / ".cache/quarry/models")) / "all-MiniLM-L6-v2"
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=Path, required=True, help="JSONL file, one JSON string per line")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--model", type=Path, default=default_model, help="model folder (default: %(default)s)")
    ap.add_argument("--out", type=Path, help="write vectors here as little-endian float32 rows (N x 384)")
    args = ap.parse_args()

    texts = []
    with args.texts.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            value = json.loads(line)
            if not isinstance(value, str):
                ap.error(f"{args.texts}:{n}: expected a JSON string, got {type(value).__name__}")
            texts.append(value)
    if not texts:
        ap.error(f"{args.texts}: no texts")

    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(args.model), device="cpu", local_files_only=True)
    model.eval()

    # Token count as encode() sees it: special tokens included, truncated, no padding.
    tokenizer = model.tokenizer
    tokens = sum(
        len(ids)
        for ids in tokenizer(texts, truncation=True, max_length=model.max_seq_length, padding=False)["input_ids"]
    )

    model.encode(texts[: args.batch_size], batch_size=args.batch_size, show_progress_bar=False)  # warm-up

    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=args.batch_size, show_progress_bar=False, convert_to_numpy=True)
    seconds = time.perf_counter() - start

    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    if args.out is not None:
        args.out.write_bytes(vectors.tobytes())

    result = {
        "seconds": round(seconds, 6),
        "texts": len(texts),
        "tokens": int(tokens),
        "texts_per_second": round(len(texts) / seconds, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "batch_size": args.batch_size,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
