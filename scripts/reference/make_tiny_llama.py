"""Writes a tiny llama-architecture GGUF model for tests: Tests/ModelsTests/Golden/tiny-llama.gguf.

Usage (from the repo root; runs in the llama venv, which has the gguf package):

    PY=$(bash scripts/reference/venv.sh llama | tail -1)
    "$PY" scripts/reference/make_tiny_llama.py [--seed 20241121] [--out PATH]

Everything is deterministic from the seed. The model:
  - a SentencePiece ("llama") vocabulary: <unk>, <s>, </s>, the control tokens <|im_start|> and
    <|im_end|>, a user-defined token <sep>, the 256 byte tokens <0x00>..<0xFF>, then the pieces of
    a small BPE trained here on CORPUS (characters and ▁-prefixed merges, scored like
    SentencePiece: earlier merges score higher);
  - embedding 256, 4 heads, 2 KV heads (head size 64), feed-forward 256, 2 layers, a separate
    output.weight, context 256, RoPE base 10000, a ChatML chat template with a default system
    message written with Jinja whitespace control;
  - random weights in mixed tensor types so that every format Quarry reads is exercised:
    token_embd Q8_0, output Q6_K, norms F32, and per layer (F16, BF16 and Q8_0 on the smallest
    matrices to keep the file near 700 KB)
        layer 0: attn_q Q4_K, attn_k F16,  attn_v Q4_1, attn_output Q4_0, ffn_gate Q4_0, ffn_up Q4_K, ffn_down Q4_0
        layer 1: attn_q Q4_0, attn_k Q8_0, attn_v BF16, attn_output Q4_K, ffn_gate Q4_K, ffn_up Q4_1, ffn_down Q4_K
    gguf-py quantises Q8_0, Q4_0, Q4_1, F16 and BF16 from float weights; it cannot quantise
    K-quants, so their blocks are built from random bytes with small f16 scales chosen so that
    the weights are centred with about the same spread as the others.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]

EMBED, HEADS, KV_HEADS, FF, LAYERS, CONTEXT = 256, 4, 2, 256, 2, 256
HEAD = EMBED // HEADS
MERGES = 64

CORPUS = """
The quick brown fox jumps over the lazy dog. A model reads the text and writes the answer.
Invoices list the date, the total and the name of the seller; contracts name the parties and
the governing law. The tokenizer splits each word into pieces, and the pieces into bytes when
it has to. There are numbers too: 2024, 15.03, 100 and 7. Hello world, hello there, world of
words. Quarry extracts tables from documents and answers questions about them.
""" * 3 + "café naïve über straße déjà vu"

TEMPLATE = (
    "{%- for message in messages %}\n"
    "    {%- if loop.first and messages[0]['role'] != 'system' %}\n"
    "        {{- '<|im_start|>system\\nYou are Quarry\\'s tiny test model.<|im_end|>\\n' }}\n"
    "    {%- endif %}\n"
    "    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "    {{- '<|im_start|>assistant\\n' }}\n"
    "{%- endif %}\n"
)


def train_pieces(corpus: str, merges: int) -> tuple[list[str], list[str]]:
    """Characters (most frequent first) and BPE merges over ▁-prefixed words, ties broken by text."""
    words = Counter("\u2581" + w for w in corpus.split())
    chars = Counter()
    for w, n in words.items():
        for c in w:
            chars[c] += n
    char_list = [c for c, _ in sorted(chars.items(), key=lambda kv: (-kv[1], kv[0]))]
    split = {w: list(w) for w in words}
    merged: list[str] = []
    for _ in range(merges):
        pairs = Counter()
        for w, n in words.items():
            s = split[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        (a, b), _ = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        merged.append(a + b)
        for w in words:
            s, out, i = split[w], [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            split[w] = out
    return char_list, merged


def vocabulary() -> tuple[list[str], list[float], list[int]]:
    from gguf import TokenType

    tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "<sep>"]
    scores = [0.0] * len(tokens)
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL, TokenType.CONTROL,
             TokenType.USER_DEFINED]
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        scores.append(0.0)
        types.append(TokenType.BYTE)
    chars, merged = train_pieces(CORPUS, MERGES)
    # SentencePiece order: merges by score (earlier = higher), then characters.
    for i, piece in enumerate(merged):
        tokens.append(piece)
        scores.append(-float(i))
        types.append(TokenType.NORMAL)
    for i, c in enumerate(chars):
        if c in tokens:
            continue
        tokens.append(c)
        scores.append(-1000.0 - i)
        types.append(TokenType.NORMAL)
    assert len(set(tokens)) == len(tokens)
    return tokens, scores, [int(t) for t in types]


def f16(x: float) -> bytes:
    return np.float16(x).tobytes()


def q4_k(rng: np.random.RandomState, rows: int, cols: int, spread: float) -> np.ndarray:
    """Random Q4_K blocks: 8 sub-blocks of 32 with 6-bit scales and mins that centre the weights."""
    blocks = []
    d = spread / (4.6 * 35)          # q ~ U{0..15} (sd 4.6), scales ~ 20..50
    dmin = d * 6
    for _ in range(rows * cols // 256):
        sc = rng.randint(20, 51, size=8)
        m = np.minimum(63, np.round(sc * 7.5 / 6)).astype(int)
        packed = bytearray(12)
        for j in range(4):
            packed[j] = (sc[j] & 63) | ((sc[j + 4] >> 4) << 6)
            packed[j + 4] = (m[j] & 63) | ((m[j + 4] >> 4) << 6)
            packed[j + 8] = (sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4)
        qs = rng.randint(0, 256, size=128).astype(np.uint8).tobytes()
        blocks.append(f16(d) + f16(dmin) + bytes(packed) + qs)
    return np.frombuffer(b"".join(blocks), dtype=np.uint8).reshape(rows, -1)


def q6_k(rng: np.random.RandomState, rows: int, cols: int, spread: float) -> np.ndarray:
    """Random Q6_K blocks: 6-bit weights around 32, 16 signed 8-bit scales, one f16 scale."""
    blocks = []
    d = spread / (18.5 * 27)         # q - 32 has sd 18.5; |scales| ~ 10..40
    for _ in range(rows * cols // 256):
        ql = rng.randint(0, 256, size=128).astype(np.uint8).tobytes()
        qh = rng.randint(0, 256, size=64).astype(np.uint8).tobytes()
        scales = (rng.randint(10, 41, size=16) * rng.choice([-1, 1], size=16)).astype(np.int8).tobytes()
        blocks.append(ql + qh + scales + f16(d))
    return np.frombuffer(b"".join(blocks), dtype=np.uint8).reshape(rows, -1)


LAYER_TYPES = [
    {"attn_q": "Q4_K", "attn_k": "F16", "attn_v": "Q4_1", "attn_output": "Q4_0",
     "ffn_gate": "Q4_0", "ffn_up": "Q4_K", "ffn_down": "Q4_0"},
    {"attn_q": "Q4_0", "attn_k": "Q8_0", "attn_v": "BF16", "attn_output": "Q4_K",
     "ffn_gate": "Q4_K", "ffn_up": "Q4_1", "ffn_down": "Q4_K"},
]
SHAPES = {  # (rows, cols): rows = outputs (ne1), cols = inputs (ne0)
    "attn_q": (EMBED, EMBED), "attn_k": (KV_HEADS * HEAD, EMBED), "attn_v": (KV_HEADS * HEAD, EMBED),
    "attn_output": (EMBED, EMBED), "ffn_gate": (FF, EMBED), "ffn_up": (FF, EMBED), "ffn_down": (EMBED, FF),
}


def add_weight(writer, rng, name: str, rows: int, cols: int, kind: str, spread: float) -> None:
    from gguf import GGMLQuantizationType as T
    from gguf import quants

    if kind == "Q4_K":
        writer.add_tensor(name, q4_k(rng, rows, cols, spread), raw_dtype=T.Q4_K)
        return
    if kind == "Q6_K":
        writer.add_tensor(name, q6_k(rng, rows, cols, spread), raw_dtype=T.Q6_K)
        return
    w = (rng.randn(rows, cols) * spread).astype(np.float32)
    if kind == "F32":
        writer.add_tensor(name, w)
    elif kind == "F16":
        writer.add_tensor(name, w.astype(np.float16))
    else:
        qt = T[kind]
        writer.add_tensor(name, quants.quantize(w, qt), raw_dtype=qt)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=20241121)
    ap.add_argument("--out", type=Path, default=REPO / "Tests/ModelsTests/Golden/tiny-llama.gguf")
    args = ap.parse_args()

    import gguf

    rng = np.random.RandomState(args.seed)
    tokens, scores, types = vocabulary()
    vocab = len(tokens)

    writer = gguf.GGUFWriter(str(args.out), "llama")
    writer.add_name("Quarry tiny llama")
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(EMBED)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(FF)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(HEAD)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_chat_template(TEMPLATE)

    spread = 1.0 / np.sqrt(EMBED)
    add_weight(writer, rng, "token_embd.weight", vocab, EMBED, "Q8_0", 1.0)
    for layer, kinds in enumerate(LAYER_TYPES):
        writer.add_tensor(f"blk.{layer}.attn_norm.weight", (1 + 0.1 * rng.randn(EMBED)).astype(np.float32))
        for part, kind in kinds.items():
            rows, cols = SHAPES[part]
            add_weight(writer, rng, f"blk.{layer}.{part}.weight", rows, cols, kind, 1.5 * spread)
        writer.add_tensor(f"blk.{layer}.ffn_norm.weight", (1 + 0.1 * rng.randn(EMBED)).astype(np.float32))
    writer.add_tensor("output_norm.weight", (1 + 0.1 * rng.randn(EMBED)).astype(np.float32))
    add_weight(writer, rng, "output.weight", vocab, EMBED, "Q6_K", 3 * spread)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {vocab} tokens, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
