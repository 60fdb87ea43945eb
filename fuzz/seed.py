#!/usr/bin/env python3
"""Writes seed inputs for every fuzz target from the built-in packs (standards/**) into
fuzz/seeds/<target>/ (not committed; `cargo fuzz cmin` minimises them into fuzz/corpus/)."""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STD = ROOT / "standards"
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "seeds"


def pack_files(pack):
    # Same order as chidu_fuzz::mutable_files (sorted paths, examples/ and tests/ left out).
    files = sorted(p.relative_to(STD).as_posix() for p in (STD / pack).rglob("*")
                   if p.is_file() and p.suffix in (".yaml", ".yml", ".csv", ".json", ".jsonl"))
    return [f for f in files if "/examples/" not in f and "/tests/" not in f]


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


mutable = [p for pack in ("demo", "honghe") for p in pack_files(pack)]
for i, path in enumerate(mutable):
    write("pack_load", f"{i:02}-{path.replace('/', '_')}", bytes([i]) + (STD / path).read_bytes())

exprs = set()
for f in STD.rglob("*.yaml"):
    for line in f.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*(?:-\s*)?(?:check|when|measure|target|count|value)\s*:\s*(.+)$", line)
        if m:
            e = m.group(1).strip()
            if len(e) >= 2 and e[0] == e[-1] and e[0] in "\"'":
                e = e[1:-1]
            exprs.add(e)
for i, e in enumerate(sorted(exprs)):
    write("expression", f"{i:04}", e.encode())

try:
    import yaml  # optional: YAML examples to JSON
except ImportError:
    yaml = None
for f in sorted((STD / "demo" / "examples").glob("*.yaml")):
    text = f.read_bytes()
    write("record_yaml_csv", f"yaml-{f.stem}", b"\x00" + text)
    if yaml is not None:
        doc = yaml.safe_load(text)
        j = json.dumps(doc, ensure_ascii=False, default=str).encode()
        write("record_json", f"{f.stem}.json", j)
        write("record_yaml_csv", f"jsonl-{f.stem}", b"\x01" + j + b"\n" + j)
        write("record_yaml_csv", f"json-{f.stem}", b"\x02[" + j + b"]")
write("record_yaml_csv", "csv-demo",
      b"\x03id,name,premises.mode,premises.area_m2,premises.sign,established\n"
      b"S-1,A,independent,80,true,2024-01-02\nS-2,B,none,,false,\n"
      b"\x01id,name,role,employment,certificate,training_hours,start\n"
      b"S-1,X,social_worker,full_time,assistant,30,2024-02-01\n")
