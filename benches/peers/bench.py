#!/usr/bin/env python3
"""Peer benchmark driver (see docs/performance.md). Run through run.sh.

Usage: bench.py DATA.jsonl [--cold] [--rss] [--runs 3] [--skip KEYS]

For each engine: end to end (JSONL bytes already in memory → per-record score and failed
rule ids) and evaluation only (records pre-parsed into the engine's native form), records/s,
median of --runs. Every engine's digest (per-rule fail counts + sum of 100 × score ÷ total)
must equal plain Python's.

--cold adds each engine's cold start: the wall time of a fresh process that loads the engine
and the 40 rules and scores the first record (median of 5; Python engines include starting
the interpreter and importing the engine, as a user's script would). --rss adds each engine's
peak RSS over one end-to-end pass of DATA in a fresh process (GNU time), which includes the
JSONL held in memory. Both run this script again as `bench.py --child KEY cold|rss DATA`;
each Python-driven engine is timed the same way, in a fresh process (`--child KEY time DATA
RUNS`).
"""
# Only what the engines need at module level: `--child` runs (cold start) import this module,
# so the harness's own modules (argparse, statistics, subprocess, tempfile) load where used.
import gc
import io
import os
import re
import sys
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PACK = HERE / "pack"
CLI = ROOT / "target" / "dist" / "chidu"  # run.sh builds chidu with the `dist` profile
RUST_EX = ROOT / "target" / "dist" / "examples" / "peers"
HANDWRITTEN = ROOT / "target" / "handwritten" / "release" / "peers-handwritten"
LIMIT = "limit: hand-written Rust (serde typed structs, 40 checks in code)"
# The Rust-API rows: (key, example flags, name, note). The engine with full reports; the engine
# asked for scorecards (score, grade, statuses: the output the peers give, for any pack); the
# checks generated for this pack (chidu codegen, committed as crates/chidu/tests/codegen/peers/;
# a test keeps it current).
RUST_ROWS = [
    ("rust", [], "chidu Rust API (parse_json + evaluate_record)",
     "eval-only: pre-parsed chidu::Record"),
    ("rust-cards", ["--scorecards"], "chidu Rust API, scorecards (parse_json + Engine::scorecard)",
     "parse_json + Engine::scorecard; eval-only: pre-parsed chidu::Record"),
    ("rust-compiled", ["--compiled"], "chidu Rust, generated checks (chidu codegen + compiled::Scorer)",
     "score_json per line; eval-only: typed structs read beforehand"),
]


def rust_cmd(*flags):
    """The example's command for one end-to-end pass over a file, in a mode of RUST_ROWS."""
    return lambda path: [str(RUST_EX), "--e2e-only", *flags, str(PACK), str(path), "1"]
AS_OF = "2026-06-30"
CUT_12M = "2025-06-30"

# ---------------------------------------------------------------- the 40 checks, plain Python
WEIGHTS = [2, 1, 2, 1, 1, 1, 1,  2, 1, 1, 2, 1,  3, 2, 1, 3, 2, 1, 2, 1,
           3, 2, 2, 3, 2, 2, 3, 2,  2, 1, 1, 1, 1,  2, 2, 2, 2,  2, 1, 1]
IDS = [f"R{i:02d}" for i in range(1, 41)]
TOTAL_W = sum(WEIGHTS)
PHONE = re.compile(r"^0[0-9]{3}-[0-9]{7}$")
EMAIL = re.compile(r"^[^@ ]+@[^@ ]+\.[a-z]+$")
LEVELS = {"township", "street", "community"}
ORG = {"gov", "ngo", "mixed"}
FUND = {"gov", "charity", "mixed", "self"}
ROLES = {"social_worker", "assistant", "manager", "volunteer_coord"}
DOCS = {"license", "fire_safety", "lease", "insurance", "plan"}
CERT_OK = {"intermediate", "senior"}


