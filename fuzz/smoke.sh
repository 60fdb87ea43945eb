#!/usr/bin/env bash
# Runs every fuzz target for N seconds (default 20) from a copy of its committed corpus (the
# committed corpus does not grow).
#
#   fuzz/smoke.sh [SECS [TARGET...]]        deep local run: cargo-fuzz + AddressSanitizer
#   fuzz/smoke.sh --ci [SECS [TARGET...]]   CI run: stable cargo only (or FUZZ_CI=1)
#
# Default mode needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the nightly
# flags are unlocked with RUSTC_BOOTSTRAP=1; set SANITIZER=none if the address sanitizer will
# not build. Exits non-zero on the first crash.
#
# --ci mode needs only stable cargo and a C++ compiler (libfuzzer-sys builds libFuzzer). It runs
# `cargo build --release --bins` into its own target dir (FUZZ_CI_TARGET_DIR, default
# fuzz/target/ci, so neither the main build's cache nor cargo-fuzz's fuzz/target/<triple> is
# touched) with the flags of `cargo fuzz build -s none` (sancov coverage with trace-compares,
# --cfg fuzzing, -Cdebug-assertions so overflow checks too), then runs the libFuzzer binaries
# directly, FUZZ_CI_JOBS (default: the CPU count) at a time, and exits non-zero if any crashed,
# timed out or ran out of memory. To build in ~2.5 min on 2 cores it deviates from cargo-fuzz:
# only chidu and the fuzz crate get the coverage instrumentation (this script is cargo's
# RUSTC_WRAPPER for that; dependencies are built plain), everything is built at opt-level 1
# (FUZZ_CI_OPT_LEVEL) with the default codegen units and no LTO, and only chidu and the fuzz
# crate keep line tables. FUZZ_CI_FULL=1 builds exactly as cargo-fuzz does instead (every crate
# instrumented, opt-level 3, one codegen unit; ~2-3x the build time).
#
# Either way a crash's reproducer is left under fuzz/artifacts/<target>/ (not committed).
set -euo pipefail

