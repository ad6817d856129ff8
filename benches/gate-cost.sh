#!/usr/bin/env bash
# The gate's own costs, end to end through the release binaries (issue 11, items 2, 3, 5, 6;
# BENCHMARKS.md, "The gate's costs"). Wall-clock figures: run on a quiet machine, or read the
# ratios only.
#
#   benches/gate-cost.sh failing [MODE] [CASES]   a failing fixture and its passing twin
#                                                 (`iamconf-fixture reference`) on the same cases
#   benches/gate-cost.sh failing-modes [CASES] [MODE...]  the twin once, then every failing mode
#   benches/gate-cost.sh jobs [MS] [CASES] [N...] --jobs N with a fixture that sleeps MS ms a case
#   benches/gate-cost.sh memory [CASES...]        max RSS of the self-check at each case count
#   benches/gate-cost.sh self-check [CASES]       the self-check's generated cases per second
#   benches/gate-cost.sh side-by-side CMD [CASES] `iamconf evaluate` and the evaluator CMD over
#                                                 the same distinct generated case lines
#
# Every `iamconf check` here runs one evaluator process (`--jobs 1`) unless told otherwise,
# the default seed, and the evaluator invariants as `iamconf check` does by default. Each figure
# is the median of REPEAT runs (default 3). Exit status: 0, or 2 when a run could not be done.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
repeat="${REPEAT:-3}"
target="${CARGO_TARGET_DIR:-$root/target}/release"
iamconf="$target/iamconf"
fixture="$target/iamconf-fixture"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

build() {
    cargo build --quiet --release --manifest-path "$root/Cargo.toml" \
        -p iam-conformance --bin iamconf --bin iamconf-fixture \
        -p iam-benches --bin iam-bench-workload
}

# `timed NAME CMD...`: run CMD (output to $scratch/NAME.out), print `wall user sys maxrss_kb exit`.
timed() {
    local name="$1"
    shift
    local status=0
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/$name.time" "$@" > "$scratch/$name.out" 2> "$scratch/$name.err" || status=$?
    echo "$(tail -n 1 "$scratch/$name.time") $status"
}

# `median FIELD < lines`: the median of a whitespace-separated field (1-based).
median() {
    awk -v f="$1" '{ print $f }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# `repeated NAME CMD...`: REPEAT runs; prints `median-wall median-user median-maxrss exit
# median-cpu` (cpu: user + system time of the gate and its evaluator processes).
repeated() {
    local name="$1"
    shift
    local runs="$scratch/$name.runs"
    : > "$runs"
    for _ in $(seq "$repeat"); do
        timed "$name" "$@" | awk '{ print $0, $2 + $3 }' >> "$runs"
    done
    echo "$(median 1 < "$runs") $(median 2 < "$runs") $(median 4 < "$runs") $(tail -n 1 "$runs" | awk '{ print $5 }') $(median 6 < "$runs")"
}

# The report's counts and shrinks (a JSON report on stdout of `iamconf check --format json`).
summary() {
    python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
shrunk = sum(1 for p in d["problems"] if p.get("shrunk"))
inv = d.get("invariants") or {}
violated = sum(1 for t in inv.get("tallies", []) if t["violations"])
print(f'{d["total"]} cases, {d["failed"]} failed, {shrunk} shrunk, {len(d["groups"])} groups, '
      f'{violated} invariants violated ({len(inv.get("violations", []))} shrunk)')
EOF
}

# `evaluator_cpu NAME`: the evaluator processes' CPU time (user + system) in one of NAME's runs,
# the mean over its REPEAT runs. Each evaluator process runs under its own /usr/bin/time, which
# appends a line to $scratch/NAME.eval (a restarted evaluator adds a line to its run's share).
evaluator_cpu() {
    awk -v r="$repeat" '{ split($0, t, "+"); s += t[1] + t[2] } END { printf "%.2f", s / r }' \
        "$scratch/$1.eval"
}

failing() {
    local mode="${1:-negated-or}" cases="${2:-10000}"
    local args=(check --cases "$cases" --jobs 1 --format json --timeout 30)
    echo "failing: \`iamconf-fixture $mode\` and \`iamconf-fixture reference\`, --cases $cases, one process"
    local pw pu pr pe pc fw fu fr fe fc pv fv
    # The evaluator under its own timer, so that the gate's CPU time can be told from the
    # evaluator's: a failing fixture may cost more per case than the reference does.
    local timer=(/usr/bin/time -a -f %U+%S -o)
    read -r pw pu pr pe pc <<< "$(repeated passing "$iamconf" "${args[@]}" \
        --evaluator "${timer[*]} $scratch/passing.eval $fixture reference")"
    pv=$(evaluator_cpu passing)
    echo "  passing twin: $(summary "$scratch/passing.out"); median $pw s wall, $pc s CPU (exit $pe)"
    read -r fw fu fr fe fc <<< "$(repeated failing "$iamconf" "${args[@]}" \
        --evaluator "${timer[*]} $scratch/failing.eval $fixture $mode")"
    fv=$(evaluator_cpu failing)
    echo "  failing:      $(summary "$scratch/failing.out"); median $fw s wall, $fc s CPU (exit $fe)"
    awk -v pw="$pw" -v fw="$fw" -v pc="$pc" -v fc="$fc" \
        'BEGIN { printf "  failing / passing: %.2fx wall, %.2fx CPU (target <= 2x)\n", fw / pw, fc / pc }'
    awk -v pc="$pc" -v fc="$fc" -v pv="$pv" -v fv="$fv" 'BEGIN {
        printf "  the evaluator processes alone: %.2f s and %.2f s CPU (%.2fx)\n", pv, fv, fv / pv
        printf "  the gate alone (the run less its evaluators): %.2f s and %.2f s CPU (%.2fx)\n", pc - pv, fc - fv, (fc - fv) / (pc - pv) }'
}

