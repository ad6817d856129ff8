#!/usr/bin/env bash
# Run fuzz targets one after another, at low priority (one job at a time: the machines this
# runs on are shared). Needs the nightly toolchain and cargo-fuzz (see FUZZING.md).
#
#   fuzz/run.sh SECONDS [TARGET...]      each target for SECONDS (all six by default)
#   IAMCONF_FUZZ_SCRATCH=1 fuzz/run.sh   new inputs go to a scratch dir, not fuzz/corpus (CI)
#   IAMCONF_FUZZ_MAX_LEN=N fuzz/run.sh    longest input libFuzzer makes (8192 bytes by default;
#                                        512 for glob, whose pattern and values are cut at 96
#                                        and 200 characters: longer inputs only add lines)
#   IAMCONF_FUZZ_SEEDS=1 fuzz/run.sh      read the golden seeds too (after the corpus changed)
#
# Each run reads fuzz/corpus/TARGET (committed, minimised) and the golden seeds fuzz/seeds/TARGET (made by seed.py); its libFuzzer log goes to fuzz/logs/TARGET.log and the
# figures (executions, exec/s, coverage, corpus) are printed at the end. Exit status 1 when a
# target crashed (the input is in fuzz/artifacts/TARGET/).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
mkdir -p logs
# Debug assertions stay on in the optimised build: a broken internal invariant is a crash. No
# sanitizer (`-s none`): the workspace forbids `unsafe`, and AddressSanitizer cost 5x the
# executions per second (FUZZING.md).
build=(-O -a -s none)
nice -n 15 cargo +nightly fuzz build "${build[@]}"
status=0
for target in "${targets[@]}"; do
    corpus=corpus/$target
    mkdir -p "$corpus"
    dirs=("$corpus")
    if [ -n "${IAMCONF_FUZZ_SCRATCH:-}" ]; then
        scratch=$(mktemp -d)
        dirs=("$scratch" "$corpus")
    fi
    # The golden seeds (fuzz/seeds/TARGET, made by seed.py, not committed) start a target that
    # has no committed corpus yet; minimise.sh folds them into the corpus.
    if [ -z "$(ls -A "$corpus")" ] || [ -n "${IAMCONF_FUZZ_SEEDS:-}" ]; then
        [ -d seeds ] || python3 seed.py
        [ -d "seeds/$target" ] && dirs+=("seeds/$target")
    fi
    # Inputs that once crashed the target, replayed by every run (committed).
    [ -d "regressions/$target" ] && dirs+=("regressions/$target")
    max_len=8192
    [ "$target" = glob ] && max_len=512
    if nice -n 15 cargo +nightly fuzz run "${build[@]}" "$target" "${dirs[@]}" -- \
        -max_total_time="$seconds" -max_len="${IAMCONF_FUZZ_MAX_LEN:-$max_len}" -timeout=10 \
        -print_final_stats=1 \
        >"logs/$target.log" 2>&1; then
        result=ok
    else
        result=CRASH
        status=1
    fi
    [ -n "${IAMCONF_FUZZ_SCRATCH:-}" ] && rm -rf "$scratch"
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')
    speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')
    last=$(grep -E '^#[0-9]+' "logs/$target.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' || echo '?')
    echo "$target: $result, $runs runs in ${seconds}s ($speed exec/s), $last"
done
exit "$status"
