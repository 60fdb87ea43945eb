#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 20) from its committed corpus, e.g. in CI:
#   fuzz/smoke.sh 20
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the nightly flags are
# unlocked with RUSTC_BOOTSTRAP=1; set SANITIZER=none if the address sanitizer will not build.
# Exits non-zero on the first crash (the reproducer is left under fuzz/artifacts/<target>/).
set -euo pipefail
secs="${1:-20}"
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"
sanitizer="${SANITIZER:-address}"
targets=(pack_load expression record_json record_yaml_csv)
cargo fuzz build -O -s "$sanitizer"
for t in "${targets[@]}"; do
  echo "== $t (${secs}s)"
  mkdir -p "corpus/$t"
  # Copy the corpus so a smoke run does not grow the committed one.
  work="$(mktemp -d)"
  cp -r "corpus/$t/." "$work/"
  cargo fuzz run -O -s "$sanitizer" "$t" "$work" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
  rm -rf "$work"
done