def checks(r):
    staff = r["staff"]
    services = r["services"]
    docs = r["documents"]
    phone = r.get("phone")
    email = r.get("email")
    level = r["level"]
    area = r["area_m2"]
    recent = [s for s in services if s["date"] >= CUT_12M]
    n_cp = sum(1 for s in services if s["type"] == "child_protection")
    return (
        bool(r.get("name")),
        bool(r.get("address")),
        bool(r.get("manager")),
        phone is not None and PHONE.search(phone) is not None,
        email is not None and EMAIL.search(email) is not None,
        bool(r.get("license_no")),
        bool(r.get("county")),
        level in LEVELS,
        r["org_type"] in ORG,
        r["funding_source"] in FUND,
        all(s["role"] in ROLES for s in staff),
        all(d["type"] in DOCS for d in docs),
        area >= 60,
        r["open_days_week"] >= 5,
        r["open_hours_week"] >= 40,
        len(staff) >= 3,
        len(services) >= 10,
        len(docs) >= 4,
        r["satisfaction"] >= 0.8,
        r["rooms"] >= 3,
        sum(1 for s in staff if s["certificate"] in CERT_OK) >= 2,
        sum(s["training_hours"] for s in staff) >= 120,
        all(not s["full_time"] or s["training_hours"] >= 20 for s in staff),
        len(recent) >= 12,
        sum(s["beneficiaries"] for s in recent) >= 300,
        any(s["type"] == "child_protection" for s in recent),
        any(d["type"] == "fire_safety" and d["verified"] for d in docs),
        all(d["expiry"] is None or d["expiry"] >= AS_OF for d in docs),
        r["social_workers"] / r["population"] * 10000 >= 1.5,
        r["gov_funding"] / r["budget"] >= 0.5,
        r["resolved"] / r["complaints"] >= 0.9,
        r["indoor_m2"] / area >= 0.6,
        r["volunteers"] / r["population"] * 1000 >= 2,
        level != "township" or area >= 300,
        level != "township" or any(s["certificate"] == "senior" for s in staff),
        r["elderly"] <= 500 or r["accessible"],
        r["children"] <= 800 or n_cp >= 3,
        r["last_inspection"] >= CUT_12M,
        r["plan_updated"] >= "2026-01-01",
        r["fire_drill_date"] >= "2025-12-30",
    )


def score_python(r):
    ok = checks(r)
    passed = 0
    failed = []
    for i, (c, w) in enumerate(zip(ok, WEIGHTS)):
        if c:
            passed += w
        else:
            failed.append(IDS[i])
    return 100.0 * passed / TOTAL_W, failed


def digest_of(results):
    """results: iterable of (score 0..100, failed ids)."""
    fails = dict.fromkeys(IDS, 0)
    s = 0.0
    for score, failed in results:
        s += round(score, 6)
        for f in failed:
            fails[f] += 1
    return {"fails": fails, "score_sum": f"{s:.2f}"}


# ---------------------------------------------------------------- engines
class Engine:
    name = ""
    note = ""

    def prepare(self, lines, blob):  # untimed: returns the native form for eval-only
        return None

    def e2e(self, lines, blob):  # -> list of (score, failed)
        raise NotImplementedError

    def eval(self, native):
        raise NotImplementedError


class PlainPython(Engine):
    name = "plain Python (orjson + hand-written)"

    def prepare(self, lines, blob):
        return [orjson.loads(l) for l in lines]

    def e2e(self, lines, blob):
        loads = orjson.loads
        return [score_python(loads(l)) for l in lines]

    def eval(self, native):
        return [score_python(r) for r in native]


