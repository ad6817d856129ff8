#!/usr/bin/env bash
# Install @cloud-copilot/iam-simulate from the npm registry at the version pinned in
# package-lock.json (npm ci: exact, reproducible). Nothing of the library is vendored here.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
