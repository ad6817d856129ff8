#!/usr/bin/env bash
# Instruction-count regression check of the iamconf hot paths (callgrind; deterministic, so a
# noisy shared CI machine can trust it). See BENCHMARKS.md.
#
#   benches/regress.sh                 # exit 1 when a path costs >10% more than the baseline
#   benches/regress.sh --update        # measure and rewrite benches/baseline.tsv
#   benches/regress.sh eval-seed ...   # only these paths
#   REGRESS_THRESHOLD=5 benches/regress.sh
#
# Each path is one workload of `iam-bench-workload` (`iam-bench-workload list`), run under
# callgrind with collection on only inside its measured loop, for the iteration count the
# baseline records. Exit status: 0 within the threshold, 1 a regression (or a path that is
# gone, or a wrong result), 2 a usage or tool problem.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
baseline="$here/baseline.tsv"
threshold="${REGRESS_THRESHOLD:-10}"
update=0
only=()
for arg in "$@"; do
    case "$arg" in
        --update) update=1 ;;
        -h | --help)
            sed -n '2,14p' "$0"
            exit 0
            ;;
        -*)
            echo "regress.sh: unknown option \`$arg\`" >&2
            exit 2
            ;;
        *) only+=("$arg") ;;
    esac
done

command -v valgrind >/dev/null || { echo "regress.sh: valgrind is not installed" >&2; exit 2; }

cd "$root"
cargo build --quiet --release -p iam-benches --bin iam-bench-workload
target="${CARGO_TARGET_DIR:-$root/target}"
[[ "$target" = /* ]] || target="$root/$target"
bin="$target/release/iam-bench-workload"

# name -> iterations of the baseline (used so that totals compare like with like).
declare -A base_iter=() base_ir=()
if [[ -f "$baseline" ]]; then
    while IFS=$'\t' read -r name iterations ir; do
        [[ -z "$name" || "$name" = \#* ]] && continue
        base_iter[$name]=$iterations
        base_ir[$name]=$ir
    done <"$baseline"
fi

declare -A default_iter=()
names=()
while IFS=$'\t' read -r name iterations _; do
    default_iter[$name]=$iterations
    names+=("$name")
done < <("$bin" list)
if ((${#only[@]})); then
    for name in "${only[@]}"; do
        [[ -n "${default_iter[$name]:-}" ]] || { echo "regress.sh: no workload \`$name\`" >&2; exit 2; }
    done
    names=("${only[@]}")
fi

measure() { # name iterations -> instructions
    local log
    log="$(mktemp)"
    if ! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --toggle-collect='*measured_loop*' "$bin" run "$1" "$2" >/dev/null 2>"$log"; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    grep -o 'Collected : [0-9]*' "$log" | grep -o '[0-9]*$'
    rm -f "$log"
}

status=0
rows=()
printf '%-30s %10s %14s %14s %8s\n' path iterations baseline now change
for name in "${names[@]}"; do
    if ((update)); then
        iterations="${default_iter[$name]}"
    else
        iterations="${base_iter[$name]:-${default_iter[$name]}}"
    fi
    if ! ir="$(measure "$name" "$iterations")"; then
        echo "regress.sh: \`$name\` failed (wrong result or crash)" >&2
        status=1
        continue
    fi
    rows+=("$name"$'\t'"$iterations"$'\t'"$ir")
    base="${base_ir[$name]:-}"
    if [[ -z "$base" ]]; then
        printf '%-30s %10s %14s %14s %8s\n' "$name" "$iterations" - "$ir" new
        continue
    fi
    change="$(awk -v a="$ir" -v b="$base" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }')"
    verdict=""
    if awk -v a="$ir" -v b="$base" -v t="$threshold" 'BEGIN { exit !(a > b * (1 + t / 100)) }'; then
        verdict="  REGRESSION (> +$threshold%)"
        ((update)) || status=1
    elif awk -v a="$ir" -v b="$base" -v t="$threshold" 'BEGIN { exit !(a < b * (1 - t / 100)) }'; then
        verdict="  faster: run with --update to lock the gain in"
    fi
    printf '%-30s %10s %14s %14s %8s%s\n' "$name" "$iterations" "$base" "$ir" "$change" "$verdict"
done

if ((!update && ${#only[@]} == 0)); then
    for name in "${!base_ir[@]}"; do
        if [[ -z "${default_iter[$name]:-}" ]]; then
            echo "regress.sh: \`$name\` is in the baseline but no longer a workload (--update)" >&2
            status=1
        fi
    done
fi

if ((update)); then
    if ((status)); then
        echo "regress.sh: not updating the baseline: a workload failed" >&2
        exit "$status"
    fi
    declare -A keep=()
    for name in "${!base_ir[@]}"; do keep[$name]="$name"$'\t'"${base_iter[$name]}"$'\t'"${base_ir[$name]}"; done
    for row in "${rows[@]}"; do keep[${row%%$'\t'*}]="$row"; done
    {
        echo "# callgrind instructions (Ir) inside measured_loop, per workload: name, iterations, total."
        echo "# $(rustc --version); written by benches/regress.sh --update on $(date -u +%F)."
        for name in "${names[@]}" "${!keep[@]}"; do echo "$name"; done | awk '!seen[$0]++' |
            while read -r name; do
                [[ -n "${default_iter[$name]:-}" && -n "${keep[$name]:-}" ]] && echo "${keep[$name]}"
            done
    } >"$baseline.tmp"
    mv "$baseline.tmp" "$baseline"
    echo "baseline written: $baseline"
fi
exit "$status"
