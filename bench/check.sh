#!/usr/bin/env bash
# Times `playbook check` on generated playbooks of 1,000 and 10,000
# entities in a RAM-backed folder: median wall time of 5 runs, and peak
# memory. Usage: bench/check.sh [SIZES...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/playbook"
base="${BENCH_DIR:-/dev/shm/playbook-bench}"
sizes=("${@:-1000 10000}")
for n in ${sizes[@]}; do
  dir="$base/$n"
  python3 bench/gen_playbook.py "$n" "$dir"
  "$bin" check --root "$dir" --as-of 2026-11-28 -q --format json > /dev/null || {
    echo "generated playbook of $n entities does not check clean" >&2; exit 1; }
  times=()
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$bin" check --root "$dir" --as-of 2026-11-28 -q > /dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
  peak=$( { /usr/bin/time -f '%M' "$bin" check --root "$dir" --as-of 2026-11-28 -q > /dev/null; } 2>&1 | tail -1)
  printf 'check, %6d entities: median %.3f s, peak %d MB\n' "$n" "$median" $((peak / 1024))
done
