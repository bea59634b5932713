#!/usr/bin/env python3
"""Fits the span extractor's shipped zero-shot prior (Sources/Extraction/SpanPriorWeights.swift).

The prior scores a (field, candidate) pair as  w_type · features + (Uᵀq) · Σₖ (Vₖᵀcₖ)  against a
null score per kind of field (text, date, number, other): q is the encoder vector of the field's
name and description, cₖ the vectors of the candidate's label, header, line and value. It is learnt
from labelled documents of several schemas, so that a new schema's fields are scored by what their
descriptions say, with no labels of their own.

Steps (the data is ../shared/data; nothing of it is committed):

  1. python3 Benchmarks/ceilings.py            # builds the dev sets' databases and TUNE/TEST gold
                                               # files in /tmp/quarry-ceilings (split seed 1)
  2. for each set S and half H (tune, test):   # the candidates, features and vectors, with gold labels
       swift run quarry-bench span-data --db /tmp/quarry-ceilings/S-run.db \
           --schema Fixtures/schemas/S.json --gold /tmp/quarry-ceilings/gold/S-H.jsonl --out DATA/S-H [--day-first]
     (--day-first for SROIE's receipts.) The same documents are dumped again under a reworded
     schema (fields renamed and described in other words: Benchmarks/prior/reword.py S training
     GOLD PREFIX, then span-data with PREFIX.json and PREFIX.jsonl, out DATA/paraS-tune); these
     teach the query side that wording varies. The `report` rewordings are never learnt from:
     dump the TEST halves with them (DATA/paraS-test) to report on wording the prior never saw.
  3. python3 Benchmarks/prior/fit_prior.py --data DATA \
         --train sroie-tune,kleister-tune,cuad-tune,parasroie-tune,parakleister-tune,paracuad-tune \
         --report sroie-test,kleister-test,cuad-test,parasroie-test,parakleister-test,paracuad-test \
         --write Sources/Extraction/SpanPriorWeights.swift

Only TUNE halves are learnt from; the report is on the TEST halves. The loss is the policy's own:
for a single-valued field, −log of the softmax probability (over null and every option) of the
options equal to the gold value (of null when none is); for a list, the logistic loss of each
option against the null score. The linear weights are held near the hand-set weights they start
from (L2, --lam), the bilinear matrices near zero (--lam-bilinear). The gradient is checked against
finite differences by --check.
"""
import argparse, base64, json, os, sys
import numpy as np
from scipy.optimize import minimize

NAMES = ["key_similarity", "above_similarity", "line_similarity", "previous_similarity", "value_similarity",
         "has_key", "kind_cell", "kind_key_value", "kind_block", "kind_entity", "kind_date", "kind_amount",
         "kind_identifier", "kind_contact", "kind_duration", "kind_token", "first_page", "document_position",
         "page_top", "root_words", "log_repeats", "legal_suffix", "largest_amount", "in_prose",
         "key_margin", "label_like", "formatted_amount", "percent", "relative_height", "beside_number",
         "key_name_similarity", "value_margin", "common_words", "value_name_similarity", "example_kind",
         "inverse_distinct_values"]
TYPES = ["text", "date", "number", "other"]
CONTEXTS = ["label", "header", "line", "value"]
D = len(NAMES)


def hand_weights(kind):
    """The hand-set weights the fit starts from and is held near (the prior before learning)."""
    w = np.zeros(D)
    def s(n, v): w[NAMES.index(n)] = v
    for n, v in [("key_similarity", 6), ("above_similarity", 2.5), ("line_similarity", 2.5), ("previous_similarity", 1),
                 ("first_page", .3), ("document_position", -.5), ("page_top", -.2), ("log_repeats", .3),
                 ("kind_key_value", .5), ("kind_token", 1.5), ("key_margin", 6), ("label_like", -2.5)]:
        s(n, v)
    null = 3.0
    if kind == "text":
        for n, v in [("value_similarity", 1), ("value_margin", 5), ("common_words", -2.5), ("value_name_similarity", -4),
                     ("example_kind", 2.5), ("kind_date", -1.5), ("kind_amount", -1.5), ("root_words", -.4),
                     ("kind_entity", .3), ("legal_suffix", .5), ("in_prose", -.3)]:
            s(n, v)
        null = 3.5
    elif kind == "date":
        s("inverse_distinct_values", 2.5); null = 2.5
    elif kind == "number":
        s("formatted_amount", 2.5); s("percent", -1.5); s("beside_number", -2); null = 2.5
    else:
        s("value_similarity", 1)
    return w, null


