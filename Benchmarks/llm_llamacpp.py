#!/usr/bin/env python3
"""The llama.cpp side of Benchmarks/llm.py, run in the llama venv (scripts/reference/venv.sh llama):
evaluates the prompt in one batch, then decodes greedily (argmax of the logits, no sampler) for
exactly --tokens tokens, and prints one JSON object with the speeds and the generated ids.

    python Benchmarks/llm_llamacpp.py MODEL.gguf PROMPT_FILE --tokens 128 --threads 2
"""
import argparse, json, resource, sys, time

import llama_cpp
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("model")
parser.add_argument("prompt_file")
parser.add_argument("--tokens", type=int, default=128)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--chat", action="store_true", help="the prompt file is already rendered chat text (parse special tokens)")
args = parser.parse_args()

text = open(args.prompt_file, encoding="utf-8").read()
llm = llama_cpp.Llama(model_path=args.model, n_ctx=4096, n_batch=4096, n_ubatch=4096, n_threads=args.threads,
                      n_threads_batch=args.threads, verbose=False)
prompt = llm.tokenize(text.encode("utf-8"), add_bos=True, special=args.chat)
start = time.perf_counter()
llm.eval(prompt)
prefill = time.perf_counter() - start
n_vocab = llm.n_vocab()


def last_logits():
    # Without logits_all, llama-cpp-python keeps no scores: read the context's logits of the last token.
    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(n_vocab,))


ids = []
start = time.perf_counter()
for _ in range(args.tokens):
    token = int(np.argmax(last_logits()))
    ids.append(token)
    if len(ids) < args.tokens:   # as quarry: the last token is not evaluated
        llm.eval([token])
decode = time.perf_counter() - start
print(json.dumps({
    "version": llama_cpp.__version__, "prompt_tokens": len(prompt), "tokens": len(ids), "ids": ids,
    "prefill_tokens_per_second": len(prompt) / prefill, "decode_tokens_per_second": len(ids) / decode,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
