#!/usr/bin/env bash
# Run the adapter with the interpreter of the venv that install.sh made.
exec "$(dirname "$0")/.venv/bin/python" "$(dirname "$0")/adapter.py" "$@"