class Polars(Engine):
    name = "polars (1 thread)"
    note = "read_ndjson + one select; result is a score column and 40 bool columns"

    def __init__(self):
        import polars as pl

        self.pl = pl
        e = pl.element().struct.field
        c = pl.col

        def nonempty(f):
            return c(f).is_not_null() & (c(f).str.len_chars() > 0)

        st, sv, dc = c("staff"), c("services"), c("documents")
        recent = e("date") >= CUT_12M
        self.exprs = [
            nonempty("name"), nonempty("address"), nonempty("manager"),
            c("phone").str.contains(PHONE.pattern), c("email").str.contains(EMAIL.pattern),
            nonempty("license_no"), nonempty("county"),
            c("level").is_in(list(LEVELS)), c("org_type").is_in(list(ORG)),
            c("funding_source").is_in(list(FUND)),
            st.list.eval(e("role").is_in(list(ROLES))).list.all(),
            dc.list.eval(e("type").is_in(list(DOCS))).list.all(),
            c("area_m2") >= 60, c("open_days_week") >= 5, c("open_hours_week") >= 40,
            st.list.len() >= 3, sv.list.len() >= 10, dc.list.len() >= 4,
            c("satisfaction") >= 0.8, c("rooms") >= 3,
            st.list.eval(e("certificate").is_in(list(CERT_OK))).list.sum() >= 2,
            st.list.eval(e("training_hours")).list.sum() >= 120,
            st.list.eval(~e("full_time") | (e("training_hours") >= 20)).list.all(),
            sv.list.eval(recent).list.sum() >= 12,
            sv.list.eval(pl.when(recent).then(e("beneficiaries")).otherwise(0)).list.sum() >= 300,
            sv.list.eval((e("type") == "child_protection") & recent).list.any(),
            dc.list.eval((e("type") == "fire_safety") & e("verified")).list.any(),
            dc.list.eval(e("expiry").is_null() | (e("expiry") >= AS_OF)).list.all(),
            c("social_workers") / c("population") * 10000 >= 1.5,
            c("gov_funding") / c("budget") >= 0.5,
            c("resolved") / c("complaints") >= 0.9,
            c("indoor_m2") / c("area_m2") >= 0.6,
            c("volunteers") / c("population") * 1000 >= 2,
            (c("level") != "township") | (c("area_m2") >= 300),
            (c("level") != "township") | st.list.eval(e("certificate") == "senior").list.any(),
            (c("elderly") <= 500) | c("accessible"),
            (c("children") <= 800) | (sv.list.eval(e("type") == "child_protection").list.sum() >= 3),
            c("last_inspection") >= CUT_12M,
            c("plan_updated") >= "2026-01-01",
            c("fire_drill_date") >= "2025-12-30",
        ]
        self.exprs = [x.fill_null(False).alias(i) for x, i in zip(self.exprs, IDS)]

    def _run(self, df):
        pl = self.pl
        out = df.select(self.exprs)
        score = pl.sum_horizontal([pl.col(i).cast(pl.Int32) * w for i, w in zip(IDS, WEIGHTS)]) * 100.0 / TOTAL_W
        return out.with_columns(score.alias("score"))

    def prepare(self, lines, blob):
        return self.pl.read_ndjson(io.BytesIO(blob))

    def e2e(self, lines, blob):
        return self._run(self.pl.read_ndjson(io.BytesIO(blob)))

    def eval(self, native):
        return self._run(native)

    @staticmethod
    def digest(out):
        fails = {i: int(out.height - out[i].sum()) for i in IDS}
        s = sum(round(x, 6) for x in out["score"].to_list())
        return {"fails": fails, "score_sum": f"{s:.2f}"}


class ChiduPython(Engine):
    name = "chidu Python binding (evaluate_many)"
    note = "e2e: JSONL bytes in; eval-only: list of dicts in"

    def __init__(self):
        import chidu

        self.std = chidu.Standard.load(str(PACK))
        self.total = self.std.total

    def _collect(self, batch):
        t = self.total
        out = []
        for rep in batch:
            out.append((100.0 * rep.score / t, [g["indicator"] for g in rep.gaps]))
        return out

    def prepare(self, lines, blob):
        return [orjson.loads(l) for l in lines]

    def e2e(self, lines, blob):
        return self._collect(self.std.evaluate_many(blob, as_of=AS_OF))

    def eval(self, native):
        return self._collect(self.std.evaluate_many(native, as_of=AS_OF))


class ChiduPythonStream(ChiduPython):
    name = "chidu Python binding (evaluate_iter)"
    note = "as evaluate_many, part by part: one part's reports alive at a time, as the Rust row keeps one"

    def e2e(self, lines, blob):
        return self._collect(self.std.evaluate_iter(blob, as_of=AS_OF))

    def eval(self, native):
        return self._collect(self.std.evaluate_iter(native, as_of=AS_OF))


# ---------------------------------------------------------------- timing
def timed(fn, runs):
    import statistics

    ts = []
    res = None
    for _ in range(runs):
        gc.collect()
        t = time.perf_counter()
        res = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), res