def load(prefixes):
    """Groups (one per document and field) with text indices into one vector matrix."""
    groups, mats, base = [], [], 0
    for pre in prefixes:
        texts = json.load(open(pre + ".texts.json"))
        V = np.fromfile(pre + ".f32", dtype=np.float32).reshape(len(texts), -1).astype(np.float64)
        V[[i for i, t in enumerate(texts) if t == ""]] = 0   # empty context: no vector (as in Swift)
        for line in open(pre + ".jsonl"):
            g = json.loads(line)
            g["q"] += base
            for o in g["options"]:
                t = o["t"]; o["t"] = [t[0] + base, t[1] + base, t[2] + base, t[4] + base]
            g["set"] = os.path.basename(pre)
            groups.append(g)
        mats.append(V); base += len(V)
    return groups, np.concatenate(mats)


class Arrays:
    def __init__(self, groups):
        X, T, Y, G = [], [], [], []
        self.start = [0]
        for gi, g in enumerate(groups):
            for o in g["options"]:
                X.append(o["f"][:D]); T.append(o["t"]); Y.append(o["y"]); G.append(gi)
            self.start.append(len(X))
        self.X = np.array(X, dtype=np.float64).reshape(-1, D); self.T = np.array(T, dtype=np.int64).reshape(-1, 4)
        self.Y = np.array(Y, dtype=np.float64); self.G = np.array(G, dtype=np.int64)
        self.Q = np.array([g["q"] for g in groups]); self.kind = np.array([TYPES.index(g["type"]) for g in groups])
        self.list = np.array([1.0 if g["list"] else 0.0 for g in groups])


class Prior:
    def __init__(self, rank, dim, lam, lam_bilinear):
        self.rank, self.dim, self.lam, self.lamb = rank, dim, lam, lam_bilinear
        self.nw = 4 * D + 4 + 1
        self.size = self.nw + 5 * rank * dim
        p = np.zeros(self.size)
        for k, kind in enumerate(TYPES):
            w, null = hand_weights(kind); p[k * D:(k + 1) * D] = w; p[4 * D + k] = null
        p[4 * D + 4] = 1.5
        self.p0 = p.copy()
        p[self.nw:] = np.random.RandomState(1).randn(5 * rank * dim) * 0.01
        self.start = p

    def unpack(self, p):
        W = p[:4 * D].reshape(4, D); null = p[4 * D:4 * D + 4]; lo = p[4 * D + 4]
        B = p[self.nw:].reshape(5, self.dim, self.rank)
        return W, null, lo, B[0], B[1:]

    def loss(self, p, a, V):
        W, null, lo, U, Vs = self.unpack(p)
        zq = V[a.Q] @ U
        P = [V @ Vs[k] for k in range(4)]
        zc = sum(P[k][a.T[:, k]] for k in range(4))
        s = np.einsum("ij,ij->i", a.X, W[a.kind[a.G]]) + np.einsum("ij,ij->i", zq[a.G], zc)
        nl = null[a.kind] + lo * a.list
        ds = np.zeros_like(s); dnl = np.zeros(len(a.Q)); L = 0.0
        for gi in range(len(a.Q)):
            i, j = a.start[gi], a.start[gi + 1]
            sg, y = s[i:j], a.Y[i:j]
            if a.list[gi]:
                pz = 1 / (1 + np.exp(-(sg - nl[gi])))
                L -= np.sum(y * np.log(pz + 1e-12) + (1 - y) * np.log(1 - pz + 1e-12))
                ds[i:j] += pz - y; dnl[gi] -= np.sum(pz - y)
            else:
                logits = np.concatenate([[nl[gi]], sg]); e = np.exp(logits - logits.max()); P_ = e / e.sum()
                target = np.concatenate([[0.0 if y.any() else 1.0], y])
                pt = (P_ * target).sum(); L -= np.log(pt + 1e-12)
                g = P_ - P_ * target / (pt + 1e-12)
                dnl[gi] += g[0]; ds[i:j] += g[1:]
        grad = np.zeros_like(p)
        gW = np.zeros((4, D)); np.add.at(gW, a.kind[a.G], ds[:, None] * a.X); grad[:4 * D] = gW.ravel()
        gn = np.zeros(4); np.add.at(gn, a.kind, dnl); grad[4 * D:4 * D + 4] = gn; grad[4 * D + 4] = dnl @ a.list
        gzq = np.zeros_like(zq); np.add.at(gzq, a.G, ds[:, None] * zc)
        gB = [V[a.Q].T @ gzq]
        gzc = ds[:, None] * zq[a.G]
        for k in range(4):
            acc = np.zeros((V.shape[0], self.rank)); np.add.at(acc, a.T[:, k], gzc); gB.append(V.T @ acc)
        grad[self.nw:] = np.stack(gB).ravel()
        n = len(a.Q); L /= n; grad /= n
        dw = p[:self.nw] - self.p0[:self.nw]
        L += 0.005 * self.lam * dw @ dw; grad[:self.nw] += 0.01 * self.lam * dw
        b = p[self.nw:]; L += 0.5 * self.lamb * b @ b; grad[self.nw:] += self.lamb * b
        return L, grad

    def fit(self, a, V, iterations):
        r = minimize(lambda x: self.loss(x, a, V), self.start, jac=True, method="L-BFGS-B", options={"maxiter": iterations})
        return r.x

    def check(self, a, V):
        p = self.start + np.random.RandomState(0).randn(self.size) * 0.05
        _, g = self.loss(p, a, V)
        worst = 0.0
        for i in list(range(0, self.nw, 7)) + list(range(self.nw, self.size, 991)):
            e = np.zeros_like(p); e[i] = 1e-5
            fd = (self.loss(p + e, a, V)[0] - self.loss(p - e, a, V)[0]) / 2e-5
            worst = max(worst, abs(fd - g[i]) / max(1e-6, abs(fd) + abs(g[i])))
        return worst

    def scores(self, p, g, V):
        W, null, lo, U, Vs = self.unpack(p)
        k = TYPES.index(g["type"])
        X = np.array([o["f"][:D] for o in g["options"]]).reshape(-1, D)
        T = np.array([o["t"] for o in g["options"]], dtype=np.int64).reshape(-1, 4)
        zc = sum(V[T[:, c]] @ Vs[c] for c in range(4)) if len(T) else np.zeros((0, self.rank))
        return X @ W[k] + zc @ (V[g["q"]] @ U), null[k] + lo * (1 if g["list"] else 0)


