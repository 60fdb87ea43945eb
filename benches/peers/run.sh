#!/usr/bin/env bash
# Peer benchmark: chidu (Rust API, CLI, Python binding) vs plain Python, polars, datalogic-py, pandas,
# jsonschema-rs, zen-engine and regorus (Rego), with the hand-written Rust limit (handwritten/) alongside,
# on the workload of performance-anchors.md §2. Prints one table; see docs/performance.md.
#
#   benches/peers/run.sh            10,000 records: throughput, cold start and peak RSS per engine
#   benches/peers/run.sh --full     also 100,000 records (throughput and peak RSS)
#   benches/peers/run.sh --instructions   also instructions per record end to end (valgrind)
set -euo pipefail
# Nothing here reads the terminal; a run started in the background must not hand its stdin to
# cargo's rustc probe (it fed rustc stray text and the hand-written limit's build failed).
exec </dev/null
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
FULL=0; INSTR=0
for arg in "$@"; do
  case $arg in
    --full) FULL=1 ;;
    --instructions) INSTR=1 ;;
    *) echo "usage: run.sh [--full] [--instructions]" >&2; exit 2 ;;
  esac
done
VENV="$HERE/.venv"
PY="$VENV/bin/python"

[[ -x "$PY" ]] || python3 -m venv "$VENV"
"$PY" -m pip install -q --upgrade pip >/dev/null
REGORUS_PIP=1
for p in maturin orjson polars datalogic-py zen-engine jsonschema-rs pandas regorus; do
  if "$PY" -m pip install -q "$p" >/dev/null 2>&1; then echo "# installed $p"
  else echo "# SKIPPED $p: pip install failed"; [[ $p != regorus ]] || REGORUS_PIP=0; fi
done

cd "$ROOT"
# chidu as it ships: the `dist` profile (release + fat LTO), as are the wheels.
cargo build -q --profile dist -p chidu-cli
cargo build -q --profile dist -p chidu --example peers
# The hand-written limit (serde typed structs + the 40 checks in Rust): its own crate, not in the workspace.
(cd "$HERE/handwritten" && CARGO_TARGET_DIR="$ROOT/target/handwritten" cargo build -q --release) \
  || echo "# SKIPPED hand-written limit: cargo build failed"
(cd bindings/python && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" maturin develop -q --profile dist >/dev/null) \
  || echo "# SKIPPED chidu Python binding: maturin develop failed"
# regorus has no PyPI release (upstream builds its Python binding from its repository): build the
# stand-in module in regorus_py/ from the regorus crate instead. Its target dir lives in the venv.
if [[ $REGORUS_PIP == 0 ]]; then
  (cd "$HERE/regorus_py" && CARGO_TARGET_DIR="$VENV/regorus-target" VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
    maturin develop -q --release >/dev/null 2>&1) && echo "# installed regorus stand-in (regorus_py/, crate regorus 0.14.1)" \
    || echo "# SKIPPED regorus stand-in: maturin develop failed"
fi

SIZES=(10000); [[ $FULL == 1 ]] && SIZES+=(100000)
for n in "${SIZES[@]}"; do
  [[ -s "$HERE/data-$n.jsonl" ]] || "$PY" "$HERE/gen.py" "$n" "$HERE/data-$n.jsonl" 20260630
done

echo "# machine: $(nproc) CPUs; $(lscpu | grep -m1 'Model name' | sed 's/ \+/ /g')"
PIN=(); command -v taskset >/dev/null && [[ $(nproc) -gt 1 ]] && PIN=(taskset -c 1)
export POLARS_MAX_THREADS=1 RAYON_NUM_THREADS=1
cd "$HERE"
"${PIN[@]}" "$PY" bench.py "data-10000.jsonl" --cold --rss
if [[ $FULL == 1 ]]; then
  # zen's JDM decision and regorus score under 1k records/s: about 15 minutes each at 100k.
  "${PIN[@]}" "$PY" bench.py "data-100000.jsonl" --rss --skip zen-jdm,regorus
fi
if [[ $INSTR == 1 ]]; then
  if command -v valgrind >/dev/null; then
    "$PY" instructions.py "data-10000.jsonl"
  else
    echo "# SKIPPED instructions: valgrind not found"
  fi
fi
