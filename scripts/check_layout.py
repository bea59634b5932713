#!/usr/bin/env python3
"""Checks the house rules of the code layout that the compiler does not:

- every `import` of a module of this package names a target the importing target depends on
  (directly or through its dependencies), so no lower module imports a higher one;
- the command line (Sources/quarry) imports only QuarryKit, ArgumentParser and Foundation, and
  none of its files is over 150 lines;
- `Schema` depends on no model target.

Prints what is wrong and exits 1; prints one line and exits 0 when all holds.
    python3 scripts/check_layout.py
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Synchronization", "Dispatch", "Testing", "XCTest",
          "_Builtin_intrinsics", "GRDB", "Yams", "ArgumentParser"}


def targets():
    """Target name -> (kind, path, direct dependencies on targets of this package)."""
    text = open(os.path.join(ROOT, "Package.swift"), encoding="utf-8").read()
    found = {}
    for m in re.finditer(r'\.(target|executableTarget|testTarget|systemLibrary)\(', text):
        depth, end = 1, m.end()
        while depth:   # the call's closing parenthesis
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        call = text[m.end():end - 1]
        name = re.match(r'\s*name:\s*"([^"]+)"', call).group(1)
        deps = re.search(r'dependencies:\s*\[(.*?)\]', re.sub(r'\.product\([^)]*\)', "", call), re.S)
        path = re.search(r'path:\s*"([^"]+)"', call)
        default = ("Tests/" if m.group(1) == "testTarget" else "Sources/") + name
        found[name] = (m.group(1), path.group(1) if path else default, re.findall(r'"([^"]+)"', deps.group(1)) if deps else [])
    return found


def closure(name, graph, seen=None):
    seen = set() if seen is None else seen
    for dep in graph.get(name, (None, None, []))[2]:
        if dep not in seen:
            seen.add(dep)
            closure(dep, graph, seen)
    return seen


def main():
    graph = targets()
    problems = []
    for name, (kind, path, _) in sorted(graph.items()):
        if kind == "systemLibrary":
            continue
        allowed = closure(name, graph) | {name}
        for folder, _, files in os.walk(os.path.join(ROOT, path)):
            for file in sorted(f for f in files if f.endswith(".swift")):
                full = os.path.join(folder, file)
                rel = os.path.relpath(full, ROOT)
                lines = open(full, encoding="utf-8").read().split("\n")
                for number, line in enumerate(lines, 1):
                    m = re.match(r'\s*(?:@\w+\s+)*(?:(?:internal|public|package|private)\s+)?import\s+(?:(?:struct|enum|class|protocol|func|var|let|typealias)\s+)?(\w+)', line)
                    if not m or m.group(1) in SYSTEM:
                        continue
                    module = m.group(1)
                    if module in graph and module not in allowed:
                        problems.append(f"{rel}:{number}: imports {module}, which {name} does not depend on")
                    if name == "quarry" and module != "QuarryKit":
                        problems.append(f"{rel}:{number}: the command line imports {module}; it goes through QuarryKit")
                if name == "quarry" and len(lines) - (lines[-1] == "") > 150:
                    problems.append(f"{rel}: {len(lines) - (lines[-1] == '')} lines; a command's file holds at most 150")
    models = {"Tensors", "Models", "ConstrainedDecoding", "Extraction"}
    if "Schema" in graph and closure("Schema", graph) & models:
        problems.append(f"Package.swift: Schema depends on {sorted(closure('Schema', graph) & models)}; it must depend on no model")
    quarry = graph.get("quarry", (None, None, []))[2]
    if sorted(quarry) != ["QuarryKit"]:
        problems.append(f"Package.swift: quarry depends on {quarry}; it depends on QuarryKit (and ArgumentParser) only")
    for p in problems:
        print(p)
    print(f"layout: {len(graph)} targets checked, {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
