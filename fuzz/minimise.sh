#!/usr/bin/env bash
# Minimise the committed corpora: for each target, the smallest set of inputs (libFuzzer's
# -set_cover_merge) that keeps every coverage feature of fuzz/corpus/TARGET, the golden seeds
# and the regressions, replaces fuzz/corpus/TARGET. Run it after a long fuzz run, before
# committing the corpus. Needs the nightly toolchain and cargo-fuzz (see FUZZING.md).
#
#   fuzz/minimise.sh [TARGET...]      all six targets by default
set -euo pipefail
cd "$(dirname "$0")"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
[ -d seeds ] || python3 seed.py
build=(-O -a -s none)
nice -n 15 cargo +nightly fuzz build "${build[@]}"
bin=target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release
for target in "${targets[@]}"; do
    sources=()
    for dir in "corpus/$target" "seeds/$target" "regressions/$target"; do
        [ -d "$dir" ] && sources+=("$dir")
    done
    minimised=$(mktemp -d)
    max_len=8192
    [ "$target" = glob ] && max_len=512 # as in run.sh
    nice -n 15 "$bin/$target" -set_cover_merge=1 -max_len="${IAMCONF_FUZZ_MAX_LEN:-$max_len}" \
        -timeout=10 "$minimised" "${sources[@]}" >"logs/$target.minimise.log" 2>&1
    rm -rf "corpus/$target"
    mkdir -p corpus
    mv "$minimised" "corpus/$target"
    echo "$target: $(find "corpus/$target" -type f | wc -l) inputs, $(du -sb "corpus/$target" | cut -f1) bytes"
done
