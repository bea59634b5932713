#!/usr/bin/env python3
"""Writes a dev set's schema with its fields renamed and described in other words, and its gold
with the fields renamed to match, from Benchmarks/prior/rewordings.json:

    python3 Benchmarks/prior/reword.py SET {training|report} GOLD.jsonl OUT_PREFIX

→ OUT_PREFIX.json (the schema) and OUT_PREFIX.jsonl (the gold). Dump them with quarry-bench
span-data like the set's own schema (see fit_prior.py).
"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    name, which, gold, out = sys.argv[1:5]
    spec = json.load(open(os.path.join(HERE, "rewordings.json")))[name]
    mapping = spec[which]
    schema = json.load(open(os.path.join(ROOT, "Fixtures", "schemas", spec["schema"])))
    properties = {}
    for field, value in schema["properties"].items():
        new, description = mapping[field]
        properties[new] = dict(value, description=description)
    schema.update(properties=properties, required=[mapping[r][0] for r in schema.get("required", [])], description="Documents.")
    schema.pop("x-quarry-rules", None)
    json.dump(schema, open(out + ".json", "w"), indent=1)
    with open(out + ".jsonl", "w") as f:
        for line in open(gold):
            row = json.loads(line)
            row["fields"] = {mapping[k][0]: v for k, v in row["fields"].items()}
            f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
