#!/usr/bin/env bash
# Install moto at the version pinned in requirements.txt into adapters/moto/.venv.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
