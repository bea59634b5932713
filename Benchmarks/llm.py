#!/usr/bin/env python3
"""Language-model speed and memory: `quarry generate` against llama.cpp (llama-cpp-python), same
GGUF file, same prompt, same thread count, one process per run.

    python3 Benchmarks/llm.py [--runs 3] [--threads 2] [--tokens 128] [--model FILE.gguf]
                              [--quarry .build/release/quarry]

Two prompts, as raw completion prompts: the text of the bundled fixture documents
(Fixtures/documents/*.txt and *.md, in name order; about 2,400 tokens, so decoding attends over a
long context) and one short sentence. Each side evaluates it in one
batch (prefill), then decodes greedily; llama.cpp decodes exactly as many tokens as Quarry did
(Quarry stops early only at an end-of-sequence token), so both time the same work, and the two
token sequences are compared: the table gives how many greedy tokens agree before the first
difference. The llama.cpp side
(Benchmarks/llm_llamacpp.py) runs in the venv of `scripts/reference/venv.sh llama` (created on
first use: it compiles llama.cpp, several minutes). Targets: decode >= 0.8x and prefill >= 0.5x
llama.cpp's tokens/s. "peak MiB" is the whole process's peak resident set (llama.cpp's includes
the Python interpreter, about 30 MiB).
"""
from measure import run, require_quarry, warn_if_busy
import argparse, glob, json, os, statistics, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def llama_python():
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "reference", "venv.sh"), "llama"],
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    return out.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--model", default=os.path.join(os.environ.get("QUARRY_MODELS", os.path.expanduser("~/.cache/quarry/models")),
                                                        "SmolLM2-135M-Instruct", "SmolLM2-135M-Instruct.Q4_1.gguf"))
    parser.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    args = parser.parse_args()
    require_quarry(args.quarry)
    if not os.path.exists(args.model):
        sys.exit(f"{args.model} not found: run bash scripts/setup.sh")
    python = llama_python()
    files = sorted(glob.glob(os.path.join(ROOT, "Fixtures", "documents", "*.txt")) + glob.glob(os.path.join(ROOT, "Fixtures", "documents", "*.md")))
    prompt = "\n\n".join(open(f, encoding="utf-8").read() for f in files)
    work = tempfile.mkdtemp(prefix="quarry-llm-bench-")
    prompt_file = os.path.join(work, "prompt.txt")
    with open(prompt_file, "w", encoding="utf-8") as f:
        f.write(prompt)

    warn_if_busy()
    cases = [("fixtures text", prompt), ("one sentence", "The capital of France is")]
    version = ""
    for title, text in cases:
        case_file = os.path.join(work, "case.txt")
        with open(case_file, "w", encoding="utf-8") as f:
            f.write(text)
        rows = {"quarry": [], "llama.cpp": []}
        agreeing = []
        for r in range(args.runs):
            out = os.path.join(work, "quarry.json")
            _, rss = run([args.quarry, "generate", "--prompt", text, "--model", args.model, "--max-tokens", str(args.tokens),
                          "--threads", str(args.threads), "--json"], out)
            q = json.load(open(out))
            rows["quarry"].append((q["prefill_tokens_per_second"], q["decode_tokens_per_second"], rss, q["prompt_tokens"], q["tokens"]))
            out = os.path.join(work, "llama.json")
            _, rss = run([python, os.path.join(HERE, "llm_llamacpp.py"), args.model, case_file, "--tokens", str(q["tokens"]),
                          "--threads", str(args.threads)], out)
            l = json.load(open(out))
            rows["llama.cpp"].append((l["prefill_tokens_per_second"], l["decode_tokens_per_second"], rss, l["prompt_tokens"], l["tokens"]))
            agreeing.append(next((i for i, (a, b) in enumerate(zip(q["ids"], l["ids"])) if a != b), min(len(q["ids"]), len(l["ids"]))))
            version = l["version"]

        def median(side, i):
            return statistics.median(row[i] for row in rows[side])
        print(f"{title}: prompt {rows['quarry'][0][3]} tokens, {rows['quarry'][0][4]} decoded, {args.threads} threads, "
              f"median of {args.runs} runs")
        print(f"{'':12} {'prefill tok/s':>14} {'decode tok/s':>13} {'peak MiB':>9}")
        for side in rows:
            print(f"{side:12} {median(side, 0):14.1f} {median(side, 1):13.1f} {median(side, 2):9.0f}")
        print(f"{'ratio':12} {median('quarry', 0) / median('llama.cpp', 0):13.2f}x {median('quarry', 1) / median('llama.cpp', 1):12.2f}x "
              f"{median('quarry', 2) / median('llama.cpp', 2):8.2f}x   (targets: prefill >= 0.5x, decode >= 0.8x)")
        print(f"greedy tokens identical to llama.cpp's before the first difference: {', '.join(map(str, agreeing))} "
              f"of {rows['quarry'][0][4]}\n")
    print(f"{os.path.basename(args.model)}; llama-cpp-python {version}")


if __name__ == "__main__":
    main()
