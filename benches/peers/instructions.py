#!/usr/bin/env python3
"""Instructions per record, end to end, for every row of the peer benchmark (run.sh --instructions).

Usage: instructions.py DATA.jsonl [--n 1000] [--skip KEYS]

Wall-clock figures on this shared VM swing by a third between runs (docs/performance.md), so
a 10% change or a ratio near a target cannot be read from them. Instruction counts do not
move with the host's load. Each engine runs the way bench.py runs it for peak memory (one
end-to-end pass in a fresh process: the Rust example and the limit with `--e2e-only`, the CLI
as a whole process, Python engines as `bench.py --child KEY rss`) under
`valgrind --tool=callgrind`, once on the first record and once on the first N + 1; the
difference over N is the cost of one record with start-up, loading and imports taken out.
For the Python engines the same difference for the child's set-up alone (reading DATA and
splitting it into lines, `bench.py --child KEY setup`) is subtracted too; the Rust rows split
their lines with memchr (about 1k instructions per station, left in).

Instructions are not time: a Python interpreter and a Rust loop retire instructions at
different rates, so these ratios are a second reading next to the timed table, not a
replacement for it. Valgrind runs threads one at a time; RAYON_NUM_THREADS=1 as in bench.py.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import bench

COLLECTED = re.compile(rb"Collected\s*:\s*(\d+)")


def instructions(cmd):
    """Instructions the command retires (all threads), or None if it failed."""
    env = dict(os.environ, RAYON_NUM_THREADS="1", POLARS_MAX_THREADS="1", PYTHONHASHSEED="0")
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=False)
    m = COLLECTED.search(p.stderr)
    if p.returncode not in (0, 1) or not m:
        print(f"# FAILED {cmd[:3]}: exit {p.returncode}: {p.stderr[-300:].decode(errors='replace')}", flush=True)
        return None
    return int(m.group(1))


def rows(one, many, n, skip):
    """(name, instructions per record) of each row that ran, in bench.py's order.

    The runs go in parallel, one per CPU: instruction counts do not depend on the load.
    """
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(key, name, bench.RUST_EX, bench.rust_cmd(*flags)) for key, flags, name, _ in bench.RUST_ROWS]
    jobs += [
        ("handwritten", bench.LIMIT, bench.HANDWRITTEN,
         lambda path: [str(bench.HANDWRITTEN), "--e2e-only", str(path), "1"]),
        ("cli", "chidu CLI (check --format jsonl -o /dev/null)", bench.CLI, bench.cli_cmd),
    ]
    jobs = [(key, name, cmd, None) for key, name, exe, cmd in jobs if exe.exists()]
    # A Python child's own set-up (reading DATA, bytes.splitlines: about 39k instructions per
    # station, byte by byte) is not the engine's work: a `setup` run measures it to subtract.
    jobs += [(key, cls.name, bench.child_cmd(key, "rss"), bench.child_cmd(key, "setup"))
             for key, cls in bench.engines()]
    jobs = [job for job in jobs if job[0] not in skip]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        def per_n(cmd):
            """Futures of the counts on the one-record and the (N + 1)-record file."""
            return cmd and (pool.submit(instructions, cmd(one)), pool.submit(instructions, cmd(many)))

        def growth(futures):
            """Instructions the N extra records cost, None if a run failed; 0 for no command."""
            if not futures:
                return 0
            base, full = (f.result() for f in futures)
            return None if base is None or full is None else full - base

        pending = [(key, name, per_n(cmd), per_n(setup)) for key, name, cmd, setup in jobs]
        for key, name, run, setup in pending:
            total, setup_cost = growth(run), growth(setup)
            if total is None or setup_cost is None:
                continue
            got = (total - setup_cost) / n
            print(f"# done {key}: {got:,.0f} instructions/record", flush=True)
            yield name, got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--n", type=int, default=1000, help="records measured (after the first)")
    ap.add_argument("--skip", default="", help="comma-separated keys to skip (bench.py's, and rust, "
                    "rust-cards, rust-compiled, handwritten, cli)")
    a = ap.parse_args()
    lines = Path(a.data).read_bytes().splitlines()[: a.n + 1]
    n = len(lines) - 1
    if n < 1:
        sys.exit("instructions.py: DATA needs at least two records")
    with tempfile.TemporaryDirectory() as tmp:
        one, many = Path(tmp) / "one.jsonl", Path(tmp) / "many.jsonl"
        one.write_bytes(lines[0] + b"\n")
        many.write_bytes(b"\n".join(lines) + b"\n")
        measured = list(rows(one, many, n, set(filter(None, a.skip.split(",")))))
    print()
    print(f"Instructions per record, end to end (callgrind, records 2–{n + 1} of {Path(a.data).name}):")
    print()
    print("| engine | instructions/record |")
    print("|---|---:|")
    for name, i in measured:
        print(f"| {name} | {i:,.0f} |")
    chidu = [(name, i) for name, i in measured if name.startswith("chidu")]
    others = [(name, i) for name, i in measured if not name.startswith("chidu")]
    if chidu and others:
        print()
        print("chidu ÷ peer in instructions (peer's instructions ÷ chidu's; above 1 is chidu doing less work):")
        print()
        print("| chidu row | " + " | ".join(name for name, _ in others) + " |")
        print("|---|" + "---:|" * len(others))
        for name, i in chidu:
            print(f"| {name} | " + " | ".join(f"{o / i:.2f}×" for _, o in others) + " |")


if __name__ == "__main__":
    main()