# `failing-modes [CASES] [MODE...]`: the passing twin once, then each failing fixture mode on the
# same cases (every semantic and invariant bug mode by default), one line each.
failing_modes() {
    local cases="${1:-10000}"
    shift || true
    local modes=("$@")
    [ ${#modes[@]} -gt 0 ] || modes=(deny-does-not-override prefix-confusion notresource-deny-grants
        fail-open ignore-unknown-operators case-sensitive-actions negated-or first-check-only
        rejects-set-operators several-bugs allow-by-default first-policy-only allows-cancel-in-pairs
        denies-cancel-in-pairs case-insensitive-resources ip-prefix-ignored absent-key-negated-false
        ifexists-ignored forallvalues-as-foranyvalue variables-always-live skip-rejected-documents
        unreadable-holds)
    local args=(check --cases "$cases" --jobs 1 --format json --timeout 30)
    local timer=(/usr/bin/time -a -f %U+%S -o)
    local pw pu pr pe pc pv
    read -r pw pu pr pe pc <<< "$(repeated passing "$iamconf" "${args[@]}" \
        --evaluator "${timer[*]} $scratch/passing.eval $fixture reference")"
    pv=$(evaluator_cpu passing)
    echo "failing modes, --cases $cases, one process; the passing twin (\`iamconf-fixture reference\`): $pc s CPU ($pv s of it the evaluator), $pw s wall"
    echo "  mode: failed, shrunk, groups, shrunk invariant violations; CPU (x twin); the evaluator alone (x twin's); the gate alone (x twin's)"
    local mode fw fu fr fe fc fv
    for mode in "${modes[@]}"; do
        read -r fw fu fr fe fc <<< "$(repeated "mode-$mode" "$iamconf" "${args[@]}" \
            --evaluator "${timer[*]} $scratch/mode-$mode.eval $fixture $mode")"
        fv=$(evaluator_cpu "mode-$mode")
        python3 - "$scratch/mode-$mode.out" "$mode" "$pc" "$pv" "$fc" "$fv" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
mode, pc, pv, fc, fv = sys.argv[2], *map(float, sys.argv[3:])
shrunk = sum(1 for p in d["problems"] if p.get("shrunk"))
inv = len((d.get("invariants") or {}).get("violations", []))
print(f"  {mode}: {d['failed']} failed, {shrunk} shrunk, {len(d['groups'])} groups, {inv}; "
      f"{fc:.2f} s ({fc / pc:.2f}x); {fv:.2f} s ({fv / pv:.2f}x); {fc - fv:.2f} s ({(fc - fv) / (pc - pv):.2f}x)")
EOF
    done
}

jobs() {
    local ms="${1:-2}" cases="${2:-2000}"
    shift 2 || shift $#
    local counts=("$@")
    [ ${#counts[@]} -gt 0 ] || counts=(1 2 4)
    echo "jobs: \`iamconf-fixture slow $ms\` (sleeps $ms ms a case), --cases $cases, no invariants; nproc $(nproc)"
    local first=""
    for n in "${counts[@]}"; do
        local wall user rss status cpu
        read -r wall user rss status cpu <<< "$(repeated "jobs-$n" "$iamconf" check --cases "$cases" \
            --no-invariants --jobs "$n" --evaluator "$fixture slow $ms" --format json)"
        [ -n "$first" ] || first="$wall"
        awk -v n="$n" -v w="$wall" -v f="$first" -v e="$status" -v c="$cpu" \
            'BEGIN { printf "  --jobs %d: %.2f s wall (%.2f s CPU), speed-up %.2fx (exit %s)\n", n, w, c, f / w, e }'
    done
}

memory() {
    local counts=("$@")
    [ ${#counts[@]} -gt 0 ] || counts=(10000 1000000)
    echo "memory: the self-check (\`iamconf check\` without --evaluator, --no-golden --no-invariants --invariant-cases 0 --jobs 1)"
    for n in "${counts[@]}"; do
        local r
        r=$(timed "memory-$n" "$iamconf" check --no-golden --no-invariants --invariant-cases 0 \
            --jobs 1 --cases "$n" --format json)
        read -r wall user _ rss status <<< "$r"
        awk -v n="$n" -v w="$wall" -v u="$user" -v m="$rss" -v e="$status" \
            'BEGIN { printf "  %d cases: max RSS %.1f MB, %.1f s wall, %.1f s user (exit %s)\n", n, m / 1024, w, u, e }'
    done
}

self_check() {
    local cases="${1:-100000}"
    echo "self-check: generated cases per second of user CPU time (--no-golden --no-invariants --invariant-cases 0 --jobs 1)"
    local base full
    base=$(repeated self-0 "$iamconf" check --no-golden --no-invariants --invariant-cases 0 --jobs 1 --cases 0 --format json)
    full=$(repeated self-n "$iamconf" check --no-golden --no-invariants --invariant-cases 0 --jobs 1 --cases "$cases" --format json)
    read -r _ base_user _ _ _ <<< "$base"
    read -r wall user _ status _ <<< "$full"
    awk -v n="$cases" -v u="$user" -v b="$base_user" -v w="$wall" -v e="$status" \
        'BEGIN { printf "  %d cases: %.2f s user (%.2f s of it start-up), %.2f s wall: %.0f cases/s of user time (target >= 50,000; exit %s)\n", n, u, b, w, n / (u - b), e }'
}

side_by_side() {
    local command="${1:?side-by-side needs an evaluator command}" cases="${2:-20000}"
    "$target/iam-bench-workload" lines-generated "$cases" > "$scratch/lines.jsonl"
    echo "side by side: $cases distinct generated case lines (iam-bench-workload lines-generated), user CPU time"
    local ours theirs
    ours=$(repeated ours sh -c "\"$iamconf\" evaluate < \"$scratch/lines.jsonl\"")
    theirs=$(repeated theirs sh -c "$command < \"$scratch/lines.jsonl\"")
    read -r _ ours_user _ _ _ <<< "$ours"
    read -r _ theirs_user _ theirs_status _ <<< "$theirs"
    python3 - "$scratch/ours.out" "$scratch/theirs.out" "$ours_user" "$theirs_user" "$theirs_status" <<'EOF'
import json, sys
def words(path):
    out = {}
    for line in open(path):
        try:
            a = json.loads(line)
        except ValueError:
            continue
        out[a.get("id")] = "error" if "error" in a else a.get("decision")
    return out
ours, theirs = words(sys.argv[1]), words(sys.argv[2])
ou, tu = float(sys.argv[3]), float(sys.argv[4])
decided = [i for i, w in theirs.items() if w not in (None, "error")]
agree = sum(1 for i in decided if ours.get(i) == theirs[i])
print(f"  iamconf evaluate: {ou:.2f} s user; the other: {tu:.2f} s user (exit {sys.argv[5]})")
print(f"  the other decides {len(decided)} of {len(ours)} cases (agreeing with the reference on {agree})")
print(f"  ratio (the other's time / iamconf's): {tu / ou:.2f}x")
EOF
}

build
case "${1:-}" in
    failing) shift; failing "$@" ;;
    failing-modes) shift; failing_modes "$@" ;;
    jobs) shift; jobs "$@" ;;
    memory) shift; memory "$@" ;;
    self-check) shift; self_check "$@" ;;
    side-by-side) shift; side_by_side "$@" ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
esac
