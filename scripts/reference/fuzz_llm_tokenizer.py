"""Random texts tokenized by llama.cpp, for a long opt-in comparison with Quarry's tokenizer
(beyond the fixed cases of llm.json). Runs in the llama venv:

    PY=$(bash scripts/reference/venv.sh llama | tail -1)
    "$PY" scripts/reference/fuzz_llm_tokenizer.py MODEL.gguf --count 3000 --out /tmp/fuzz.json [--pre llama-bpe]
    QUARRY_TOKENIZER_FUZZ=/tmp/fuzz.json swift test --filter LanguageTokenizerFuzzTests

With --pre, a vocabulary-only copy of MODEL (its metadata, no tensors) with that
tokenizer.ggml.pre is written next to --out and used instead, so that one byte-level vocabulary
exercises every pre-tokenizer (llama-bpe, qwen2, gpt-2, default, smollm …). The JSON names the
model file it used; each case holds the text, parse_special, llama_tokenize's ids (add_special
true) and llama_detokenize's bytes with special tokens hidden and shown.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import random
import sys
from pathlib import Path

POOLS = [
    "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    " ", "  ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u3000", "\u2028", "\x0b", "\x0c", "\x85", "\u200b", "\u2009",
    "éèêëàâäôöûüçñßøåæœ", "ÉÈÊÀÂÄÔÖÛÜÇÑ", "e\u0301a\u0308o\u0302", "東京大阪中国日本語漢字", "ひらがなカタカナ", "한국어",
    "мир Привет", "Καλημέρα", "مرحبا", "नमस्ते", "สวัสดี", "😀👍🏽🇩🇪👨\u200d👩\u200d👧", "①②½²³Ⅻ٣٤", "\ue000\U0010fffd\U000e0001",
    "\u0378\u0379", "’‘“”—–…•", "'s", "'S", "'ll", "'LL", "'re", "'Ve", "'d", "'M", "'t", "n't",
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start", "im_end|>", "<s>", "</s>", "<unk>", "<repo_name>",
    "<sep>", " the", "The ", "world", "\u2581", "\u2581the",
]


def texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 12)):
            p = rng.choice(POOLS)
            if len(p) > 3 and rng.random() < 0.7:
                a = rng.randrange(len(p))
                p = p[a:min(len(p), a + rng.randint(1, 6))]
            parts.append(p * rng.randint(1, 3) if rng.random() < 0.2 else p)
        out.append("".join(parts))
    return out


def vocabulary_copy(src: Path, dst: Path, pre: str) -> None:
    from gguf import GGUFReader, GGUFValueType, GGUFWriter

    reader = GGUFReader(str(src))
    writer = GGUFWriter(str(dst), str(reader.fields["general.architecture"].contents()))
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name in ("general.architecture", "tokenizer.ggml.pre"):
            continue
        kind = field.types[0]
        if kind == GGUFValueType.ARRAY:
            writer.add_key_value(name, field.contents(), kind, sub_type=field.types[-1])
        else:
            writer.add_key_value(name, field.contents(), kind)
    writer.add_string("tokenizer.ggml.pre", pre)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pre", help="write and use a vocabulary-only copy with this tokenizer.ggml.pre")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()

    import llama_cpp

    model = args.model.resolve()
    if args.pre:
        model = args.out.with_suffix(f".{args.pre}.gguf").resolve()
        vocabulary_copy(args.model, model, args.pre)
    llm = llama_cpp.Llama(model_path=str(model), vocab_only=True, verbose=False)
    vocab = llm._model.vocab

    def detokenize(ids: list[int], special: bool) -> list[int]:
        arr = (llama_cpp.llama_token * max(1, len(ids)))(*ids)
        size = 64 + 64 * len(ids)
        buf = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, size, False, special)
        assert n >= 0, n
        return list(buf.raw[:n])

    cases = []
    for text in texts(args.count, args.seed):
        for special in (False, True):
            ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=special)
            cases.append({"text": text, "parse_special": special, "ids": ids,
                          "decoded": detokenize(ids, False), "decoded_special": detokenize(ids, True)})
    args.out.write_text(json.dumps({"model": str(model), "cases": cases}, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {args.out}: {len(cases)} cases for {model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