def hand_scores(g, V):
    w, null = hand_weights(g["type"])
    X = np.array([o["f"][:D] for o in g["options"]]).reshape(-1, D)
    return X @ w, null + (1.5 if g["list"] else 0)


def counts(g, s, null):
    """True positives, false positives, false negatives of the policy's decoded answer."""
    y = [o["y"] for o in g["options"]]; gold = g["gold"]
    if g["list"]:
        found = {}
        for i in np.flatnonzero(s > null): found.setdefault(g["options"][i]["t"][3], y[i])
        tp = sum(found.values())
        return min(tp, gold), len(found) - min(tp, gold), max(0, gold - tp)
    if len(s) == 0 or s.max() <= null: return 0, 0, min(gold, 1)
    return (1, 0, 0) if y[int(np.argmax(s))] else (0, 1, min(gold, 1))


def f1(c):
    tp, fp, fn = (sum(x) for x in zip(*c)) if c else (0, 0, 0)
    return 2 * tp / max(2 * tp + fp + fn, 1)


def report(groups, score, V):
    fields = {}
    for g in groups: fields.setdefault(g["field"], []).append(counts(g, *score(g, V)))
    return f1([c for v in fields.values() for c in v]), {k: f1(v) for k, v in fields.items()}


def probe(case, k, dim):
    """A fixed vector for the reference check (`SpanPriorTests` builds the same): sin(0.37 i + 1.3 case + k)."""
    return np.sin(0.37 * np.arange(dim) + 1.3 * case + k)


def trust_fields(train, V):
    """The distinct fields learnt from: their query vectors (float32, base64) for the trust gate."""
    seen, vectors = set(), []
    for g in train:
        if g["q"] not in seen:
            seen.add(g["q"]); vectors.append(V[g["q"]])
    return base64.b64encode(np.array(vectors, dtype="<f4").tobytes()).decode(), len(vectors)


TRUST = [0.45, 0.65]


