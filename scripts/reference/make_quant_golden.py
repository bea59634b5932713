"""Writes the golden file Quarry's GGML block formats (Sources/Tensors/QuantizedMatrix.swift) are checked against.

Usage (from the repo root; needs numpy and the `gguf` package, e.g. PYTHONPATH=/path/to/gguf-py):

    python3 scripts/reference/make_quant_golden.py [--out Tests/TensorsTests/Golden/quant.json]

For each type (F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K) it writes a small matrix:

  type, rows, columns
  data         the raw row bytes, base64: made by gguf.quants.quantize from seeded random weights
               (plus edge cases: a zero block, a constant block, subnormal halves), or, for the
               K-quants gguf-py cannot quantise, seeded random bytes with sane f16 scales
  x            a test vector, base64 of little-endian float32
  dequantized  gguf.quants.dequantize of `data`, base64 of little-endian float32 (bit-exact target)
  product      W·x in float64 from the dequantised weights and x (what multiply approximates)
  ggml         W·x as ggml's CPU backend computes it: x quantised to the type's vec_dot_type by a
               numpy port of quantize_row_q8_0_ref / q8_1_ref / q8_K_ref (or rounded to F16/BF16),
               then ggml's generic vec_dot with exact integer block sums, combined in float64
  activation   for the Q8 formats, the quantised x as ggml stores it: quants (base64 int8) and
               scales (the f16-rounded d of Q8_0/Q8_1, the float d of Q8_K) and, for Q8_1, s

Output is deterministic (fixed seeds); gguf 0.19.0 and numpy 2 were used.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import quants

REPO = Path(__file__).resolve().parents[2]


def b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def f16(value) -> np.float32:
    return np.float32(np.float16(value))


# ---- ggml's reference activation quantisers, in float32 like the C code ----

def q8_0_ref(x: np.ndarray, with_sum: bool):
    q = np.zeros(x.size, np.int8)
    scales, sums = [], []
    for b in range(x.size // 32):
        v = x[32 * b:32 * b + 32].astype(np.float32)
        amax = np.float32(np.abs(v).max())
        d = np.float32(amax / np.float32(127))
        idv = np.float32(1) / d if d != 0 else np.float32(0)
        prod = (v * idv).astype(np.float32).astype(np.float64)         # exact; round in float64
        r = np.sign(prod) * np.floor(np.abs(prod) + 0.5)              # roundf: ties away from zero
        qb = r.astype(np.int8)
        q[32 * b:32 * b + 32] = qb
        scales.append(f16(d))
        sums.append(f16(np.float32(int(qb.astype(np.int64).sum())) * d))
    return q, np.array(scales, np.float32), (np.array(sums, np.float32) if with_sum else None)


def q8_K_ref(x: np.ndarray):
    q = np.zeros(x.size, np.int8)
    scales, bsums = [], []
    for b in range(x.size // 256):
        v = x[256 * b:256 * b + 256].astype(np.float32)
        amax, mx = np.float32(0), np.float32(0)
        for value in v:  # the first value of largest magnitude, as the C loop finds it
            if abs(value) > amax:
                amax, mx = np.float32(abs(value)), value
        if amax == 0:
            scales.append(np.float32(0))
            bsums += [0] * 16
            continue
        iscale = np.float32(np.float32(-127) / mx)
        qb = np.minimum(127, np.rint((iscale * v).astype(np.float32))).astype(np.int8)  # nearest_int: ties to even
        q[256 * b:256 * b + 256] = qb
        bsums += [int(qb[16 * j:16 * j + 16].astype(np.int64).sum()) for j in range(16)]
        scales.append(np.float32(np.float32(1) / iscale))
    return q, np.array(scales, np.float32), np.array(bsums, np.float32)


# ---- ggml's generic vec_dot kernels: exact integer block sums, float64 combination ----

def halves(block: np.ndarray, offset: int) -> float:
    return float(block[offset:offset + 2].view(np.float16)[0])


def scale_min_k4(j: int, q: np.ndarray):
    q = q.astype(np.int64)
    if j < 4:
        return q[j] & 63, q[j + 4] & 63
    return (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4)


def ggml_row_dot(qtype, row: np.ndarray, x: np.ndarray) -> float:
    if qtype == T.F32:
        return float(np.dot(row.view(np.float32).astype(np.float64), x.astype(np.float64)))
    if qtype == T.F16:
        xh = x.astype(np.float16).astype(np.float64)
        return float(np.dot(row.view(np.float16).astype(np.float64), xh))
    if qtype == T.BF16:
        xb = quants.dequantize(quants.quantize(x, T.BF16), T.BF16).astype(np.float64)
        return float(np.dot(quants.dequantize(row, T.BF16).astype(np.float64), xb))
    total = 0.0
    if qtype in (T.Q4_0, T.Q4_1, T.Q8_0):
        q8, dy, sy = q8_0_ref(x, with_sum=qtype == T.Q4_1)
        dy, sy = [float(v) for v in dy], ([float(v) for v in sy] if sy is not None else None)
        size = {T.Q4_0: 18, T.Q4_1: 20, T.Q8_0: 34}[qtype]
        for b in range(x.size // 32):
            block = row[size * b:size * b + size]
            yq = q8[32 * b:32 * b + 32].astype(np.int64)
            if qtype == T.Q8_0:
                wq = block[2:].view(np.int8).astype(np.int64)
                total += int(np.dot(wq, yq)) * (halves(block, 0) * dy[b])
                continue
            qs = block[size - 16:].astype(np.int64)
            wq = np.concatenate([qs & 0xF, qs >> 4])
            if qtype == T.Q4_0:
                total += int(np.dot(wq - 8, yq)) * halves(block, 0) * dy[b]
            else:
                total += halves(block, 0) * dy[b] * int(np.dot(wq, yq)) + halves(block, 2) * sy[b]
        return total
    q8, dy, bsums = q8_K_ref(x)
    dy, bsums = [float(v) for v in dy], [int(v) for v in bsums]
    for b in range(x.size // 256):
        yq = q8[256 * b:256 * b + 256].astype(np.int64)
        if qtype == T.Q4_K:
            block = row[144 * b:144 * b + 144]
            scales, qs = block[4:16], block[16:].astype(np.int64)
            sumi, summ = 0, 0
            for sub in range(8):
                sc, mn = scale_min_k4(sub, scales)
                nib = (qs[32 * (sub // 2):32 * (sub // 2) + 32] >> (4 * (sub % 2))) & 0xF
                sumi += int(sc) * int(np.dot(nib, yq[32 * sub:32 * sub + 32]))
                summ += int(mn) * int(bsums[16 * b + 2 * sub] + bsums[16 * b + 2 * sub + 1])
            total += halves(block, 0) * dy[b] * sumi - halves(block, 2) * dy[b] * summ
        else:
            block = row[210 * b:210 * b + 210]
            ql, qh, sc = block[:128].astype(np.int64), block[128:192].astype(np.int64), block[192:208].view(np.int8)
            w = np.zeros(256, np.int64)
            for half in range(2):
                for l in range(32):
                    L, H = ql[64 * half:], qh[32 * half:]
                    w[128 * half + l] = ((L[l] & 0xF) | (((H[l] >> 0) & 3) << 4)) - 32
                    w[128 * half + l + 32] = ((L[l + 32] & 0xF) | (((H[l] >> 2) & 3) << 4)) - 32
                    w[128 * half + l + 64] = ((L[l] >> 4) | (((H[l] >> 4) & 3) << 4)) - 32
                    w[128 * half + l + 96] = ((L[l + 32] >> 4) | (((H[l] >> 6) & 3) << 4)) - 32
            sumi = sum(int(sc[j]) * int(np.dot(w[16 * j:16 * j + 16], yq[16 * j:16 * j + 16])) for j in range(16))
            total += halves(block, 208) * dy[b] * sumi
    return total


# ---- the test matrices ----

def random_k_blocks(rng: np.random.Generator, qtype, count: int) -> np.ndarray:
    size = {T.Q4_K: 144, T.Q6_K: 210}[qtype]
    blocks = rng.integers(0, 256, size=(count, size), dtype=np.uint8)
    for block in blocks:
        if qtype == T.Q4_K:
            block[0:2] = np.array([rng.uniform(2e-4, 2e-3)], np.float16).view(np.uint8)   # d
            block[2:4] = np.array([rng.uniform(1e-4, 1e-3)], np.float16).view(np.uint8)   # dmin
        else:
            block[208:210] = np.array([rng.uniform(1e-4, 1e-3)], np.float16).view(np.uint8)
    return blocks.reshape(-1)


def weights(rng: np.random.Generator, rows: int, columns: int) -> np.ndarray:
    w = rng.standard_normal((rows, columns)).astype(np.float32) * np.float32(0.05)
    w[0, :32] = 0                                  # an all-zero block
    w[1, 32:64] = np.float32(0.125)                # a constant block (Q4_1 d = 0)
    w[2, 5] = np.float32(-0.4)                     # an outlier that sets a block's scale
    return w


def case(qtype, rows: int, columns: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    if qtype in (T.Q4_K, T.Q6_K):
        data = random_k_blocks(rng, qtype, rows * columns // 256).reshape(rows, -1)
    else:
        w = weights(rng, rows, columns)
        if qtype == T.F16:
            w[0, 40:44] = np.array([6e-8, -3e-6, 6.1e-5, -0.0], np.float32)  # subnormal halves, -0
        data = quants.quantize(w, qtype)
    deq = quants.dequantize(data, qtype).astype(np.float32).reshape(rows, columns)
    x = (rng.standard_normal(columns) * 1.5).astype(np.float32)
    x[3] = np.float32(7.25)        # an outlier activation
    x[-32:] *= np.float32(1e-3)    # a block of small activations
    byte_rows = data.reshape(rows, -1)
    out = {
        "type": qtype.name, "rows": rows, "columns": columns,
        "data": b64(byte_rows), "x": b64(x), "dequantized": b64(deq),
        "product": [float(v) for v in deq.astype(np.float64) @ x.astype(np.float64)],
        "ggml": [ggml_row_dot(qtype, byte_rows[r], x) for r in range(rows)],
    }
    if qtype in (T.Q4_0, T.Q4_1, T.Q8_0):
        q, d, s = q8_0_ref(x, with_sum=qtype == T.Q4_1)
        assert np.array_equal(quants.quantize(x, T.Q8_0).reshape(-1, 34)[:, 2:].view(np.int8).reshape(-1), q)
        out["activation"] = {"quants": b64(q), "scales": [float(v) for v in d]}
        if s is not None:
            out["activation"]["sums"] = [float(v) for v in s]
    elif qtype in (T.Q4_K, T.Q6_K):
        q, d, _ = q8_K_ref(x)
        out["activation"] = {"quants": b64(q), "scales": [float(v) for v in d]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "Tests/TensorsTests/Golden/quant.json")
    args = parser.parse_args()
    cases = [
        case(T.F32, 3, 64, 1), case(T.F16, 3, 64, 2), case(T.BF16, 3, 64, 3),
        case(T.Q4_0, 3, 96, 4), case(T.Q4_1, 3, 96, 5), case(T.Q8_0, 3, 96, 6),
        case(T.Q4_K, 3, 512, 7), case(T.Q6_K, 3, 512, 8),
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"cases": cases}, indent=1) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