def run_proc(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS MiB)."""
    import subprocess

    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode()
    p.stderr.close()
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{cmd}: exit {p.returncode}: {err[-500:]}")
    return wall, ru.ru_maxrss / 1024


def peak_rss(cmd):
    """Runs cmd under GNU time; returns (wall seconds, peak RSS MiB).

    Not wait4's own figure: a child started from this (large) Python process reports this
    process's peak RSS at the exec, not the child's own. time is small, so its child's is.
    """
    import subprocess

    t = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - t
    if p.returncode not in (0, 1):
        raise RuntimeError(f"{cmd}: exit {p.returncode}: {p.stderr.decode()[-500:]}")
    return wall, int(p.stderr.decode().split()[-1]) / 1024


BUILT_IN = [("python", PlainPython), ("chidu-py", ChiduPython), ("chidu-py-iter", ChiduPythonStream),
            ("polars", Polars)]


def engines():
    """(key, class) of every Python-driven engine, the optional ones when importable."""
    found = list(BUILT_IN)
    for mod in ("peers_extra", "peers_more"):  # datalogic, zen; pandas, jsonschema-rs, regorus
        try:
            found += __import__(mod).ENGINES
        except ImportError as e:
            print(f"# no {mod}: {e}", flush=True)
    return found


def child(key, mode, data, runs="3"):
    """One engine in a fresh process: `cold` scores DATA's first record; `rss` runs e2e once
    (`setup` stops before it);
    `time` times e2e and then eval-only (median of `runs` each) and prints their seconds and
    digests as JSON.

    The optional engines' modules are imported only for their own keys, as a user's script
    would import only the engine it uses.
    """
    cls = dict(BUILT_IN).get(key) or dict(engines())[key]
    blob = Path(data).read_bytes()
    lines = blob.splitlines()
    if mode == "cold":
        lines = lines[:1]
        blob = lines[0] + b"\n"
    eng = cls()
    if mode == "setup":  # what `rss` does before its pass: instructions.py subtracts it
        return
    if mode != "time":
        eng.e2e(lines, blob)
        return
    digest = Polars.digest if isinstance(eng, Polars) else digest_of
    t_e2e, res = timed(lambda: eng.e2e(lines, blob), int(runs))
    d_e2e = digest(res)
    del res
    native = eng.prepare(lines, blob)
    t_eval, res = timed(lambda: eng.eval(native), int(runs))
    print(orjson.dumps({"name": eng.name, "note": eng.note, "e2e_s": t_e2e, "eval_s": t_eval,
                        "digests": [d_e2e, digest(res)]}).decode())


def child_cmd(key, mode):
    """The command line that runs one engine in a fresh process; the data file goes last."""
    return lambda path: [sys.executable, __file__, "--child", key, mode, str(path)]


def costs(cold_cmd, rss_cmd, one, data, a):
    """(cold start ms, peak RSS MiB), each None unless --cold / --rss asked for it.

    `cold_cmd(path)` and `rss_cmd(path)` are command lines for a data file; `one` holds the
    first record only.
    """
    import statistics

    cold_ms = statistics.median(peak_rss(cold_cmd(one))[0] * 1e3 for _ in range(5)) if a.cold else None
    mib = peak_rss(rss_cmd(data))[1] if a.rss else None
    return cold_ms, mib


def cli_cmd(data, out="/dev/null"):
    return [str(CLI), "check", str(PACK), str(data), "--as-of", AS_OF, "--format", "jsonl", "-o", out]


def main():
    import argparse
    import json
    import statistics
    import subprocess
    import tempfile

    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cold", action="store_true")
    ap.add_argument("--rss", action="store_true", help="peak RSS of the streaming CLI on DATA")
    ap.add_argument("--skip", default="", help="comma-separated engine keys to skip")
    a = ap.parse_args()
    data = Path(a.data)
    blob = data.read_bytes()
    lines = blob.splitlines()
    n = len(lines)
    print(f"# {n} records, {len(blob) / n / 1024:.2f} KiB/record, {len(blob) / 2**20:.0f} MiB; "
          f"median of {a.runs}; affinity {sorted(os.sched_getaffinity(0))}", flush=True)

    rows = []  # (name, e2e rps, eval rps, digest ok, note)
    cost = {}  # name -> (cold start ms, peak RSS MiB)
    one = Path(tempfile.gettempdir()) / "chidu_peers_one.jsonl"
    one.write_bytes(lines[0] + b"\n")
    ref = digest_of(PlainPython().e2e(lines, blob))
    print("# reference digest (plain Python):", json.dumps(ref, separators=(",", ":")), flush=True)

    def check(name, d):
        ok = d == ref
        if not ok:
            bad = {k: (v, ref["fails"][k]) for k, v in d["fails"].items() if v != ref["fails"][k]}
            print(f"# DIGEST MISMATCH {name}: fails {bad}, score_sum {d['score_sum']} vs {ref['score_sum']}", flush=True)
        return ok

    # chidu, Rust API (example binary), one row per mode of RUST_ROWS
    if RUST_EX.exists():
        for key, flags, name, note in RUST_ROWS:
            out = subprocess.run([str(RUST_EX), *flags, str(PACK), str(data), str(a.runs)],
                                 capture_output=True, check=True, text=True)
            r = json.loads(out.stdout)
            rows.append((name, r["e2e_rps"], r["eval_rps"], check(key, r["digest"]), note))
            cmd = rust_cmd(*flags)
            cost[name] = costs(cmd, cmd, one, data, a)
            if key == "rust":
                print(f"# rust: pack load + compile {r['load_ms']:.1f} ms", flush=True)
    else:
        print("# SKIP chidu Rust API: example binary not built", flush=True)

    # the hand-written limit: not a peer (no engine), but the "within 1.25×" is set against it
    if HANDWRITTEN.exists():
        out = subprocess.run([str(HANDWRITTEN), str(data), str(a.runs)], capture_output=True, check=True, text=True)
        r = json.loads(out.stdout)
        rows.append((LIMIT, r["e2e_rps"], r["eval_rps"], check("handwritten", r["digest"]),
                     "benches/peers/handwritten; eval-only: pre-parsed structs borrowing the input"))
        hand = lambda path: [str(HANDWRITTEN), "--e2e-only", str(path), "1"]
        cost[LIMIT] = costs(hand, hand, one, data, a)
    else:
        print("# SKIP hand-written limit: binary not built", flush=True)

    # chidu CLI
    if CLI.exists():
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as tf:
            run_proc(cli_cmd(data, tf.name))
            d = digest_of(
                (100.0 * o["score"] / o["total"], [g["indicator"] for g in o["gaps"]])
                for o in map(orjson.loads, Path(tf.name).read_bytes().splitlines()))
        walls = [run_proc(cli_cmd(data))[0] for _ in range(a.runs)]
        name = "chidu CLI (check --format jsonl -o /dev/null)"
        rows.append((name, n / statistics.median(walls), None,
                     check("cli", d), "whole process: start, load pack, read file, write reports"))
        cost[name] = costs(cli_cmd, cli_cmd, one, data, a)

    skip = set(filter(None, a.skip.split(",")))
    for key, _ in engines():
        if key in skip:
            continue
        # Each engine is timed in a fresh process: timed in this one, the later rows ran on a
        # heap the earlier ones had grown (gigabytes at 100,000 stations), which slowed them
        # by up to a third and ranked them by their place in the list.
        out = subprocess.run([sys.executable, __file__, "--child", key, "time", str(data), str(a.runs)],
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:  # not installed, or failed
            print(f"# SKIP {key}: {out.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        ok = all([check(r["name"], r["digests"][0]), check(r["name"] + " eval", r["digests"][1])])
        rows.append((r["name"], n / r["e2e_s"], n / r["eval_s"], ok, r["note"]))
        cost[r["name"]] = costs(child_cmd(key, "cold"), child_cmd(key, "rss"), one, data, a)
        print(f"# done {key}: e2e {n / r['e2e_s']:,.0f}/s eval {n / r['eval_s']:,.0f}/s; cold start, peak RSS "
              f"{cost[r['name']]}", flush=True)

    # table
    chidu_rows = [r for r in rows if r[0].startswith("chidu")]
    # the limit gets a ratio column but is not a peer: "fastest peer" is over engines only
    others = [r for r in rows if not r[0].startswith("chidu")]
    peers = [r for r in others if r[0] != LIMIT]
    best_e2e = max(peers, key=lambda r: r[1]) if peers else None
    best_eval = max(peers, key=lambda r: r[2] or 0) if peers else None
    fmt = lambda x: "–" if x is None else f"{x:,.0f}"
    print()
    print(f"N = {n}")
    print()
    fmt1 = lambda x: "–" if x is None else f"{x:,.1f}"
    print("| engine | e2e rec/s | eval-only rec/s | cold start ms | peak RSS MiB | digest = plain Python | notes |")
    print("|---|---:|---:|---:|---:|:-:|---|")
    for name, e, v, ok, note in rows:
        cold_ms, mib = cost.get(name, (None, None))
        print(f"| {name} | {fmt(e)} | {fmt(v)} | {fmt1(cold_ms)} | {fmt(mib)} | {'yes' if ok else 'NO'} | {note} |")
    print()
    print("chidu ÷ peer (same run; e2e ÷ e2e, eval-only ÷ eval-only):")
    print()
    print("| chidu row | " + " | ".join(p[0] for p in others) + " |")
    print("|---|" + "---:|" * len(others))
    for name, e, v, _, _ in chidu_rows:
        cells = []
        for p in others:
            ce = f"{e / p[1]:.2f}×" if e and p[1] else "–"
            cv = f"{v / p[2]:.2f}×" if v and p[2] else "–"
            cells.append(f"{ce} / {cv}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if best_e2e:
        print()
        print(f"fastest peer e2e: {best_e2e[0]} ({fmt(best_e2e[1])}/s); fastest peer eval-only: {best_eval[0]} ({fmt(best_eval[2])}/s)")

if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:  # bench.py --child KEY cold|rss|setup|time DATA [RUNS]
        child(*sys.argv[2:6])
    else:
        main()