def write_swift(path, p, prior, provenance, queries):
    W, null, lo, U, Vs = prior.unpack(p)
    mats = np.concatenate([U.T.ravel()] + [Vs[k].T.ravel() for k in range(4)]).astype("<f4")
    # The match of three probe fields with probe contexts, from the float32 matrices as shipped.
    m = mats.astype(np.float64).reshape(5, prior.rank, prior.dim)
    reference = [float((m[0] @ probe(c, 0, prior.dim)) @ sum(m[k + 1] @ probe(c, k + 1, prior.dim) for k in range(4)))
                 for c in range(3)]
    doc = {
        "format": "quarry-span-prior/1", "features": NAMES, "encoder": "all-MiniLM-L6-v2", "dimension": prior.dim,
        "rank": prior.rank, "listOffset": round(float(lo), 6), "contextNames": CONTEXTS,
        "linear": {k: {"weights": [round(float(x), 6) for x in W[i]], "nullScore": round(float(null[i]), 6)} for i, k in enumerate(TYPES)},
        "matrices": base64.b64encode(mats.tobytes()).decode(), "provenance": provenance,
        "reference": [round(x, 6) for x in reference],
        "fallback": {k: {"weights": [float(x) for x in hand_weights(k)[0]], "nullScore": float(hand_weights(k)[1])} for k in TYPES},
        "fallbackListOffset": 1.5, "learntQueries": queries[0], "trust": TRUST,
    }
    import hashlib
    doc["id"] = "prior-" + hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:8]
    # One key per line; each value (the weight lists, the base64 matrices) on its line.
    text = "{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(doc[k])}" for k in sorted(doc)) + "\n}"
    with open(path, "w") as f:
        f.write("// Generated by Benchmarks/prior/fit_prior.py; do not edit. See SpanPrior.\n")
        f.write("extension SpanPrior {\n    /// The shipped prior, as JSON.\n    static let shippedJSON = #\"\"\"\n")
        f.write("".join("        " + line + "\n" for line in text.split("\n")) + "        \"\"\"#\n}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--train", required=True, help="comma-separated dump prefixes to learn from (TUNE halves)")
    ap.add_argument("--report", default="", help="comma-separated dump prefixes to report on (TEST halves)")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--lam", type=float, default=1.0)
    ap.add_argument("--lam-bilinear", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=300)
    ap.add_argument("--check", action="store_true", help="compare the gradient with finite differences first")
    ap.add_argument("--write")
    a = ap.parse_args()
    train_sets = a.train.split(","); report_sets = [s for s in a.report.split(",") if s]
    groups, V = load([os.path.join(a.data, s) for s in train_sets + report_sets])
    train = [g for g in groups if g["set"] in train_sets]
    prior = Prior(a.rank, V.shape[1], a.lam, a.lam_bilinear)
    arrays = Arrays(train)
    if a.check:
        # On 60 document-fields, with only the vectors they use (the check evaluates the loss hundreds of times).
        sample = json.loads(json.dumps(train[:60]))
        used = sorted({g["q"] for g in sample} | {t for g in sample for o in g["options"] for t in o["t"]})
        index = {t: i for i, t in enumerate(used)}
        for g in sample:
            g["q"] = index[g["q"]]
            for o in g["options"]: o["t"] = [index[t] for t in o["t"]]
        print(f"gradient check (largest relative error over sampled parameters): {prior.check(Arrays(sample), V[used]):.2e}")
    p = prior.fit(arrays, V, a.iterations)
    lines = [f"learnt from {', '.join(train_sets)} ({len(train)} document-fields), rank {a.rank}, "
             f"lam {a.lam}, lam_bilinear {a.lam_bilinear}, {a.iterations} iterations"]
    print(lines[0])
    print(f"| set | hand-set prior micro-F1 | learnt prior micro-F1 | per field (learnt) |\n|---|---|---|---|")
    for s in report_sets:
        gs = [g for g in groups if g["set"] == s]
        hand, _ = report(gs, hand_scores, V)
        learnt, fields = report(gs, lambda g, V: prior.scores(p, g, V), V)
        row = f"| {s} | {hand:.3f} | {learnt:.3f} | " + ", ".join(f"{k} {v:.2f}" for k, v in fields.items()) + " |"
        print(row); lines.append(f"{s}: micro-F1 {hand:.3f} hand-set, {learnt:.3f} learnt")
    if a.write:
        write_swift(a.write, p, prior, "; ".join(lines), trust_fields(train, V))
        print(f"wrote {a.write}")


if __name__ == "__main__":
    main()
