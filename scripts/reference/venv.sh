#!/usr/bin/env bash
# Creates (once) a Python virtual environment used to make reference files from the real
# implementations, and prints its python's path as the last line of stdout:
#
#   PY=$(bash scripts/reference/venv.sh | tail -1)          # sentence-transformers stack
#   "$PY" scripts/reference/make_encoder_golden.py
#
#   PY=$(bash scripts/reference/venv.sh llama | tail -1)    # llama.cpp (llama-cpp-python) stack
#   "$PY" scripts/reference/make_llm_golden.py
#
# Without a name: the sentence-transformers stack (transformers, tokenizers, CPU-only torch) of
# scripts/reference/requirements.txt, in ${QUARRY_REFERENCE_VENV:-$HOME/.cache/quarry/venv-reference}.
# With a name: scripts/reference/requirements-NAME.txt in $HOME/.cache/quarry/venv-NAME
# (${QUARRY_REFERENCE_VENV_NAME} overrides it, e.g. QUARRY_REFERENCE_VENV_LLAMA).
# Packages are the exact pins of the requirements file, from PyPI. Idempotent and quiet: a venv
# whose installed requirements match the file is left alone; a changed file is installed again
# over it; a broken venv is made anew. Progress goes to stderr, only when installing.
# The base interpreter is ${QUARRY_REFERENCE_PYTHON:-python3} (Python 3.11: torch 2.13.0+cpu is cp311).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
name="${1:-}"
if [ -z "$name" ]; then
  venv="${QUARRY_REFERENCE_VENV:-$HOME/.cache/quarry/venv-reference}"
  requirements="$here/requirements.txt"
  about="CPU-only torch; about a minute"
else
  requirements="$here/requirements-$name.txt"
  if [ ! -f "$requirements" ]; then
    echo "reference-venv: no $requirements for venv name '$name'" >&2
    exit 2
  fi
  override="QUARRY_REFERENCE_VENV_$(echo "$name" | tr '[:lower:]-' '[:upper:]_')"
  venv="${!override:-$HOME/.cache/quarry/venv-$name}"
  about="see the comments at its top for what it builds"
fi
stamp="$venv/.quarry-requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)

log() { echo "reference-venv: $*" >&2; }

# A venv whose python runs and whose stamp matches the requirements is done.
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' 2>/dev/null \
   && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi

# Debian's python3 needs python3-venv (ensurepip) to make venvs: install it if it is missing.
ensure_debian_venv() {
  command -v dpkg-query >/dev/null || return 0
  local minor pkgs=() p
  minor=$(/usr/bin/python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null) || return 0
  for p in python3-venv "python$minor-venv"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || pkgs+=("$p")
  done
  ((${#pkgs[@]})) || return 0
  log "installing ${pkgs[*]}"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

can_make_venv() { "$1" -c 'import venv, ensurepip' 2>/dev/null; }

if ! { [ -x "$venv/bin/python" ] && "$venv/bin/python" -m pip --version >/dev/null 2>&1; }; then
  base="${QUARRY_REFERENCE_PYTHON:-python3}"
  if ! can_make_venv "$base"; then
    ensure_debian_venv
    if ! can_make_venv "$base" && can_make_venv /usr/bin/python3; then
      base=/usr/bin/python3
    fi
  fi
  log "creating $venv with $("$base" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$base" -m venv "$venv"
fi

log "installing scripts/reference/$(basename "$requirements") ($about)"
rm -f "$stamp"
start=$SECONDS
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
  -r "$requirements" >&2
echo "$want" > "$stamp"
log "installed in $((SECONDS - start)) s"
echo "$venv/bin/python"