# Internal: in --ci mode cargo calls this script as its RUSTC_WRAPPER (`smoke.sh RUSTC ARGS...`)
# with CHIDU_FUZZ_SANCOV set; the coverage flags go to the target (not build-script or
# proc-macro) units of the crates under CHIDU_FUZZ_LOCAL_ROOTS only.
if [ -n "${CHIDU_FUZZ_SANCOV:-}" ]; then
  rustc="$1"
  shift
  inner=()
  if [ -n "${CHIDU_FUZZ_INNER_WRAPPER:-}" ]; then inner=("$CHIDU_FUZZ_INNER_WRAPPER"); fi
  local_crate=0
  for root in $CHIDU_FUZZ_LOCAL_ROOTS; do
    case "${CARGO_MANIFEST_DIR:-}/" in "$root"/*) local_crate=1 ;; esac
  done
  if [ "$local_crate" = 1 ]; then
    for a in "$@"; do
      case "$a" in
        --target | --target=*)
          # shellcheck disable=SC2086 # a list of flags
          exec "${inner[@]}" "$rustc" "$@" $CHIDU_FUZZ_SANCOV ;;
      esac
    done
  fi
  exec "${inner[@]}" "$rustc" "$@"
fi

ci="${FUZZ_CI:-0}"
if [ "${1:-}" = "--ci" ]; then
  ci=1
  shift
fi
secs="${1:-20}"
shift || true
targets=(pack_load expression record_json record_yaml_csv compiled compiled_taicang)
if [ $# -gt 0 ]; then
  targets=("$@")
fi
caller_dir="$PWD"
cd "$(dirname "$0")"
fuzz_dir="$PWD"

tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
# Targets that write files (record_yaml_csv) do so under the system temp dir; point it inside
# $tmp so nothing outlives the run (libFuzzer exits without running destructors).
mkdir -p "$tmp/scratch"
export TMPDIR="$tmp/scratch"

# Copies the committed corpus of target $1 to $tmp/$1 and prints that path.
copy_corpus() {
  mkdir -p "corpus/$1"
  rm -rf "${tmp:?}/$1"
  mkdir -p "$tmp/$1"
  cp -r "corpus/$1/." "$tmp/$1/"
  echo "$tmp/$1"
}

if [ "$ci" != 1 ]; then
  export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"
  sanitizer="${SANITIZER:-address}"
  cargo fuzz build -O -s "$sanitizer"
  for t in "${targets[@]}"; do
    echo "== $t (${secs}s)"
    work="$(copy_corpus "$t")"
    cargo fuzz run -O -s "$sanitizer" "$t" "$work" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
  done
  exit 0
fi

# --ci: stable cargo, no sanitizer.
host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${FUZZ_CI_TARGET_DIR:-$fuzz_dir/target/ci}"
case "$target_dir" in /*) ;; *) target_dir="$caller_dir/$target_dir" ;; esac
# What cargo-fuzz 0.13 passes for `cargo fuzz build -s none` (no -O) on Linux, in two parts:
# coverage instrumentation, and the rest (its -Ccodegen-units=1 is only used with FUZZ_CI_FULL).
sancov="-Cpasses=sancov-module"
sancov+=" -Cllvm-args=-sanitizer-coverage-level=4"
sancov+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
sancov+=" -Cllvm-args=-sanitizer-coverage-pc-table"
sancov+=" -Cllvm-args=-sanitizer-coverage-trace-compares"
sancov+=" -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
sancov+=" -Cllvm-args=-sanitizer-coverage-stack-depth"
flags="--cfg fuzzing -Cdebug-assertions"
if [ "${FUZZ_CI_FULL:-0}" = 1 ]; then
  mode="full"
  flags="$sancov $flags -Ccodegen-units=1"
  config=(--config 'profile.release.debug="line-tables-only"')
  wrap=()
else
  mode="fast"
  config=(
    --config "profile.release.opt-level=${FUZZ_CI_OPT_LEVEL:-1}"
    --config 'profile.release.lto="off"'
    --config 'profile.release.debug=0'
    --config 'profile.release.package.chidu.debug="line-tables-only"'
    --config 'profile.release.package.chidu-fuzz.debug="line-tables-only"'
  )
  wrap=(CHIDU_FUZZ_SANCOV="$sancov" CHIDU_FUZZ_LOCAL_ROOTS="$(cd .. && pwd) $(cd .. && pwd -P)"
    CHIDU_FUZZ_INNER_WRAPPER="${RUSTC_WRAPPER:-}" RUSTC_WRAPPER="$fuzz_dir/smoke.sh")
fi

# cargo does not fingerprint what the wrapper adds: start over when the build mode changes.
stamp="$target_dir/.smoke-ci-flags"
want="$mode | $sancov | $flags | ${config[*]}"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] && [ -d "$target_dir/$host" ]; then
  echo "(fuzz build flags changed: removing $target_dir/$host)"
  rm -rf "${target_dir:?}/$host"
fi
mkdir -p "$target_dir"
printf '%s\n' "$want" >"$stamp"

echo "== fuzz build ($mode: stable cargo, sancov, no sanitizer) -> $target_dir"
start=$SECONDS
# --target keeps RUSTFLAGS (and the wrapper's flags) off build scripts and proc macros, as
# cargo-fuzz does.
env -u CARGO_ENCODED_RUSTFLAGS "${wrap[@]}" RUSTFLAGS="$flags ${RUSTFLAGS:-}" \
  cargo build --release --manifest-path Cargo.toml --target "$host" --target-dir "$target_dir" \
    "${config[@]}" --bins
echo "(fuzz build: $((SECONDS - start)) s)"

jobs="${FUZZ_CI_JOBS:-$(nproc 2>/dev/null || echo 1)}"
echo "== fuzz run: ${targets[*]} (${secs}s each, $jobs at a time)"
start=$SECONDS
# Starts target $1 in the background; its output goes to $tmp/$1.log, its exit code to $tmp/$1.rc.
run_target() {
  local t="$1" work
  work="$(copy_corpus "$t")"
  mkdir -p "artifacts/$t"
  (
    status=0
    "$target_dir/$host/release/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$fuzz_dir/artifacts/$t/" "$work" \
      >"$tmp/$t.log" 2>&1 || status=$?
    echo "$status" >"$tmp/$t.rc"
  ) &
}
running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$t"
  running=$((running + 1))
done
wait
echo "(fuzz run: $((SECONDS - start)) s)"

failed=()
for t in "${targets[@]}"; do
  status="$(cat "$tmp/$t.rc" 2>/dev/null || echo "?")"
  log="$tmp/$t.log"
  echo "== $t"
  if [ "$status" = 0 ]; then
    grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
      "$log" || true
    continue
  fi
  tail -n 100 "$log" 2>/dev/null || true
  echo "!! $t failed (libFuzzer exit $status)"
  repro="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" 2>/dev/null | tail -n 1)"
  if [ -n "$repro" ]; then
    echo "!! reproducer: fuzz/${repro#"$fuzz_dir"/}"
    echo "!! replay:     $target_dir/$host/release/$t $repro"
    echo "!!   or:       (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O $t ${repro#"$fuzz_dir"/})"
  else
    echo "!! no reproducer written; see the log above"
  fi
  failed+=("$t")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "!! fuzz smoke failed: ${failed[*]}"
  exit 1
fi
echo "== fuzz smoke passed (${targets[*]}, ${secs}s each)"
