#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each on a copy of its
# seed corpus; a crash stops with the input saved in fuzz/artifacts/TARGET/.
#   fuzz/run.sh SECONDS [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the toolchain's unstable
# sanitizer flag is allowed through RUSTC_BOOTSTRAP.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frontmatter scalars links rrule markdown entity)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
for t in "${targets[@]}"; do
  corpus="corpus/$t"
  mkdir -p "$corpus"
  echo "fuzzing $t for ${seconds}s"
  cargo fuzz run -O "$t" "$corpus" "seeds/$t" -- -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|panicked|SUMMARY|ERROR|Test unit written' || true
  # libFuzzer writes a crash, leak or timeout input here.
  if compgen -G "artifacts/$t/*" > /dev/null; then
    echo "fuzz target $t failed; inputs in fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
