"""Writes Tests/ModelsTests/Golden/llm.json: what llama.cpp (through llama-cpp-python) and gguf-py
make of the tiny test model and of SmolLM2-135M-Instruct, for Quarry's GGUF reader, tokenizer,
chat template and forward pass to be checked against.

Usage (from the repo root):

    PY=$(bash scripts/reference/venv.sh llama | tail -1)
    "$PY" scripts/reference/make_tiny_llama.py          # only when the tiny model should change
    "$PY" scripts/reference/make_llm_golden.py [--out PATH]

The tiny model is Tests/ModelsTests/Golden/tiny-llama.gguf; SmolLM2 is
$QUARRY_MODELS/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf (QUARRY_MODELS defaults to
~/.cache/quarry/models) and is left out, with a note, when absent.

For each model the file holds:
  gguf       gguf-py's view of the file: version, alignment, data offset, every scalar metadata
             value, each array's element type, count, first and last elements, and the tensor
             infos (name, dimensions ne0 first, GGML type id, absolute offset, byte count; all of
             them for the tiny model, the first and last ones for SmolLM2).
  vocab      llama.cpp's n_vocab, bos, eos, add_bos, the control and end-of-generation ids, and
             FNV-1a 64 hashes of every token's piece (llama_token_to_piece with special false and
             true; each piece hashed as a 4-byte little-endian length then its bytes).
  tokenize   for each text: llama_tokenize(text, add_special, parse_special) for (true, false) and
             (false, true), and llama_detokenize of those ids (remove_special false, unparse_special
             false and true) as text, plus hex when the bytes are not valid UTF-8.
  chat       prompts llama-cpp-python's Jinja2ChatFormatter renders from the model's template.
  forward    for each prompt (tokenized with add_special and parse_special true): the greedy
             continuation (argmax of the logits, no sampler) and the logits at the last prompt
             position for the top-20 ids and 20 fixed random ids; for the tiny model also every
             prompt position's logits at every id, for the first prompt.
Logits are computed with n_threads=2 on the CPU and written with 7 significant digits.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
GOLDEN = REPO / "Tests/ModelsTests/Golden"
SMOL = "SmolLM2-135M-Instruct"

TEXTS: list[str] = [
    "",
    " ",
    "\n",
    "  \n  \n",
    "Hello world",
    "Hello, World! How are you?",
    "   leading and trailing spaces   ",
    "multiple    internal     spaces",
    "tabs\tand\nnewlines\r\nand\n\n\nblank lines",
    "1 12 123 1234 12345 3.14159 -42 1e-10 0x1F",
    "$1,234.56 €99,90 ¥3000 50% off",
    "It's, I'm, you're, we've, they'll, he'd, don't; IT'S I'M YOU'RE",
    "a'b 'tis ''quoted'' '",
    "café naïve résumé coöperate Ångström",
    "e\u0301te\u0301 vs été",
    "Straße, Fußgänger, Übermaß",
    "北京是中国的首都。",
    "東京都渋谷区の会議は午後3時に始まります。",
    "한국어 텍스트",
    "Привет, мир!",
    "مرحبا بالعالم",
    "नमस्ते दुनिया",
    "emoji 😀👍🏽 🇩🇪 👨\u200d👩\u200d👧 ❤️",
    "def f(x):\n    return x ** 2  # square\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    '{"name": "Quarry", "total": 1234.50, "items": [1, 2, 3]}',
    "<html><body><p>Hi &amp; bye</p></body></html>",
    "https://example.com/path?q=1&lang=en#top user@example.org",
    "!!! ??? ... --- *** ### @@@ ~~~ ^^^ ``` ||| \\\\ ///",
    "“Curly quotes” and ‘single’ — em dash – en dash … ellipsis",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "text<|im_end|>more<|im_start|>",
    "<s> begins and </s> ends <unk>",
    "a<sep>b <sep> c",
    "<|endoftext|>",
    "\u00a0non-breaking\u00a0space\u3000ideographic\u2028line sep",
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "ＡＢＣ ｆｕｌｌｗｉｄｔｈ １２３",
    "①②③ ½ ² Ⅻ ٣٤٥",
    "the the the the the the the the",
    "Invoice INV-2024-00917 dated 15 March 2024: total due EUR 1.469,13",
    "MiXeD CaSe and camelCaseIdentifiers getHTTPResponse",
    "\u2581already\u2581escaped\u2581spaces",
]

CONVERSATIONS: list[tuple[list[dict[str, str]], bool]] = [
    ([{"role": "user", "content": "What is the capital of France?"}], True),
    ([{"role": "system", "content": "You extract invoice fields as JSON."},
      {"role": "user", "content": "Invoice 42, total 17.50 EUR"},
      {"role": "assistant", "content": '{"number": 42}'},
      {"role": "user", "content": "And the currency?"}], True),
    ([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! How can I help?"}], False),
    ([], True),
]

PROMPTS: list[str] = [
    "The capital of France is",
    "Once upon a time, in a small village,",
    "def fibonacci(n):\n",
    "Invoice number: INV-2024-0042\nTotal due:",
    "<|im_start|>user\nName three colours.<|im_end|>\n<|im_start|>assistant\n",
]
GREEDY_TOKENS = 24
TOP = 20


def pretty(obj, depth: int = 0) -> str:
    """JSON with objects spread over lines and each case of a list of objects on one line
    (invisible characters escaped), so that diffs stay reviewable and the file small."""
    from make_encoder_golden import dumps

    pad = " " * (depth + 1)
    if isinstance(obj, dict) and depth < 4:
        items = [f"{pad}{json.dumps(k)}: {pretty(v, depth + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}" if items else "{}"
    if isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
        return "[\n" + ",\n".join(pad + (pretty(x, depth + 1) if depth < 2 else dumps(x)) for x in obj) + "\n" + " " * depth + "]"
    return dumps(obj)


def fnv(pieces: list[bytes]) -> str:
    h = 0xCBF29CE484222325
    for p in pieces:
        for b in len(p).to_bytes(4, "little") + p:
            h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def r7(x: float) -> float:
    return float(f"{float(x):.7g}")


def text_fields(prefix: str, data: bytes) -> dict:
    out = {prefix: data.decode("utf-8", errors="replace")}
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        out[prefix + "_hex"] = data.hex()
    return out


def gguf_view(path: Path, all_tensors: bool) -> dict:
    from gguf import GGUFReader, GGUFValueType

    r = GGUFReader(str(path))
    scalars, arrays = {}, {}
    for name, f in r.fields.items():
        if name.startswith("GGUF."):
            continue
        t = f.types[0]
        if t == GGUFValueType.ARRAY:
            values = f.contents()
            conv = (lambda v: v) if f.types[-1] != GGUFValueType.FLOAT32 else (lambda v: float(v))
            arrays[name] = {"type": f.types[-1].name, "count": len(f.data),
                            "head": [conv(v) for v in values[:5]], "tail": [conv(v) for v in values[-3:]]}
        else:
            v = f.contents()
            scalars[name] = {"type": t.name, "value": float(v) if t in (GGUFValueType.FLOAT32, GGUFValueType.FLOAT64) else v}
    tensors = [{"name": t.name, "dims": [int(d) for d in t.shape], "type": int(t.tensor_type),
                "offset": int(t.data_offset), "bytes": int(t.n_bytes)} for t in r.tensors]
    if not all_tensors:
        tensors = tensors[:12] + tensors[-4:]
    return {
        "version": int(r.fields["GGUF.version"].contents()),
        "tensor_count": len(r.tensors),
        "kv_count": int(r.fields["GGUF.kv_count"].contents()),
        "alignment": int(r.alignment),
        "data_offset": int(r.data_offset),
        "scalars": scalars,
        "arrays": arrays,
        "tensors": tensors,
    }


def describe(path: Path, name: str, tiny: bool, rng: np.random.RandomState) -> dict:
    import llama_cpp
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    llm = llama_cpp.Llama(model_path=str(path), n_ctx=256, n_batch=256, n_threads=2, n_threads_batch=2,
                          logits_all=True, verbose=False)
    vocab = llm._model.vocab
    n_vocab = llm.n_vocab()

    def piece(i: int, special: bool) -> bytes:
        buf = ctypes.create_string_buffer(256)
        n = llama_cpp.llama_token_to_piece(vocab, i, buf, 256, 0, special)
        assert 0 <= n <= 256, n
        return buf.raw[:n]

    def detokenize(ids: list[int], special: bool) -> bytes:
        arr = (llama_cpp.llama_token * max(1, len(ids)))(*ids)
        size = 64 + 64 * len(ids)
        buf = ctypes.create_string_buffer(size)
        n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, size, False, special)
        assert n >= 0, n
        return buf.raw[:n]

    model = {
        "name": name,
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "gguf": gguf_view(path, all_tensors=tiny),
        "vocab": {
            "n_vocab": n_vocab,
            "bos": llm.token_bos(),
            "eos": llm.token_eos(),
            "add_bos": bool(llama_cpp.llama_vocab_get_add_bos(vocab)),
            "control": [i for i in range(n_vocab) if llama_cpp.llama_vocab_is_control(vocab, i)],
            "eog": [i for i in range(n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, i)],
            "pieces_fnv": fnv([piece(i, False) for i in range(n_vocab)]),
            "special_pieces_fnv": fnv([piece(i, True) for i in range(n_vocab)]),
        },
    }

    cases = []
    for text in TEXTS:
        for add_special, parse_special in ((True, False), (False, True)):
            ids = llm.tokenize(text.encode("utf-8"), add_bos=add_special, special=parse_special)
            case = {"text": text, "add_special": add_special, "parse_special": parse_special, "ids": ids}
            case.update(text_fields("decoded", detokenize(ids, False)))
            case.update(text_fields("decoded_special", detokenize(ids, True)))
            cases.append(case)
    model["tokenize"] = cases

    template = llm.metadata.get("tokenizer.chat_template")
    chats = []
    if template:
        eos = piece(llm.token_eos(), True).decode("utf-8", errors="replace")
        bos = piece(llm.token_bos(), True).decode("utf-8", errors="replace")
        for messages, generation in CONVERSATIONS:
            formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos,
                                            add_generation_prompt=generation)
            chats.append({"messages": messages, "add_generation_prompt": generation,
                          "prompt": formatter(messages=messages).prompt})
    model["chat"] = chats

    random_ids = sorted(rng.choice(n_vocab, size=TOP, replace=False).tolist())
    forward = []
    for index, prompt in enumerate(PROMPTS):
        ids = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        llm.reset()
        llm.eval(ids)
        logits = np.array(llm.scores[: len(ids)], dtype=np.float32)
        assert np.isfinite(logits).all()
        last = logits[-1]
        top = np.argsort(-last, kind="stable")[:TOP].tolist()
        greedy = []
        step = last
        for _ in range(GREEDY_TOKENS):
            nxt = int(np.argmax(step))
            greedy.append(nxt)
            llm.eval([nxt])
            step = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
        entry = {
            "prompt": prompt,
            "ids": ids,
            "greedy": greedy,
            "greedy_text": detokenize(greedy, False).decode("utf-8", errors="replace"),
            "last_top": {"ids": top, "logits": [r7(last[i]) for i in top]},
            "last_random": {"ids": random_ids, "logits": [r7(last[i]) for i in random_ids]},
        }
        if tiny and index == 0:
            entry["all_logits"] = [[r7(x) for x in row] for row in logits]
        forward.append(entry)
    model["forward"] = forward
    llm.close()
    return model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=GOLDEN / "llm.json")
    args = ap.parse_args()

    import llama_cpp

    rng = np.random.RandomState(1234)
    models_dir = Path(os.environ.get("QUARRY_MODELS", Path.home() / ".cache/quarry/models"))
    smol = models_dir / SMOL / f"{SMOL}.Q4_1.gguf"
    out = {
        "llama_cpp_python": llama_cpp.__version__,
        "n_threads": 2,
        "note": "made by scripts/reference/make_llm_golden.py",
        "models": [describe(GOLDEN / "tiny-llama.gguf", "tiny-llama", True, rng)],
    }
    if smol.exists():
        out["models"].append(describe(smol, SMOL, False, rng))
    else:
        out["note"] += f"; {smol} was absent, so SmolLM2 is not included"
        print(f"warning: {smol} is absent; SmolLM2 left out", file=sys.stderr)
    args.out.write_text(pretty(out) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes; llama-cpp-python {llama_cpp.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
