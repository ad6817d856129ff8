#!/usr/bin/env bash
# The steps of the iamconf GitHub Action (action.yml), runnable anywhere: build iamconf, run
# the gate against an evaluator, write JUnit, the failures (shrunk, as golden case files) and
# today's failures as a known-failures list into the output folder.
#
# Settings (environment):
#   IAMCONF_EVALUATOR       the evaluator command line (required)
#   IAMCONF_CASES           generated cases (default 10000)
#   IAMCONF_SEED            generator seed (default: iamconf's)
#   IAMCONF_READINGS        declared readings, `ID-7=never,...` (passed as --readings)
#   IAMCONF_KNOWN_FAILURES  a known-failures file (passed as --known-failures)
#   IAMCONF_OUT             output folder (default iamconf-results)
#   IAMCONF_BIN             an iamconf binary to use instead of building one
# Exit status: the gate's (0 conforms, 1 does not, 2 could not run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${IAMCONF_EVALUATOR:?set IAMCONF_EVALUATOR to the evaluator command line}"
out="${IAMCONF_OUT:-iamconf-results}"
mkdir -p "$out"
bin="${IAMCONF_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --release --locked --manifest-path "$root/Cargo.toml" -p iam-conformance --bin iamconf
  bin="$root/target/release/iamconf"
fi
args=(check --evaluator "$IAMCONF_EVALUATOR" --cases "${IAMCONF_CASES:-10000}"
      --format junit --save-failures "$out/failures"
      --write-known-failures "$out/known-failures.txt")
if [ -n "${IAMCONF_SEED:-}" ]; then args+=(--seed "$IAMCONF_SEED"); fi
if [ -n "${IAMCONF_READINGS:-}" ]; then args+=(--readings "$IAMCONF_READINGS"); fi
if [ -n "${IAMCONF_KNOWN_FAILURES:-}" ]; then args+=(--known-failures "$IAMCONF_KNOWN_FAILURES"); fi
status=0
"$bin" "${args[@]}" > "$out/iamconf.xml" || status=$?
failures=$(grep -o '<failure ' "$out/iamconf.xml" | wc -l || true)
echo "iamconf: exit $status, $failures failing test cases; JUnit in $out/iamconf.xml, today's failure groups in $out/known-failures.txt"
exit "$status"
